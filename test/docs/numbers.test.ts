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
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, tempDir } from "../helpers.js";
import { cliIn } from "../inprocess.js";

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
  test(`docs/fit.md:${b.line}: ${b.command}`, async () => {
    const r = await cliIn(words(b.command).slice(1));
    assert.equal(r.code, 0, r.stderr);
    const stderr = r.stderr.split("\n").filter((l) => l !== "" && !l.startsWith("skillsim: progress:"));
    assertShown(b, [...stderr, ...r.stdout.split("\n")], "docs/fit.md");
  });
}

// ---- docs/fit.md's Geometry scaling table, recomputed from configs/scaling/geometry-scaling.yaml ----

const hub = (r: number, d = 1e-3): number => (Math.abs(r) <= d ? 0.5 * r * r : d * (Math.abs(r) - 0.5 * d));

/** The E = 0 power law's objective at a given alpha, minimised over log A (convex: ternary search). */
function objectiveAt(alpha: number, pts: [number, number][]): number {
  const f = (la: number) => pts.reduce((s, [N, L]) => s + hub(Math.log(L) - (la - alpha * Math.log(N))), 0);
  let lo = -20, hi = 20;
  for (let i = 0; i < 300; i++) {
    const m1 = lo + (hi - lo) / 3, m2 = hi - (hi - lo) / 3;
    if (f(m1) < f(m2)) hi = m2;
    else lo = m1;
  }
  return f((lo + hi) / 2);
}

test("docs/fit.md's Geometry scaling table is what the sweep and the fits it names give", async () => {
  const dir = tempDir();
  const lines = join(dir, "scaling.jsonl");
  // 54 runs of 10,000 steps: about 30 s of CPU, on two worker threads
  const sw = await cliIn(["sweep", "configs/scaling/geometry-scaling.yaml", "--out", lines, "-q", "-j", "2"]);
  assert.equal(sw.code, 0, sw.stderr);
  const fit = async (...args: string[]) => {
    const r = await cliIn(["fit", lines, "--final", "--by", "skills.frequencies.zipf", "--json", "-q", ...args]);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout).groups as { value: number; params: { E: number; alpha: number }; rmse_log: number; warnings: { code: string }[] }[];
  };
  const columns = [
    await fit("--x", "params", "--where", "params<=160", "--fix-E", "0"),
    await fit("--x", "params", "--where", "params<=160"),
    await fit("--x", "params", "--fix-E", "0"),
    await fit("--x", "params"),
    await (async () => {
      const r = await cliIn(["fit", lines, "--x", "step", "--where", "params=500", "--where", "step>=100", "--by", "skills.frequencies.zipf", "--json", "-q"]);
      assert.equal(r.code, 0, r.stderr);
      return JSON.parse(r.stdout).groups;
    })(),
  ];
  const table = fitPage.split("\n").filter((l) => /^\| (1|1\.5|2) \| /.test(l));
  assert.equal(table.length, 3, "three zipf rows");
  const rows = readFileSync(lines, "utf8").trim().split("\n").map((l) => JSON.parse(l));
  for (const row of table) {
    const cells = row.split("|").slice(1, -1).map((c) => c.trim());
    const zipf = Number(cells[0]);
    cells.slice(1).forEach((cell, c) => {
      const g = columns[c].find((x: { value: number }) => x.value === zipf);
      assert.ok(g, `zipf ${zipf} in column ${c + 1}`);
      const where = `docs/fit.md scaling table, zipf ${zipf}, column ${c + 2} ("${cell}")`;
      const flat = /flat: every alpha from ([\d.]+) to ([\d.]+)/.exec(cell);
      // a flat optimum has no one alpha to quote (the point the search stops at even depends on
      // the order of the lines): the cell gives the range, and the fitted alpha must lie in it
      if (flat) assert.ok(g.params.alpha >= Number(flat[1]) - 1e-3 && g.params.alpha <= Number(flat[2]) + 1e-3, `${where}: alpha ${g.params.alpha}`);
      else assert.equal(cell.split(" ")[0], g.params.alpha.toFixed(3), `${where}: alpha`);
      const e = / E = ([\d.e-]+)/.exec(cell);
      if (e) assert.equal(Number(e[1]), Number(g.params.E.toPrecision(2)), `${where}: E`);
      if (cell.includes("E fitted to 0")) assert.ok(g.params.E < 1e-10, `${where}: E ${g.params.E}`);
      const rmse = /rmse ([\d.]+) in log/.exec(cell);
      if (rmse) assert.equal(rmse[1], g.rmse_log.toFixed(2), `${where}: rmse`);
      const warned = g.warnings.some((w: { code: string }) => w.code === "flat-direction");
      // with E held at 0 the only free directions are A and alpha: a flat-direction warning is alpha's
      // (with E free, E fitted to its bound 0 is flat too, and the cell says "E fitted to 0")
      if (c === 0 || c === 2) assert.equal(Boolean(flat), warned, `${where}: says flat exactly when fit warns flat-direction`);
      if (flat) {
        // every alpha on a 0.001 grid whose objective equals the fitted one
        const pts: [number, number][] = rows
          .filter((r) => r.overrides["skills.frequencies.zipf"] === zipf && r.overrides.params <= 160)
          .map((r) => [r.overrides.params, r.final.loss]);
        const best = objectiveAt(g.params.alpha, pts);
        const same: number[] = [];
        for (let k = Math.round((g.params.alpha - 0.2) * 1000); k <= Math.round((g.params.alpha + 0.2) * 1000); k++)
          if (objectiveAt(k / 1000, pts) <= best * (1 + 1e-9)) same.push(k / 1000);
        assert.deepEqual([same[0].toFixed(3), same.at(-1)!.toFixed(3)], [flat[1], flat[2]], `${where}: the flat range`);
        assert.ok(same.length > 5, "flat over more than a few grid points");
      }
    });
  }
  // the Chinchilla fit over (N, D) at zipf 1 that the page quotes, on the same sweep
  const ch = await cliIn(["fit", lines, "--form", "chinchilla", "--x", "N,D", "--where", "skills.frequencies.zipf=1", "--where", "step>=100", "--bootstrap", "50", "--json", "-q"]);
  assert.equal(ch.code, 0, ch.stderr);
  const c = JSON.parse(ch.stdout);
  const iv = (k: string, d: number) => `[${c.intervals[k][0].toFixed(d)}, ${c.intervals[k][1].toFixed(d)}]`;
  const quoted = `The Chinchilla fit over (N, D) at zipf 1 (${c.n} points) gives **alpha = ${c.params.alpha.toFixed(3)} ${iv("alpha", 3)}**, beta = ${c.params.beta.toFixed(2)} ${iv("beta", 2)}, E = ${c.params.E}`;
  assert.ok(fitPage.replace(/\s+/g, " ").includes(quoted), quoted);
  // the least-squares numbers the page quotes: --fix-E 0 --loss mse
  const mse = (await fit("--x", "params", "--where", "params<=160", "--fix-E", "0", "--loss", "mse")).map((g) => g.params.alpha.toFixed(3)).join(", ");
  assert.ok(fitPage.replace(/\s+/g, " ").includes(`with E = 0 (\`--fix-E 0 --loss mse\`) gives ${mse} over N 20-160`), `docs/fit.md quotes ${mse}`);
});

