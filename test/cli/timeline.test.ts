/** `timeline.on: level | progress`, through the real CLI, for every model. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../helpers.js";
import { cliIn } from "../inprocess.js";

type Skill = { index: number; onset: number | null; half: number | null; learned: number | null };
async function skills(args: string[]): Promise<Skill[]> {
  const r = await cliIn(["run", "--json", "--quiet", ...args]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout).skills;
}
const learned = (s: Skill[]) => s.map((x) => x.learned);

// ce skills start at s = 1/2, so level 0.9 is progress 0.8; level 0.75 is progress 0.5.
const CE_CASES: [string, string[]][] = [
  ["geometry ce", ["configs/geometry-ce-overparam.yaml", "--set", "steps=400", "--set", "skills.count=20"]],
  ["resource ce (map)", ["--set", "loss=ce", "--set", "steps=800"]],
];

for (const [name, args] of CE_CASES) {
  test(`${name}: on: level applies the thresholds to the level (level 0.9 = progress 0.8)`, async () => {
    const level = await skills([...args, "--set", "timeline={onset: 0.55, half: 0.75, learned: 0.9, on: level}"]);
    const progress = await skills([...args, "--set", "timeline={onset: 0.1, half: 0.5, learned: 0.8}"]);
    const dflt = await skills(args);
    assert.deepEqual(learned(level), learned(progress));
    assert.deepEqual(level.map((s) => s.half), progress.map((s) => s.half));
    assert.ok(level.some((s) => s.learned !== null), "some skill is learned");
    // The default (progress 0.9 = level 0.95) is later for every skill learned under both.
    for (let i = 0; i < level.length; i++) {
      const a = level[i].learned, b = dflt[i].learned;
      if (a !== null && b !== null) assert.ok(b > a, `skill ${i + 1}: ${b} > ${a}`);
    }
  });
}

test("resource ce (rk45): on: level locates the crossing of the level on the dense output", async () => {
  const args = ["configs/resource-ode.yaml", "--set", "loss=ce"];
  const level = await skills([...args, "--set", "timeline={onset: 0.55, half: 0.75, learned: 0.9, on: level}"]);
  const progress = await skills([...args, "--set", "timeline={onset: 0.1, half: 0.5, learned: 0.8}"]);
  for (let i = 0; i < level.length; i++) {
    const a = level[i].learned, b = progress[i].learned;
    assert.equal(a === null, b === null);
    if (a !== null && b !== null) assert.ok(Math.abs(a - b) <= 1e-9 * b, `${a} vs ${b}`);
  }
});

for (const [name, args] of [
  ["resource mse", []],
  ["domino", ["configs/domino-serial.yaml"]],
  ["geometry mse", ["configs/geometry-minimal.yaml"]],
] as [string, string[]][]) {
  test(`${name}: levels start at 0, so on: level and on: progress agree`, async () => {
    const a = await skills([...args, "--set", "timeline.on=level"]);
    const b = await skills(args);
    assert.deepEqual(a, b);
  });
}

test("on: level with a threshold at or below a ce skill's initial level is a config error", async () => {
  const dir = tempDir();
  const f = join(dir, "ce.yaml");
  writeFileSync(f, "model: geometry\nloss: ce\ntimeline:\n  on: level\n");
  const r = await cliIn(["run", f]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /ce\.yaml:\d+:\d+: timeline\.onset: with on: level .* starts at 0\.5/);
  const bad = await cliIn(["run", "--set", "timeline.on=accuracy"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /timeline\.on/);
});

test("the text report says the thresholds are levels", async () => {
  const r = await cliIn(["run", "--quiet", "configs/geometry-minimal.yaml", "--set", "timeline.on=level"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /onset\(s>0\.1\)\s+half\(s>0\.5\)\s+learned\(s>0\.9\)/);
  const p = await cliIn(["run", "--quiet", "configs/geometry-minimal.yaml"]);
  assert.match(p.stdout, /onset\(0\.1\)\s+half\(0\.5\)\s+learned\(0\.9\)/);
});

test("one rule for every model: a level threshold at or below the starting level is refused where the config fixes it, warned where the run measures it", async () => {
  const dir = tempDir();
  // a network parity starts at chance accuracy 1/2: refused like a ce run
  const net = join(dir, "net.yaml");
  writeFileSync(net, "model: network\ntask: {kind: sparse-parity, bits: 10, samples: 100, subtasks: [[1, 2], [3, 4]]}\nnetwork: {hidden: [8]}\nsteps: 5\ntimeline: {on: level, onset: 0.45, half: 0.75, learned: 0.9}\n");
  const r = await cliIn(["run", net]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /net\.yaml:\d+:\d+: timeline\.onset: with on: level the thresholds apply to the level itself, which starts at 0\.5 \(the chance accuracy of its task\); 0\.45 would be passed at t = 0/);
  // a Geometry init: the run knows where each skill starts, and warns
  const gi = join(dir, "gi.yaml");
  writeFileSync(gi, "model: geometry\nskills: {count: 4, frequencies: {zipf: 2}}\nparams: 4\ninit: [0.6, 0.6, 0.6, 0.6]\noptimizer: signgd\nlr: 1.0e-3\nsteps: 50\ntimeline: {on: level, onset: 0.3, half: 0.5, learned: 0.95}\n");
  const j = JSON.parse((await cliIn(["run", gi, "--json", "-q"])).stdout);
  const over = j.trace.level.flatMap((row: number[], i: number) => (row[0] >= 0.3 ? [i + 1] : []));
  assert.ok(over.length > 0);
  const w = j.warnings.find((x: string) => x.includes("at or above the timeline's onset threshold 0.3"));
  assert.ok(w?.startsWith(`skill${over.length > 1 ? "s" : ""} ${over.join(", ")} start`), j.warnings.join("\n"));
  assert.match((await cliIn(["run", gi])).stdout, /^warning: skills? .* at or above the timeline's onset threshold 0\.3 \(on: level\)/m);
  // on: progress, or thresholds above the start: no such warning
  const clean = JSON.parse((await cliIn(["run", gi, "--json", "-q", "--set", "timeline={on: progress}"])).stdout);
  assert.ok(!clean.warnings.some((x: string) => x.includes("onset threshold")));
});
