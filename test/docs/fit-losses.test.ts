/**
 * docs/fit.md's table of losses on the 240 Chinchilla rows is what `skillsim fit --loss` gives and
 * what the SciPy reference holds (issue 21: the docs' numbers are produced by tests). The huber
 * row's fit is the page's console example, run in test/docs/numbers.test.ts; here the mse and
 * asymmetric rows are fitted, and every row's SciPy column is the reference file's.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../helpers.js";
import { cliIn } from "../inprocess.js";

const PAGE = readFileSync(join(ROOT, "docs", "fit.md"), "utf8");
const SCIPY = JSON.parse(readFileSync(join(ROOT, "test", "fit", "reference", "chinchilla-scipy.json"), "utf8")) as { results: { loss: string; objective: number }[] };

/** A number shown with `digits` significant digits, as the page writes it (0.011461886991699: 14). */
const shown = (v: number, digits: number) => String(Number(v.toPrecision(digits)));

test("docs/fit.md's loss table: skillsim's objective and parameters for mse and asymmetric, SciPy's for every loss", async () => {
  const rows = PAGE.split("\n").filter((l) => /^\| `(huber|mse|asymmetric)`[^|]*\| 0\./.test(l));
  assert.equal(rows.length, 3);
  for (const row of rows) {
    const [name, ours, scipy, params] = row.split("|").slice(1, 5).map((c) => c.trim());
    const loss = /`(\w+)`/.exec(name)![1];
    const ref = SCIPY.results.find((r) => r.loss === loss)!;
    assert.equal(scipy, shown(ref.objective, 14), `${loss}: the SciPy column is the reference file's`);
    if (loss === "huber") continue;
    const args = ["fit", "data/chinchilla-fig4.csv", "--where", "loss<3.4469", "--loss", loss, "--json", "-q"];
    if (loss === "asymmetric") args.push("--penalty", /K = (\d+)/.exec(name)![1]);
    const r = await cliIn(args);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(ours, shown(j.objective, 14), `${loss}: objective`);
    assert.equal(params, ["E", "A", "B", "alpha", "beta"].map((k) => shown(j.params[k], 5)).join(", "), `${loss}: parameters`);
  }
});
