#!/usr/bin/env node
/**
 * The Lagrangian study (docs/lagrangian.md): on the configs in configs/lagrangian/, run adam's
 * preconditioner family (power p in {0, 0.25, 0.5, 0.75, 1}) and the exact natural gradient,
 * each over a learning-rate grid and seeds, and report, at each optimizer's own best learning
 * rate (the one with the least mean time T(delta)): T(delta), learned_2 / learned_1, and the
 * kinematics (is the aggregate decelerating? do single skills accelerate in their ramps?).
 *
 *   npm run build && node scripts/lagrangian-study.mjs [two-skill minimal scaling network] > table.md
 *
 * Progress goes to stderr; the markdown tables to stdout. Deterministic (seeded runs).
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildResult, kinematics, loadConfig, runModel } from "../dist/src/index.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const POWERS = [0, 0.25, 0.5, 0.75, 1];
const LRS = [1e-6, 3e-6, 1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1, 3e-1, 1, 3];

/** Settings: the config, optimizer variants, learning rates, seeds, and delta as a fraction of L(0). */
const SETTINGS = {
  "two-skill": { variants: [...POWERS.map((p) => ({ name: "adam", power: p })), { name: "natural" }], lrs: LRS, seeds: [0, 1, 2], deltaFrac: 0.01 },
  minimal: {
    variants: [...POWERS.map((p) => ({ name: "adam", beta1: 0, beta2: 0, power: p })), { name: "natural" }],
    lrs: LRS,
    seeds: [0],
    deltaFrac: 0.01,
  },
  // natural: an m x m factorisation per step with m = 220 and a 1000 x 220 x 220 Fisher build: not run
  scaling: { variants: POWERS.map((p) => ({ name: "adam", power: p })), lrs: [1e-3, 1e-2, 1e-1], seeds: [0], deltaFrac: 0.5 },
  // a real network: minutes per run on a laptop, so one learning rate (the paper's) per power
  network: { variants: [0.25, 0.5, 0.75].map((p) => ({ name: "adam", power: p })), lrs: [1e-3], seeds: [0], deltaFrac: 0.1 },
};

function label(v) {
  return v.name === "natural" ? "natural gradient" : `adam p = ${v.power}`;
}

function runOne(text, file, v, lr, seed, deltaFrac) {
  const opt = JSON.stringify(v); // JSON is YAML
  const cfg = loadConfig(text, { file, sets: [`optimizer=${opt}`, `lr=${lr}`, `seed=${seed}`] });
  let out;
  try {
    out = runModel(cfg);
  } catch (e) {
    if (e && e.name === "DivergenceError") return { diverged: true };
    throw e;
  }
  const r = buildResult(cfg, out);
  const onLevel = cfg.timeline.on === "level";
  const L0 = r.trace.loss[0];
  const delta = deltaFrac * L0;
  const k = kinematics({
    t: r.trace.t,
    loss: r.trace.loss.map((x) => Math.max(x, Number.MIN_VALUE)), // a loss of exactly 0: the smallest double
    level: r.trace.level,
    baseline: onLevel ? null : r.trace.level.map((row) => row[0]),
    deltas: [delta],
    steps: cfg.steps,
  });
  const ramps = k.skills.map((s) => s.accelerating_fraction_learning).filter((x) => x !== null);
  // The learning phase only: the trace up to T(delta) (after it, the loss sits at its floor).
  const T = k.least_time[String(delta)];
  let decelLearning = null;
  if (T !== null) {
    const K = r.trace.t.findIndex((x) => x === T) + 1;
    if (K >= 3) {
      const kl = kinematics({
        t: r.trace.t.slice(0, K),
        loss: r.trace.loss.slice(0, K),
        level: r.trace.level.map((row) => row.slice(0, K)),
        baseline: onLevel ? null : r.trace.level.map((row) => row[0]),
        deltas: [],
        steps: T,
      });
      decelLearning = kl.aggregate.decelerating_fraction;
    }
  }
  return {
    diverged: false,
    T: k.least_time[String(delta)],
    ratio: r.domino?.ratio21 ?? null,
    learned: r.skills.map((s) => s.learned),
    decel: k.aggregate.decelerating_fraction,
    decelLearning,
    ramp: ramps.length ? ramps.reduce((a, b) => a + b, 0) / ramps.length : null,
    nLearned: r.skills.filter((s) => s.learned !== null).length,
    n: r.skills.length,
  };
}

