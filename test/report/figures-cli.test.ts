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
  assert.match(readFileSync(join(dir, "1-f.svg"), "utf8"), /skill level/);
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

test("run --plot --skill-loss: each skill's loss (Fig 12), clipped 12 decades under its largest, said in a note; refused where a model has none", async () => {
  const dir = tempDir();
  const f = join(dir, "f12.vl.json");
  const r = await cliIn(["run", "configs/paper/fig12-basis-sgd.yaml", "-q", "--plot", f, "--skill-loss"]);
  assert.equal(r.code, 0, r.stderr);
  const s = spec(f);
  const panels = s.vconcat as { data: { values: Record<string, number | string>[] }; encoding?: { y: { title: string; scale: { type?: string; domain?: number[] } }; color: { scale: { domain: string[] } } } }[];
  const y = panels.map((p) => p.encoding?.y.title);
  assert.deepEqual(y.slice(0, 3), ["(a) skill level", "(b) loss of each skill", "(c) loss"]);
  const lossPanel = panels[1];
  assert.equal(lossPanel.encoding!.y.scale.type, "log");
  assert.deepEqual(lossPanel.encoding!.y.scale.domain, [1e-12, 1]);
  // Legends in skill order; skill 4 starts at level 2, l_4 = (1 - 2)^2 = 1 (the panel's top), not off the axis.
  assert.deepEqual(lossPanel.encoding!.color.scale.domain, ["skill 1", "skill 2", "skill 3", "skill 4"]);
  const first4 = lossPanel.data.values.find((v) => v.index === 4 && v.t === 0)!;
  assert.equal(first4.loss, 1);
  // The config's comment: l_3 = 0.018 at the end (level 0.8647): (1 - 0.8647)^2.
  const last3 = lossPanel.data.values.filter((v) => v.index === 3).at(-1)!;
  assert.ok(Math.abs((last3.loss as number) - 0.0183) < 2e-4, String(last3.loss));
  assert.ok(lossPanel.data.values.every((v) => (v.loss as number) >= 1e-12));
  assert.ok(s.title.subtitle!.includes("each skill's loss: l_i = (1 - s_i)^2"));
  assert.ok(s.title.subtitle!.some((l) => /skill losses below 10⁻¹² \(12 decades under the largest, 1\) are cut off/.test(l)));
  // Without --skill-loss the figure is as before: no such panel.
  const g = join(dir, "plain.vl.json");
  assert.equal((await cliIn(["run", "configs/paper/fig12-basis-sgd.yaml", "-q", "--plot", g])).code, 0);
  assert.deepEqual((spec(g).vconcat as { encoding?: { y: { title: string } } }[]).map((p) => p.encoding?.y.title).slice(0, 2), ["(a) skill level", "(b) loss"]);
  // A model with no per-skill loss: exit 2 before the run, saying why.
  const net = await cliIn(["run", "--set", "model=network", "--set", "steps=5", "--plot", join(dir, "n.svg"), "--skill-loss"]);
  assert.equal(net.code, 2);
  assert.match(net.stderr, /--skill-loss: a sparse-parity network's level is a task's accuracy .*not recorded/);
  assert.equal(existsSync(join(dir, "n.svg")), false);
  // Without --plot it acts on nothing: a note.
  const alone = await cliIn(["run", "configs/paper/fig12-basis-sgd.yaml", "--skill-loss", "--json"]);
  assert.equal(alone.code, 0);
  assert.match(alone.stderr, /--skill-loss only acts with --plot/);
});

test("run --plot: Fig 13's two skills are named training and held-out accuracy, legend and bars in skill order", async () => {
  const dir = tempDir();
  const f = join(dir, "f13.vl.json");
  // The paper's config made tiny (the names come from the task, not from its size).
  const r = await cliIn(["run", "configs/paper/fig13-adam.yaml", "--set", "steps=20", "--set", "network.hidden=[16]", "--set", "network.embedding=8", "--set", "task.modulus=7", "-q", "--plot", f]);
  assert.equal(r.code, 0, r.stderr);
  const panels = spec(f).vconcat as { encoding?: { color?: { scale: { domain: string[] } } }; layer?: { encoding: { y: { sort: string[] } } }[] }[];
  assert.deepEqual(panels[0].encoding!.color!.scale.domain, ["training accuracy", "held-out accuracy"]);
  assert.deepEqual(panels[2].layer![0].encoding.y.sort, ["training accuracy", "held-out accuracy"]);
});

