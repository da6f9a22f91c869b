/**
 * The docs' numbers are produced by the commands the docs show (issue 21): every console or
 * text block of docs/fit.md that runs `skillsim fit` on the repository's Chinchilla data is run
 * here, and each line the block shows must be a line of the command's output, in order (a
 * line in brackets, "[the plot, as above]", stands for lines left out; a JSON line is compared
 * as JSON, apart from the node and skillsim versions). A re-run that moves a number fails here
 * until the page is regenerated.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { cli, ROOT } from "../helpers.js";

interface Block { line: number; command: string; shown: string[] }

/** Fenced console/text blocks whose first line is `$ skillsim ...` (with `\` continuations). */
export function commandBlocks(page: string, prefix: string): Block[] {
  const lines = page.split("\n");
  const out: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(console|text)$/.test(lines[i])) continue;
    const start = i + 1;
    let j = start;
    if (!lines[j]?.startsWith(`$ ${prefix}`)) continue;
    let command = lines[j].slice(2);
    while (command.endsWith("\\")) command = command.slice(0, -1).trimEnd() + " " + lines[++j].trim();
    const shown: string[] = [];
    for (j++; j < lines.length && !lines[j].startsWith("```"); j++) shown.push(lines[j]);
    out.push({ line: start + 1, command, shown });
    i = j;
  }
  return out;
}

/** Shell words of a command line: spaces separate, double or single quotes group. */
export function words(s: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(s); m; m = re.exec(s)) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

const withoutVersions = (j: { provenance?: Record<string, unknown> }) => {
  if (j.provenance) { delete j.provenance.node; delete j.provenance.skillsim; }
  return j;
};

/** Each shown line is an output line, in order (bracketed lines stand for omitted output). */
function assertShown(b: Block, output: string[], page: string): void {
  let k = 0;
  for (const want of b.shown) {
    if (want.trim() === "" || /^\s*\[.*\]\s*$/.test(want)) continue;
    const match = (got: string) =>
      want.startsWith("{") && got.startsWith("{") ? isDeepJson(withoutVersions(JSON.parse(want)), withoutVersions(JSON.parse(got))) : got.trimEnd() === want.trimEnd();
    while (k < output.length && !match(output[k])) k++;
    assert.ok(k < output.length, `${page}:${b.line}: \`${b.command}\` no longer prints\n  ${want}\n(regenerate the block from the command's output)\n--- output:\n${output.join("\n")}`);
    k++;
  }
}

function isDeepJson(a: unknown, b: unknown): boolean {
  try {
    assert.deepEqual(a, b);
    return true;
  } catch {
    return false;
  }
}

test("the check fails on a moved number and passes on omitted lines", () => {
  const b: Block = { line: 1, command: "skillsim x", shown: ["  alpha       0.347311", "[the plot]", "  beta        0.367172"] };
  assert.doesNotThrow(() => assertShown(b, ["head", "  alpha       0.347311", "plot", "plot", "  beta        0.367172"], "p"));
  assert.throws(() => assertShown(b, ["  alpha       0.347312", "  beta        0.367172"], "p"), /no longer prints\n +alpha +0\.347311\n/);
  assert.throws(() => assertShown(b, ["  beta        0.367172", "  alpha       0.347311"], "p"), /beta/); // order matters
  const j: Block = { line: 1, command: "skillsim x", shown: ['{"a":1,"provenance":{"node":"v1"}}'] };
  assert.doesNotThrow(() => assertShown(j, ['{"a":1,"provenance":{"node":"v2"}}'], "p"));
  assert.throws(() => assertShown(j, ['{"a":2,"provenance":{"node":"v1"}}'], "p"));
});

const fitPage = readFileSync(join(ROOT, "docs", "fit.md"), "utf8");
const blocks = commandBlocks(fitPage, "skillsim fit data/chinchilla-fig4.csv");

test("docs/fit.md shows its Chinchilla commands (at least the four examples)", () => {
  assert.ok(blocks.length >= 4, `found ${blocks.length}`);
});

for (const b of blocks) {
  test(`docs/fit.md:${b.line}: ${b.command}`, () => {
    const r = cli(words(b.command).slice(1));
    assert.equal(r.code, 0, r.stderr);
    const stderr = r.stderr.split("\n").filter((l) => l !== "" && !l.startsWith("skillsim: progress:"));
    assertShown(b, [...stderr, ...r.stdout.split("\n")], "docs/fit.md");
  });
}