const mean = (xs) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
const fmt = (x, d = 3) => (x === null || x === undefined ? "-" : Number.isInteger(x) ? String(x) : Number(x.toPrecision(d)).toString());
const range = (xs, none = "never") => {
  const v = xs.filter((x) => x !== null);
  if (v.length === 0) return none;
  const lo = Math.min(...v), hi = Math.max(...v);
  const s = lo === hi ? fmt(lo) : `${fmt(lo)}-${fmt(hi)}`;
  return v.length < xs.length ? `${s} (${xs.length - v.length} never)` : s;
};

const which = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(SETTINGS);
const t0 = Date.now();
for (const name of which) {
  const S = SETTINGS[name];
  if (!S) throw new Error(`unknown setting ${name}; one of ${Object.keys(SETTINGS).join(", ")}`);
  const file = join(ROOT, "configs", "lagrangian", `${name}.yaml`);
  const text = readFileSync(file, "utf8");
  const rows = [];
  for (const v of S.variants) {
    let best = null;
    const perLr = [];
    for (const lr of S.lrs) {
      const runs = S.seeds.map((seed) => runOne(text, file, v, lr, seed, S.deltaFrac));
      const ok = runs.filter((r) => !r.diverged);
      const Ts = ok.map((r) => r.T);
      const score = runs.some((r) => r.diverged) || Ts.some((x) => x === null) ? Infinity : mean(Ts);
      perLr.push(`${lr}:${runs.some((r) => r.diverged) ? "diverged" : fmt(score === Infinity ? null : score)}`);
      if (best === null || score < best.score) best = { lr, score, runs };
      process.stderr.write(`lagrangian: ${name} ${label(v)} lr ${lr}: ${perLr[perLr.length - 1].split(":")[1]} (${((Date.now() - t0) / 1000).toFixed(0)} s)\n`);
    }
    rows.push({ v, best, perLr });
  }
  console.log(`\n### ${name} (configs/lagrangian/${name}.yaml; seeds ${S.seeds.join(", ")}; delta = ${S.deltaFrac} L(0))\n`);
  console.log("| optimizer | best lr | T(delta) | learned_2 / learned_1 | learned at (seed " + S.seeds[0] + ") | aggregate decelerating (whole run) | (until T(delta)) | skill ramps accelerating |");
  console.log("| --- | --- | --- | --- | --- | --- | --- | --- |");
  for (const { v, best } of rows) {
    const ok = best.runs.filter((r) => !r.diverged);
    if (best.score === Infinity) {
      console.log(`| ${label(v)} | - | never at lr ${S.lrs.length === 1 ? S.lrs[0] : `${S.lrs[0]}-${S.lrs[S.lrs.length - 1]}`} | - | - | - | - | - |`);
      continue;
    }
    const learned = ok[0].learned.length <= 3 ? ok[0].learned.map((x) => fmt(x)).join(", ") : `${ok[0].nLearned} of ${ok[0].n} learned`;
    const edge = S.lrs.length === 1 ? " (the only one run)" : best.lr === S.lrs[0] || best.lr === S.lrs[S.lrs.length - 1] ? " (grid edge)" : "";
    console.log(
      `| ${label(v)} | ${best.lr}${edge} | ${range(ok.map((r) => r.T))} | ${range(ok.map((r) => r.ratio))} | ${learned} | ${range(ok.map((r) => r.decel))} | ${range(ok.map((r) => r.decelLearning), "- (T < 2 steps)")} | ${range(ok.map((r) => r.ramp))} |`,
    );
  }
  console.log(`\nmean T(delta) per learning rate (${S.seeds.length > 1 ? "over seeds; " : ""}"-" = not reached in ${"some run"}):\n`);
  for (const { v, perLr } of rows) console.log(`- ${label(v)}: ${perLr.join(", ")}`);
}
process.stderr.write(`lagrangian: done in ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
