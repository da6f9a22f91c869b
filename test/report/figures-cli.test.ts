/**
 * The figures through the real CLI: --plot writes .vl.json, .svg, .png and .html, the same
 * bytes every time; bad figure options fail before any work; the fit figure's y axis is the
 * data's; no sweep figure against the seed by default; PNG text from the bundled font.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../helpers.js";
import { cliIn } from "../inprocess.js";

type Spec = { $schema: string; title: { text: string; subtitle?: string[] }; data?: { values: Record<string, unknown>[] }; [k: string]: unknown };
const spec = (path: string): Spec => JSON.parse(readFileSync(path, "utf8")) as Spec;

test("run --plot: one figure in four formats, each the same bytes on a second run", async () => {
  const dir = tempDir();
  const args = ["run", "configs/domino-serial.yaml", "--set", "steps=300", "--quiet"];
  for (const name of ["f.vl.json", "f.svg", "f.png", "f.html"]) {
    // Drawing is what could vary: the SVG and the PNG are drawn twice (the other two are the spec as text).
    for (const k of name.endsWith("g") ? [1, 2] : [1]) {
      const r = await cliIn([...args, "--plot", join(dir, `${k}-${name}`)]);
      assert.equal(r.code, 0, r.stderr);
    }
    if (name.endsWith("g")) assert.ok(readFileSync(join(dir, `1-${name}`)).equals(readFileSync(join(dir, `2-${name}`))), `${name}: same bytes`);
  }
  const s = spec(join(dir, "1-f.vl.json"));
  assert.equal(s.$schema, "https://vega.github.io/schema/vega-lite/v6.json");
  assert.equal(s.title.text, "Domino model: 10 skills, 300 steps");
  const panels = s.vconcat as { data: { values: unknown[] } }[];
  assert.ok(panels.every((p) => p.data.values.length > 0), "every panel carries its data inline");
  assert.match(readFileSync(join(dir, "1-f.svg"), "utf8"), /^<svg [^>]*>.*Domino model: 10 skills, 300 steps/s);
  assert.equal(readFileSync(join(dir, "1-f.png")).subarray(1, 4).toString(), "PNG");
  const html = readFileSync(join(dir, "1-f.html"), "utf8");
  assert.match(html, /^<!DOCTYPE html>/);
  assert.doesNotMatch(html, /<script[^>]+src=|<link[^>]+href=/, "nothing fetched: every script inline");
  assert.match(html, /vegaEmbed\("#figure", spec/);
});

test("--plot, --xlim, --plot-size: a bad value is one line, exit 2, before any work", async () => {
  const dir = tempDir();
  const out = join(dir, "r.json");
  for (const [flags, message] of [
    [["--plot", join(dir, "a.gif")], /--plot .*a\.gif: the figure file must end in \.svg, \.png, \.vl\.json or \.html\n$/],
    [["--plot", join(dir, "a.svg"), "--xlim", "5,1"], /^skillsim: --xlim 5,1: expected two numbers lo,hi with lo < hi \(e\.g\. 0,500\)\n$/],
    [["--plot", join(dir, "a.svg"), "--plot-size", "big"], /^skillsim: --plot-size big: expected WIDTHxHEIGHT in px, each 50 to 5000 \(e\.g\. 560x340\)\n$/],
  ] as const) {
    const r = await cliIn(["run", "configs/resource-default.yaml", "--out", out, ...flags]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, message);
    assert.equal(existsSync(out), false, "nothing run");
  }
  for (const cmd of [["fit", "data/chinchilla-fig4.csv"], ["kinematics", out]]) {
    const r = await cliIn([...cmd, "--plot", join(dir, "a.jpg")]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /must end in \.svg, \.png, \.vl\.json or \.html/);
  }
});

test("run --plot --xlim --plot-size: the figure's x range and panel size", async () => {
  const dir = tempDir();
  const r = await cliIn(["run", "configs/resource-default.yaml", "--quiet", "--plot", join(dir, "x.vl.json"), "--xlim", "100,300", "--plot-size", "400x150"]);
  assert.equal(r.code, 0, r.stderr);
  const [a] = spec(join(dir, "x.vl.json")).vconcat as { width: number; height: number; data: { values: { t: number }[] }; encoding: { x: { scale: { domain: number[] } } } }[];
  assert.deepEqual([a.width, a.height], [400, 150]);
  assert.deepEqual(a.encoding.x.scale.domain, [100, 300]);
  assert.ok(a.data.values.every((row) => row.t >= 100 && row.t <= 300));
});

test("fit --plot: a fitted E of ~1e-17 does not stretch the y axis down to it", async () => {
  const dir = tempDir();
  const csv = join(dir, "pure.csv");
  const xs = [10, 20, 50, 100, 200, 500, 1000, 2000, 5000];
  writeFileSync(csv, "x,loss\n" + xs.map((x) => `${x},${2 * x ** -0.5}`).join("\n") + "\n");
  const r = await cliIn(["fit", csv, "--x", "x", "--y", "loss", "--plot", join(dir, "fit.vl.json"), "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const E = JSON.parse(r.stdout).params.E;
  assert.ok(E >= 0 && E < 1e-6, `the fit finds no floor (E = ${E})`);
  const s = spec(join(dir, "fit.vl.json"));
  const layers = s.layer as { mark: { type: string } }[];
  assert.deepEqual(layers.map((l) => l.mark.type), ["line", "point"], "no rule for E");
  if (E > 0) assert.ok(s.title.subtitle!.some((l) => /lies far below the data: not drawn/.test(l)));
});

test("sweep --plot never puts the seed on the x axis unless asked", async () => {
  const dir = tempDir();
  const cfg = join(dir, "seeds.yaml");
  writeFileSync(cfg, "model: geometry\nparams: 20\nsteps: 50\nskills: {count: 3}\nsweep:\n  seed: [0, 1, 2]\n");
  const out = join(dir, "s.jsonl");
  const r = await cliIn(["sweep", cfg, "--out", out, "--plot", join(dir, "s.svg"), "--jobs", "1", "--quiet"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^skillsim: --plot: no swept key other than seed for the x axis \(swept: seed\)/);
  assert.ok(!existsSync(join(dir, "s.svg")));
  assert.ok(!existsSync(out), "refused before any run");
  const asked = await cliIn(["sweep", cfg, "--out", out, "--plot", join(dir, "t.vl.json"), "--plot-x", "seed", "--quiet"]);
  assert.equal(asked.code, 0, asked.stderr);
  assert.equal(spec(join(dir, "t.vl.json")).title.text, "Final loss vs seed");
});

test("sweep --plot: lists (the two-skill frequencies) as categories; --plot-y another number; bands over seeds", async () => {
  const dir = tempDir();
  const out = join(dir, "two.jsonl");
  const r = await cliIn(["sweep", "configs/geometry-two-skill-sgd.yaml", "--set", "steps=100", "--out", out, "--plot", join(dir, "two.vl.json"), "--jobs", "1", "--quiet"]);
  assert.equal(r.code, 0, r.stderr);
  const s = spec(join(dir, "two.vl.json"));
  assert.equal(s.title.text, "Final loss vs skills.frequencies");
  const mean = (s.layer as { encoding: { x: { sort?: string[]; type: string } } }[]).at(-1)!;
  assert.equal(mean.encoding.x.type, "ordinal");
  assert.deepEqual(mean.encoding.x.sort, ["[0.5, 0.5]", "[0.9, 0.1]", "[0.95, 0.05]"]);
  assert.match(s.title.subtitle!.join("\n"), /pooled: seed \(3 values\)[\s\S]*band: 95% t interval of the mean/);
  const means = s.data!.values.filter((v) => v.layer === "mean");
  assert.ok(means.every((v) => v.n === 3 && (v.lo as number) <= (v.mean as number) && (v.mean as number) <= (v.hi as number)));
  const y = await cliIn(["sweep", "configs/geometry-two-skill-sgd.yaml", "--set", "steps=100", "--out", out, "--resume", "--plot", join(dir, "y.vl.json"), "--plot-y", "skills.1.final", "--plot-band", "minmax", "--quiet"]);
  assert.equal(y.code, 0, y.stderr);
  const t = spec(join(dir, "y.vl.json"));
  assert.equal(t.title.text, "skills.1.final vs skills.frequencies");
  const lines = readFileSync(out, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { skills: { final: number }[] });
  const runs = t.data!.values.filter((v) => v.layer === "run").map((v) => v["skills.1.final"]).sort();
  assert.deepEqual(runs, lines.map((l) => l.skills[1].final).sort(), "the drawn numbers are the lines' own");
  const bad = await cliIn(["sweep", "configs/geometry-two-skill-sgd.yaml", "--out", out, "--resume", "--plot", join(dir, "z.svg"), "--plot-band", "wide", "--quiet"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--plot-band wide: expected one of ci95, sd, minmax, none/);
});

test("PNG figures: drawn with the bundled font; characters it lacks are named on stderr, with what the PNG draws instead", async () => {
  const dir = tempDir();
  const ok = await cliIn(["run", "configs/resource-default.yaml", "--plot", join(dir, "a.png")]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.doesNotMatch(ok.stderr, /glyph/);
  const cjk = await cliIn(["run", "configs/resource-default.yaml", "--set", "title=学习 α", "--plot", join(dir, "b.png")]);
  assert.equal(cjk.code, 0, cjk.stderr);
  assert.match(cjk.stderr, /the bundled font \(DejaVu Sans\) has no glyph for "学" "习"; the PNG draws an empty box \(the font's missing-glyph mark\) in place of each; the \.svg, \.vl\.json and \.html keep the characters/);
  const svg = await cliIn(["run", "configs/resource-default.yaml", "--set", "title=学习 α", "--plot", join(dir, "b.svg")]);
  assert.equal(svg.code, 0, svg.stderr);
  assert.doesNotMatch(svg.stderr, /glyph/);
  assert.match(readFileSync(join(dir, "b.svg"), "utf8"), /学习 α/);
  const quiet = await cliIn(["run", "configs/resource-default.yaml", "--set", "title=学习 α", "--plot", join(dir, "c.png"), "--quiet"]);
  assert.equal(quiet.code, 0, quiet.stderr);
  assert.equal(quiet.stderr, "", "--quiet: nothing on stderr");
});
