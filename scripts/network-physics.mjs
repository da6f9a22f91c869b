#!/usr/bin/env node
/**
 * The network model's physics over seeds, through the real CLI (how the README's table was
 * measured). For each config and seed: `skillsim run CONFIG --json --set seed=S --set
 * record=every`, then from the every-step trace the first step each skill's level exceeds
 * LEVEL (default 0.9: the paper's "accuracy > 0.9"), independent of timeline settings.
 *
 *   node scripts/network-physics.mjs [--seeds 0,1,2,3,4] [--level 0.9] [--set k=v ...] CONFIG...
 *
 * Prints one JSON line per run on stdout: config, seed, learned steps, their ratios to skill 1,
 * final levels, the run's summary and its configured timeline (onset, half, learned) per skill.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const bin = fileURLToPath(new URL("../bin/skillsim.js", import.meta.url));
const args = process.argv.slice(2);
let seeds = [0, 1, 2, 3, 4], level = 0.9;
const sets = [], configs = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--seeds") seeds = args[++i].split(",").map(Number);
  else if (args[i] === "--level") level = Number(args[++i]);
  else if (args[i] === "--set") sets.push("--set", args[++i]);
  else configs.push(args[i]);
}
for (const config of configs) {
  for (const seed of seeds) {
    const r = spawnSync(process.execPath, [bin, "run", config, "--json", "--quiet", "--set", `seed=${seed}`, "--set", "record=every", ...sets], {
      encoding: "utf8",
      maxBuffer: 1 << 30,
    });
    if (r.status !== 0) {
      console.log(JSON.stringify({ config, seed, error: r.stderr.trim() }));
      continue;
    }
    const res = JSON.parse(r.stdout);
    const { t, level: lv } = res.trace;
    const learned = lv.map((series) => {
      const k = series.findIndex((s) => s > level);
      return k < 0 ? null : t[k];
    });
    const ratios = learned.map((x) => (x === null || learned[0] === null || learned[0] === 0 ? null : +(x / learned[0]).toFixed(3)));
    console.log(JSON.stringify({ config, seed, sets: sets.filter((_, i) => i % 2), learned, ratios, final: lv.map((s) => +s[s.length - 1].toFixed(4)), summary: res.summary, progressTimeline: res.skills.map((s) => [s.onset, s.half, s.learned]) }));
  }
}
