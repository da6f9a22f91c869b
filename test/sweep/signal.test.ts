/** Interrupting a sweep with a real signal, then finishing it with --resume. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BIN, ROOT, tempDir } from "../helpers.js";
import { cliIn } from "../inprocess.js";

// ~0.1-0.3 s per run: slow enough to interrupt mid-sweep, fast enough for CI.
const SLOW = `model: resource
skills: {count: 10, frequencies: {zipf: 2}}
steps: 60000
sweep:
  N0: [0.001, 0.01, 0.1, 1]
  seed: [0, 1]
`;

function lineCount(path: string): number {
  return existsSync(path) ? readFileSync(path, "utf8").split("\n").length - 1 : 0;
}

/** Start a sweep, wait until `out` has a line, send `signal`; resolves to the exit code and stderr. */
function interrupt(args: string[], out: string, signal: NodeJS.Signals): Promise<{ code: number | null; stderr: string; linesAtKill: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: "1", SKILLSIM_PROGRESS_INTERVAL: "1e9" } });
    let stderr = "";
    let linesAtKill = -1;
    child.stderr.on("data", (d) => (stderr += d));
    const poll = setInterval(() => {
      const n = lineCount(out);
      if (n >= 1 && linesAtKill < 0) {
        linesAtKill = n;
        child.kill(signal);
      }
    }, 20);
    const guard = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("error", reject);
    child.on("exit", (code) => {
      clearInterval(poll);
      clearTimeout(guard);
      resolve({ code, stderr, linesAtKill });
    });
  });
}

/** The uninterrupted sweep's lines, run once (in this process) for both tests to compare with. */
let serial: Promise<string> | undefined;
const serialLines = (): Promise<string> =>
  (serial ??= (async () => {
    const cfg = join(tempDir(), "slow.yaml");
    writeFileSync(cfg, SLOW);
    const r = await cliIn(["sweep", cfg, "--jobs", "1", "-q"]);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout;
  })());

for (const [signal, code, jobs] of [["SIGTERM", 143, "2"], ["SIGINT", 130, "1"]] as const) {
  test(`${signal} with --jobs ${jobs}: exit ${code}, only whole lines, --resume finishes to the serial result`, async () => {
    const dir = tempDir();
    const cfg = join(dir, "slow.yaml");
    writeFileSync(cfg, SLOW);
    const out = join(dir, "out.jsonl");
    const r = await interrupt(["sweep", cfg, "--out", out, "--jobs", jobs], out, signal);
    assert.equal(r.code, code, r.stderr);
    const text = readFileSync(out, "utf8");
    assert.ok(text.endsWith("\n"), "no partial line");
    const lines = text.trim().split("\n");
    for (const l of lines) assert.equal(typeof JSON.parse(l).id, "number");
    assert.ok(lines.length >= r.linesAtKill && lines.length < 8, `${lines.length} lines after the signal`);
    assert.equal(
      r.stderr,
      (signal === "SIGINT" ? "skillsim: note: interrupted: finishing the runs in progress (Ctrl-C again stops at once; their lines are then dropped)\n" : "") +
      `skillsim: interrupted by ${signal}: ${lines.length} of 8 runs finished and are in ${out}; ` +
        `run the rest with: skillsim sweep ${cfg} --out ${out} --resume --jobs ${jobs}\n`,
    );

    // Finishing and comparing need no process of their own: in this one (cliIn).
    const resumed = await cliIn(["sweep", cfg, "--out", out, "--resume", "--jobs", jobs, "-q"]);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal((await cliIn(["merge", out])).stdout, await serialLines());
  });
}
