/**
 * fit never answers silently wrong (issue 21): a swept key pooled into one law is warned
 * about (suggesting --by), degenerate bootstrap resamples are skipped and counted, a network
 * sweep's N is its parameter count, and each warning appears once (stderr and the JSON; the
 * text report on stdout does not repeat it). Through the real CLI.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../helpers.js";
import { cliIn } from "../inprocess.js";
import { powerLawCsv, sweepJsonl } from "./fixtures.js";
import { fitWarnings } from "../../src/fit/diagnostics.js";

const dir = tempDir();
function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

test("a swept key other than x and the seed is warned about, suggesting --by; not with --by or --where", async () => {
  const file = write("sweep.jsonl", sweepJsonl());
  const r = await cliIn(["fit", file, "--x", "params", "--final", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const w = JSON.parse(r.stdout).warnings.find((x: { code: string }) => x.code === "pooled-sweep-key");
  assert.match(w.message, /^skills\.frequencies\.zipf takes 2 values in the fitted rows \(1, 2\): one law is fitted across them, as if they were one experiment\. Fit one law per value with --by skills\.frequencies\.zipf/);
  assert.equal(r.stderr.split("\n").filter((l) => l.includes("takes 2 values")).length, 1);
  const by = await cliIn(["fit", file, "--x", "params", "--final", "--by", "skills.frequencies.zipf", "--json", "-q"]);
  assert.ok(!by.stdout.includes("pooled-sweep-key"));
  const one = await cliIn(["fit", file, "--x", "params", "--final", "--where", "skills.frequencies.zipf=1", "--json", "-q"]);
  assert.equal(one.code, 0, one.stderr);
  assert.ok(!one.stdout.includes("pooled-sweep-key"));
});

test("the same sweep as `skillsim table --csv` (wide, long, --summary): the swept key is warned about too; a CSV from elsewhere is not", async () => {
  const file = write("sweep-t.jsonl", sweepJsonl());
  const pooled = (r: { stdout: string }) => JSON.parse(r.stdout).warnings.filter((x: { code: string }) => x.code === "pooled-sweep-key");
  for (const [flags, y] of [[[], "final_loss"], [["--long"], "final_loss"], [["--summary"], "final_loss_mean"]] as const) {
    const csv = write(`t${flags.join("")}.csv`, (await cliIn(["table", file, "--csv", ...flags])).stdout);
    const r = await cliIn(["fit", csv, "--x", "params", "--y", y, "--json", "-q"]);
    assert.equal(r.code, 0, r.stderr);
    const w = pooled(r);
    assert.equal(w.length, 1, `${flags}: ${r.stdout}`);
    assert.match(w[0].message, /^skills\.frequencies\.zipf takes 2 values in the fitted rows \(1, 2\)/);
    const by = await cliIn(["fit", csv, "--x", "params", "--y", y, "--by", "skills.frequencies.zipf", "--json", "-q"]);
    assert.equal(by.code, 0, by.stderr);
    assert.ok(!by.stdout.includes("pooled-sweep-key"));
  }
  // a CSV whose header is not a table's: its columns are not known to be swept keys
  const other = write("other.csv", "params,zipf,final_loss\n" + [20, 40, 80, 160].flatMap((n) => [1, 2].map((z) => `${n},${z},${(1 + n ** -0.5 * z).toFixed(6)}`)).join("\n") + "\n");
  const r = await cliIn(["fit", other, "--x", "params", "--y", "final_loss", "--json", "-q"]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(pooled(r), []);
});

test("degenerate bootstrap resamples (a single x value) are skipped and counted, not fatal", async () => {
  // 4 points: a resample draws one x value 4 times with probability 4/4^4 = 1/64 (3 of these 300)
  const four = write("four.csv", powerLawCsv(0.5, 3, 0.4, 4));
  const r = await cliIn(["fit", four, "--x", "params", "--bootstrap", "300", "--json", "-q"]);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  const w = j.warnings.find((x: { code: string }) => x.code === "degenerate-resamples");
  assert.ok(w, JSON.stringify(j.warnings));
  const m = /^(\d+) of 300 bootstrap resamples drew a single params value \(no exponent to fit\) and were skipped; the intervals come from the other (\d+)$/.exec(w.message);
  assert.ok(m, w.message);
  assert.equal(Number(m[1]) + Number(m[2]), 300);
  assert.ok(Number(m[1]) >= 1);
  // reproducible: the same seed skips the same resamples
  assert.equal((await cliIn(["fit", four, "--x", "params", "--bootstrap", "300", "--json", "-q"])).stdout, r.stdout);
});

test("a network sweep: N is each run's parameter count (summary.parameters)", async () => {
  const cfg = write("net.yaml", "model: network\ntask: {kind: sparse-parity, bits: 8, samples: 64, subtasks: [[1, 2], [3, 4]]}\nnetwork: {hidden: [4]}\nsteps: 20\nsweep:\n  network.hidden: [[4], [8], [16]]\n");
  const out = join(dir, "net.jsonl");
  assert.equal((await cliIn(["sweep", cfg, "--out", out, "-q"])).code, 0);
  const params: number[] = [];
  for (const h of [4, 8, 16]) params.push(JSON.parse((await cliIn(["run", cfg, "--set", `network.hidden=[${h}]`, "--json", "-q"])).stdout).summary.parameters);
  const r = await cliIn(["fit", out, "--x", "N", "--final", "--json", "-q"]);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.n, 3);
  const table = await cliIn(["fit", out, "--x", "N", "--final", "--plot", join(dir, "n.svg"), "-q"]);
  assert.equal(table.code, 0, table.stderr);
  // the x values are the parameter counts
  const csvLike = await cliIn(["fit", out, "--x", "N", "--final", "--where", `N=${params[1]}`, "--json", "-q"]);
  assert.equal(csvLike.code === 0 || /leaves|needs at least/.test(csvLike.stderr), true, csvLike.stderr);
  assert.ok(!/has no value/.test(csvLike.stderr));
  // without --x: N has values, D (step x batch) does not, and the message says what to do
  const d = await cliIn(["fit", out]);
  assert.equal(d.code, 2);
  assert.match(d.stderr, /no D = step x batch for a Chinchilla fit.*--x N --final/);
});

test("each warning once: on stderr and in the JSON; the text report on stdout does not repeat it", async () => {
  const file = write("narrow.jsonl", sweepJsonl());
  const r = await cliIn(["fit", file, "--x", "params", "--final", "--by", "skills.frequencies.zipf"]);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(!r.stdout.includes("spans less than a decade"), r.stdout);
  assert.match(r.stdout, /\n\d+ warnings?: on stderr \(and in --json\)\n$/);
  assert.equal(r.stderr.split("\n").filter((l) => l.includes("spans less than a decade")).length, 1);
  // --quiet: stderr says nothing, so the text keeps them
  const q = await cliIn(["fit", file, "--x", "params", "--final", "--by", "skills.frequencies.zipf", "-q"]);
  assert.equal(q.stderr, "");
  assert.ok(q.stdout.includes("spans less than a decade"));
});

test("a sweep's line order does not move the fit: lines as `sweep --jobs` writes them give the id-order result, bit for bit", async () => {
  const dir = tempDir();
  const lines = sweepJsonl().trim().split("\n");
  // A different order than id order, as two workers finishing out of turn would write it.
  const shuffled = [5, 2, 7, 0, 3, 6, 1, 4].map((k) => lines[k]);
  const inOrder = join(dir, "ordered.jsonl"), outOfOrder = join(dir, "shuffled.jsonl");
  writeFileSync(inOrder, lines.join("\n") + "\n");
  writeFileSync(outOfOrder, shuffled.join("\n") + "\n");
  for (const args of [["--json"], ["--json", "--final", "--x", "params", "--by", "skills.frequencies.zipf"], ["--json", "--bootstrap", "20", "--seed", "3"]]) {
    const a = await cliIn(["fit", inOrder, ...args, "-q"]);
    const b = await cliIn(["fit", outOfOrder, ...args, "-q"]);
    assert.equal(a.code, 0, a.stderr);
    // The same fit; only the provenance's file name and content hash tell the two files apart.
    const same = (out: string) => out.replaceAll("shuffled.jsonl", "ordered.jsonl").replace(/"input_sha256":"[0-9a-f]+"/g, '"input_sha256":"-"');
    assert.equal(same(b.stdout), same(a.stdout), args.join(" "));
  }
});

test("the flat-direction warning points to 'the other warnings' only when there are others", () => {
  // A power law held at A = 2, alpha = 0 (E fixed at 0) against data at 1 and 3: every log
  // residual is far beyond Huber's delta, where the loss is linear, so the curvature at this
  // point is zero in every direction (flat). N spans two decades: no narrow-range warning.
  const xs = [new Float64Array([10, 20, 40, 80, 160, 320, 640, 1000])];
  const loss = { name: "huber" as const, delta: 1e-3, penalty: 1 };
  const inp = (ys: number[]) => ({
    form: "powerlaw" as const, x: ["N"], y: "loss", xs, ys: new Float64Array(ys), loss, fixE: 0,
    fit: { form: "powerlaw" as const, n: ys.length, params: { A: 2, alpha: 0 }, loss, objective: 0, rmse_log: 0, starts: 1, evaluations: 1, theta: new Float64Array([Math.log(2), 0]) },
  });
  const alone = fitWarnings(inp([1, 3, 1, 3, 1, 3, 1, 3]));
  assert.deepEqual(alone.map((w) => w.code), ["flat-direction"]);
  assert.ok(alone[0].message.endsWith("not determined by the data. See the bootstrap intervals (--bootstrap K)."), alone[0].message);
  // the same flat point with every y equal: constant-y comes first, and the hint points to it
  const withOther = fitWarnings(inp([3, 3, 3, 3, 3, 3, 3, 3]));
  assert.deepEqual(withOther.map((w) => w.code), ["constant-y", "flat-direction"]);
  assert.ok(withOther[1].message.endsWith("See the other warnings and the bootstrap intervals (--bootstrap K)."), withOther[1].message);
});
