/**
 * The figures through the real CLI: readable log axes, a fit figure whose y axis is the
 * data's, no sweep figure against the seed by default, and PNG text from the bundled font.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { cli, tempDir } from "../helpers.js";

/** The y tick labels (text-anchor end, left of the frame) inside the panel of height `h`. */
function yLabelsOfPanel(svg: string, h: number): string[] {
  const rect = new RegExp(`<rect x="([\\d.]+)" y="([\\d.]+)" width="[\\d.]+" height="${h}" fill="none" stroke=`).exec(svg);
  assert.ok(rect, `a panel of height ${h}`);
  const x = Number(rect[1]), y0 = Number(rect[2]);
  const out: string[] = [];
  for (const m of svg.matchAll(/<text x="([\d.]+)" y="([\d.]+)" font-size="11" text-anchor="end">([^<]*)<\/text>/g)) {
    const tx = Number(m[1]), ty = Number(m[2]);
    if (tx === x - 8 && ty >= y0 - 6 && ty <= y0 + h + 6) out.push(m[3]);
  }
  return out;
}

test("run --plot: the log loss panel of a ce run is labelled enough to read", () => {
  const dir = tempDir();
  // [config, labels at least]: geometry-ce's loss stays within one decade (0.69 to 0.3),
  // where one label used to be all; resource-ce's spans two decades (labelled 0.1, 0.01).
  for (const [config, least] of [["configs/geometry-ce-overparam.yaml", 3], ["configs/resource-ce.yaml", 2]] as const) {
    const svgPath = join(dir, "run.svg");
    const r = cli(["run", config, "--plot", svgPath, "--quiet", "--set", "steps=2000"]);
    assert.equal(r.code, 0, r.stderr);
    const labels = yLabelsOfPanel(readFileSync(svgPath, "utf8"), 110); // panel (b), loss
    assert.ok(labels.length >= least, `${config}: loss labels ${JSON.stringify(labels)}`);
  }
});

test("fit --plot: a fitted E of ~1e-17 does not stretch the y axis down to it", () => {
  const dir = tempDir();
  const csv = join(dir, "pure.csv");
  const xs = [10, 20, 50, 100, 200, 500, 1000, 2000, 5000];
  writeFileSync(csv, "x,loss\n" + xs.map((x) => `${x},${2 * x ** -0.5}`).join("\n") + "\n");
  const svgPath = join(dir, "fit.svg");
  const r = cli(["fit", csv, "--x", "x", "--y", "loss", "--plot", svgPath, "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const E = JSON.parse(r.stdout).params.E;
  assert.ok(E >= 0 && E < 1e-6, `the fit finds no floor (E = ${E})`);
  const svg = readFileSync(svgPath, "utf8");
  const rect = /<rect x="84" y="([\d.]+)" width="[\d.]+" height="([\d.]+)" fill="none"/.exec(svg)!;
  const labels = yLabelsOfPanel(svg, Number(rect[2]));
  // Every y label lies within the data's range (0.028 to 0.63), give or take a tick.
  const values = labels.map((l) => Number(l));
  assert.ok(values.length >= 3 && values.every((v) => v >= 0.02 && v <= 1), `y labels ${labels}`);
  if (E > 0) assert.match(svg, /E lies far below the axis: not drawn/);
});

test("sweep --plot never puts the seed on the x axis unless asked", () => {
  const dir = tempDir();
  const cfg = join(dir, "seeds.yaml");
  writeFileSync(cfg, "model: geometry\nparams: 20\nsteps: 50\nskills: {count: 3}\nsweep:\n  seed: [0, 1, 2]\n");
  const out = join(dir, "s.jsonl");
  const r = cli(["sweep", cfg, "--out", out, "--plot", join(dir, "s.svg"), "--jobs", "1", "--quiet"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^skillsim: --plot: no swept key other than seed for the x axis \(swept: seed\)/);
  assert.ok(!existsSync(join(dir, "s.svg")));
  assert.ok(!existsSync(out), "refused before any run");
  const asked = cli(["sweep", cfg, "--out", out, "--plot", join(dir, "t.svg"), "--plot-x", "seed", "--quiet"]);
  assert.equal(asked.code, 0, asked.stderr);
  assert.match(readFileSync(join(dir, "t.svg"), "utf8"), /<title>Final loss vs seed<\/title>/);
});

test("PNG figures: drawn with the bundled font; characters it lacks are named on stderr", () => {
  const dir = tempDir();
  const ok = cli(["run", "configs/resource-default.yaml", "--plot", join(dir, "a.png")]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.doesNotMatch(ok.stderr, /glyph/);
  const png = readFileSync(join(dir, "a.png"));
  assert.equal(png.readUInt32BE(16), 720);
  const cjk = cli(["run", "configs/resource-default.yaml", "--set", "title=学习 α", "--plot", join(dir, "b.png")]);
  assert.equal(cjk.code, 0, cjk.stderr);
  assert.match(cjk.stderr, /the bundled font \(DejaVu Sans\) has no glyph for "学" "习"; the PNG leaves them out \(the SVG keeps them\)/);
  const quiet = cli(["run", "configs/resource-default.yaml", "--set", "title=学习 α", "--plot", join(dir, "c.png"), "--quiet"]);
  assert.equal(quiet.code, 0, quiet.stderr);
  assert.equal(quiet.stderr, "", "--quiet: nothing on stderr");
});

test("sweep --plot: a sweep over lists (the two-skill frequencies) is drawn as categories, not against the seed", () => {
  const dir = tempDir();
  const out = join(dir, "two.jsonl");
  const r = cli(["sweep", "configs/geometry-two-skill-sgd.yaml", "--set", "steps=100", "--out", out, "--plot", join(dir, "two.svg"), "--jobs", "1", "--quiet"]);
  assert.equal(r.code, 0, r.stderr);
  const svg = readFileSync(join(dir, "two.svg"), "utf8");
  assert.match(svg, /<title>Final loss vs skills\.frequencies<\/title>/);
  for (const label of ["[0.5, 0.5]", "[0.9, 0.1]", "[0.95, 0.05]"]) assert.ok(svg.includes(`>${label}</text>`), `x label ${label}`);
  assert.match(svg, /mean over seed \(3 values\)/);
});
