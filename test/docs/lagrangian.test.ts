/**
 * docs/lagrangian.md's minimal-example section is what the study script prints (issue 21: the
 * docs' numbers are produced by tests): `node scripts/lagrangian-study.mjs minimal` (84 runs,
 * about 4 s of CPU) gives the page's table and per-learning-rate lines line for line, and the
 * prose's numbers for the minimal example are that table's. The other three settings take
 * 23 s (two-skill) to minutes (scaling, network) and are not rerun here.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../helpers.js";

const PAGE = readFileSync(join(ROOT, "docs", "lagrangian.md"), "utf8");
const FLAT = PAGE.replace(/\s+/g, " ");

/** The non-blank lines of a section from its heading (any level) to the next heading. */
function section(text: string, heading: string): string[] {
  const lines = text.split("\n");
  const start = lines.findIndex((l) => /^#+ /.test(l) && l.replace(/^#+ /, "") === heading);
  assert.ok(start >= 0, `no section "${heading}"`);
  const end = lines.findIndex((l, i) => i > start && /^#+ /.test(l));
  return lines.slice(start + 1, end < 0 ? undefined : end).filter((l) => l.trim() !== "");
}

test("docs/lagrangian.md: the minimal example's table and learning-rate lines are the script's output, and the prose quotes them", () => {
  const out = execFileSync(process.execPath, [join(ROOT, "scripts", "lagrangian-study.mjs"), "minimal"], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  const heading = "minimal (configs/lagrangian/minimal.yaml; seeds 0; delta = 0.01 L(0))";
  const printed = section(out, heading);
  assert.deepEqual(section(PAGE, heading), printed);

  // the prose: columns of the table's rows, in optimizer order (adam p = 0 .. 1, natural gradient)
  const rows = printed.filter((l) => /^\| (adam|natural)/.test(l)).map((l) => l.split("|").slice(1, -1).map((c) => c.trim()));
  assert.equal(rows.length, 6);
  const col = (j: number) => rows.map((r) => r[j]);
  const [T, ratio, untilT] = [col(2), col(3), col(6)];
  const two = (s: string) => Number(s).toFixed(2).replace(/^1\.00$/, "1.0");
  assert.ok(FLAT.includes(`drops steadily with the preconditioner power: ${two(untilT[0])} at p = 0`), untilT.join(" "));
  assert.ok(FLAT.includes(`${two(untilT[1])} at p = 0.25, ${two(untilT[2])} at p = 0.5 (sign descent), ${two(untilT[3])} at p = 0.75 and ${two(untilT[4])} at p = 1.`), untilT.join(" "));
  const r1 = (s: string) => (Number.isInteger(Number(s)) && Number(s) > 1 ? Number(s).toFixed(1) : s);
  assert.ok(FLAT.includes(`minimal example ${ratio.slice(0, 5).map(r1).join(", ")} and ${ratio[5]}.`), ratio.join(" "));
  assert.ok(FLAT.includes(`p = 0.25 (${T[1]}) and 0.75 (${T[3]}) beat it (${T[2]}) in the minimal example`), T.join(" "));
  assert.equal(T[5], "1"); // "a single step in the deterministic minimal example"
  assert.ok(FLAT.includes("a single step in the deterministic minimal example"));
});