// ---- docs/models.md's and the README's reference numbers ----

const modelsPage = readFileSync(join(ROOT, "docs", "models.md"), "utf8");
const flat = (s: string) => s.replace(/\s+/g, " ");

async function runJson(yaml: string | null): Promise<{ summary: Record<string, number>; skills: { learned: number | null; half: number | null; final: number }[] }> {
  const dir = tempDir();
  const args = ["run", "--json", "-q"];
  if (yaml !== null) {
    writeFileSync(join(dir, "c.yaml"), yaml);
    args.splice(1, 0, join(dir, "c.yaml"));
  }
  const r = await cliIn(args);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test("docs/models.md and README: the default run's eta_eff and half-learned times", async () => {
  const j = await runJson(null);
  const halves = j.skills.map((s) => s.half).join(", ");
  const eta = Number(j.summary.eta_eff.toPrecision(6));
  assert.ok(flat(modelsPage).includes(`1000 steps, eta_eff = ${eta} and the first steps with s_i > 0.5 are ${halves} for skills 1 to 10`), `docs/models.md: ${eta}, ${halves}`);
  assert.ok(flat(readFileSync(join(ROOT, "README.md"), "utf8")).includes(`: ${halves}.`), `README: ${halves}`);
});

test("docs/models.md: the Domino t0 and the switching example are what the runs give", async () => {
  const d = await runJson("model: domino\nskills: {count: 3, frequencies: {zipf: 2}}\nlr: 3.0e-4\nparams: 1000\nsteps: 200\n");
  assert.ok(modelsPage.includes(`With eta = 3e-4 and N = 1000, t0 = ${Number(d.summary.t0.toPrecision(6))} steps.`), String(d.summary.t0));
  const base = `model: resource\nskills:\n  frequencies: [${1 / 3}, ${1 / 3}, 0.0045]\nSW\nrate: ${1e-2 * Math.sqrt(350 / 400)}\nN0: 0.1\nsteps: 3000\n`; // as the page says
  const on = await runJson(base.replace("SW", "  switches: [{skill: 3, at_level: 0.5, frequency: 0.08}]"));
  const off = await runJson(base.replace("SW\n", ""));
  assert.equal(on.skills[0].learned, on.skills[1].learned);
  const text = `skills 1 and 2 are learned (level 0.9) at step ${on.skills[0].learned} and skill 3 at step ${on.skills[2].learned}; without the switch skill 3 ends at level ${off.skills[2].final.toFixed(3)}.`;
  assert.equal(off.skills[2].learned, null);
  assert.ok(flat(modelsPage).includes(text), text);
});

test("docs/models.md lists each kind of Geometry skill vectors once (gaussian was listed twice)", async () => {
  const { vectorKinds } = await import("../../src/models/geometry/schema.js");
  for (const kind of vectorKinds) {
    const items = modelsPage.split("\n").filter((l) => l.startsWith(`- \`${kind}\`:`));
    assert.equal(items.length, 1, `docs/models.md: "- \`${kind}\`:" appears ${items.length} times`);
  }
});
