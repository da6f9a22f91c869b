/**
 * docs/cluster.md's Slurm recipe is the file scripts/slurm-e2e.sh submits to a real Slurm
 * (docs/slurm/sweep.sbatch): these checks keep the page, the job script, the e2e script and
 * CI in step. The Slurm run itself is `bash scripts/slurm-e2e.sh` (root; run by .ci/run).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, cli, tempDir } from "../helpers.js";
import { cliIn } from "../inprocess.js";

const read = (p: string): string => readFileSync(join(ROOT, p), "utf8");
const JOB = "docs/slurm/sweep.sbatch";
const E2E = "scripts/slurm-e2e.sh";

test("docs/cluster.md shows docs/slurm/sweep.sbatch verbatim", () => {
  const page = read("docs/cluster.md");
  const script = read(JOB);
  assert.ok(page.includes("```bash\n" + script + "```\n"), `docs/cluster.md must contain ${JOB} verbatim in a bash block`);
  assert.ok(page.includes("scripts/slurm-e2e.sh"));
});

test("the job script's shard count matches its array, and its config is a valid sweep", () => {
  const script = read(JOB);
  const array = /^#SBATCH --array=1-(\d+)$/m.exec(script);
  const k = /^K=(\d+)\b/m.exec(script);
  const config = /^CONFIG=(\S+)$/m.exec(script);
  assert.ok(array && k && config, "job script has #SBATCH --array=1-K, K= and CONFIG=");
  assert.equal(array[1], k[1]);
  assert.ok(existsSync(join(ROOT, config[1])), `${config[1]} exists`);
  const dry = cli(["sweep", config[1], "--dry-run", "--quiet"]);
  assert.equal(dry.code, 0, dry.stderr);
  // The e2e script expects the same config and shard count, and submits this very file.
  const e2e = read(E2E);
  assert.ok(e2e.includes(`CONFIG=${config[1]} `), "slurm-e2e.sh merges the job script's CONFIG");
  assert.ok(e2e.includes(`SHARDS=${k[1]} `), "slurm-e2e.sh expects the job script's K shards");
  assert.ok(e2e.includes('JOB_SCRIPT="$REPO/' + JOB + '"'), "slurm-e2e.sh submits docs/slurm/sweep.sbatch");
  assert.match(e2e, /sbatch "\$\{SBATCH_ARGS\[@\]\}" "\$JOB_SCRIPT"/);
});

test("the job script and the e2e script are valid bash", () => {
  for (const f of [JOB, E2E]) {
    const r = spawnSync("bash", ["-n", join(ROOT, f)], { encoding: "utf8" });
    assert.equal(r.status, 0, `${f}: ${r.stderr}`);
  }
});

test(".ci/run runs the README's two test tiers, then the Slurm e2e", () => {
  const lines = read(".ci/run").split("\n").map((l) => l.trim());
  const t = lines.indexOf("npm test");
  const d = lines.indexOf("npm run test:docs");
  const e = lines.indexOf("bash scripts/slurm-e2e.sh");
  assert.ok(t >= 0 && d > t && e > d, ".ci/run: `npm test`, `npm run test:docs`, then `bash scripts/slurm-e2e.sh`");
  const readme = read("README.md");
  assert.ok(readme.includes("\nnpm test ") && readme.includes("\nnpm run test:docs "), "README names npm test and npm run test:docs");
});

test("docs/cluster.md's JSON line is line id 3 of configs/sweep-resource-N0.yaml's sweep, as far as it shows it", async () => {
  const shown = read("docs/cluster.md").split("\n").find((l) => l.startsWith('{"id":3,'))!;
  assert.ok(shown, "the page's example line");
  const out = join(tempDir(), "n0.jsonl");
  const r = await cliIn(["sweep", "configs/sweep-resource-N0.yaml", "--out", out, "--jobs", "1", "-q"]);
  assert.equal(r.code, 0, r.stderr);
  const line = readFileSync(out, "utf8").split("\n").find((l) => l.startsWith('{"id":3,'))!;
  // up to the first elision the page shows the line verbatim; the config's seed and hash too
  assert.ok(line.startsWith(shown.split(", ...")[0]), `the line now starts\n${line.slice(0, 300)}`);
  for (const field of [/"seed":\d+/, /"config_hash":"[0-9a-f]+"/]) assert.equal(field.exec(shown)![0], field.exec(line)![0]);
});