test("issue 21: a Resource or Domino rate overrides params and lr: run subtitles show the rate only; a sweep figure against params says it is not in force", async () => {
  const dir = tempDir();
  for (const model of ["resource", "domino"]) {
    writeFileSync(join(dir, `${model}.yaml`), `model: ${model}\nskills: {count: 3}\nsteps: 100\nparams: 500\nlr: 0.001\nrate: 0.05\n`);
    const f = join(dir, `${model}.vl.json`);
    const r = await cliIn(["run", join(dir, `${model}.yaml`), "-q", "--plot", f]);
    assert.equal(r.code, 0, r.stderr);
    const sub = spec(f).title.subtitle![0];
    assert.match(sub, /^rate = 0\.05 · /);
    assert.doesNotMatch(sub, /params =|lr =/);
  }
  // Without a rate, params and lr are in force and shown.
  const plain = join(dir, "plain.vl.json");
  assert.equal((await cliIn(["run", "configs/resource-default.yaml", "--set", "steps=50", "-q", "--plot", plain])).code, 0);
  assert.match(spec(plain).title.subtitle![0], /^params = 1000 · lr = 3×10⁻⁴ · /);
  // A sweep of params under a rate: the figure says params does nothing here.
  writeFileSync(join(dir, "s.yaml"), "model: domino\nskills: {count: 3}\nsteps: 100\nrate: 0.05\nsweep:\n  params: [100, 1000]\n");
  const s = await cliIn(["sweep", join(dir, "s.yaml"), "-q", "--out", join(dir, "s.jsonl"), "--plot", join(dir, "s.vl.json")]);
  assert.equal(s.code, 0, s.stderr);
  assert.ok(spec(join(dir, "s.vl.json")).title.subtitle!.includes("params is not in force in these runs: rate (eta_eff) is set and overrides 2·lr·√params"));
});

test("issue 21: a PNG draws the font's missing-glyph box for each CJK character, as its note says (not nothing)", async () => {
  const dir = tempDir();
  const png = async (title: string, name: string) => {
    const r = await cliIn(["run", "configs/resource-default.yaml", "--set", "steps=20", "--set", `title=${title}`, "--plot", join(dir, name), "--plot-size", "120x80"]);
    assert.equal(r.code, 0, r.stderr);
    return { bytes: readFileSync(join(dir, name)), stderr: r.stderr };
  };
  const cjk = await png("学习 α", "a.png");
  const other = await png("中文 α", "b.png"); // two other characters the font lacks: the same two boxes
  const none = await png(" α", "c.png"); // the characters left out
  assert.match(cjk.stderr, /no glyph for "学" "习"; the PNG draws an empty box \(the font's missing-glyph mark\) in place of each/);
  assert.ok(cjk.bytes.equals(other.bytes), "each missing character is drawn as the same box");
  assert.ok(!cjk.bytes.equals(none.bytes), "the boxes are drawn: the PNG differs from one without the characters");
});

test("sweep --plot: .png and .html too (the same specification as .vl.json)", async () => {
  const dir = tempDir();
  const out = join(dir, "s.jsonl");
  writeFileSync(join(dir, "s.yaml"), "model: resource\nskills: {count: 3}\nsteps: 60\nsweep:\n  N0: [0.001, 0.1]\n  seed: [0, 1]\n");
  assert.equal((await cliIn(["sweep", join(dir, "s.yaml"), "-q", "--jobs", "1", "--out", out, "--plot", join(dir, "s.vl.json")])).code, 0);
  for (const name of ["s.png", "s.html"]) {
    const r = await cliIn(["sweep", join(dir, "s.yaml"), "-q", "--out", out, "--resume", "--plot", join(dir, name)]);
    assert.equal(r.code, 0, r.stderr);
  }
  assert.equal(readFileSync(join(dir, "s.png")).subarray(1, 4).toString(), "PNG");
  const html = readFileSync(join(dir, "s.html"), "utf8");
  const embedded = JSON.parse(/const spec = (.*);\n/.exec(html)![1]);
  assert.deepEqual(embedded, spec(join(dir, "s.vl.json")));
});
