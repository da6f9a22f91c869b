/**
 * Never destroy or mix the user's data, stop cleanly when interrupted, and answer what a new
 * user types: through the CLI's main() in-process (test/inprocess.ts), and in a child process
 * where the process itself is tested (signals, standard input).
 */
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, linkSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { BIN, ROOT, cli, tempDir } from "../helpers.js";
import { cliIn } from "../inprocess.js";

const SMALL = `model: resource
skills: {count: 4}
steps: 100
`;
const SWEEP = `${SMALL}sweep:
  N0: [0.001, 0.1]
  seed: [0, 1]
`;

function files(map: Record<string, string>): { dir: string; p: (name: string) => string } {
  const dir = tempDir();
  for (const [name, text] of Object.entries(map)) writeFileSync(join(dir, name), text);
  return { dir, p: (name: string) => join(dir, name) };
}

const refused = (r: { code: number; stdout: string; stderr: string }, re: RegExp) => {
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, re);
  assert.doesNotMatch(r.stderr, /internal error/);
  assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
};

// ---------------------------------------------------------------------------------------------
// 2. Never destroy or mix the user's data

test("--out (or --plot) naming an input is refused before anything runs, also through a symlink or a hard link", async () => {
  const { dir, p } = files({ "x.yaml": SMALL, "s.yaml": SWEEP, "c.csv": "x,loss\n1,2\n2,1.5\n4,1.2\n8,1.1\n" });
  symlinkSync(p("x.yaml"), p("link.yaml"));
  linkSync(p("x.yaml"), p("hard.yaml"));
  refused(await cliIn(["run", p("x.yaml"), "--json", "--out", p("x.yaml")]), /^skillsim: --out .*x\.yaml: is the config file itself; writing it would destroy the input, so nothing was done\n$/);
  refused(await cliIn(["run", p("x.yaml"), "--json", "--out", p("link.yaml")]), /--out .*link\.yaml: is the config file .*x\.yaml \(the same file under another name\)/);
  refused(await cliIn(["run", p("link.yaml"), "--out", p("hard.yaml")]), /--out .*hard\.yaml: is the config file .*link\.yaml \(the same file under another name\)/);
  refused(await cliIn(["run", p("x.yaml"), "--out", p("r.svg"), "--plot", join(dir, ".", "r.svg")]), /^skillsim: --plot .*r\.svg: is the same file as --out .*r\.svg; give each output its own file\n$/);
  refused(await cliIn(["sweep", p("s.yaml"), "--out", p("s.svg"), "--plot", p("s.svg")]), /^skillsim: --plot .*s\.svg: is the same file as --out .*s\.svg; give each output its own file\n$/);
  refused(await cliIn(["sweep", p("s.yaml"), "--out", p("s.yaml")]), /--out .*s\.yaml: is the config file itself/);
  refused(await cliIn(["fit", p("c.csv"), "--x", "x", "--out", p("c.csv")]), /--out .*c\.csv: is the data file itself/);
  assert.equal(readFileSync(p("x.yaml"), "utf8"), SMALL);
  assert.equal(readFileSync(p("s.yaml"), "utf8"), SWEEP);
  assert.equal(readFileSync(p("c.csv"), "utf8"), "x,loss\n1,2\n2,1.5\n4,1.2\n8,1.1\n");
  assert.deepEqual(readdirSync(dir).sort(), ["c.csv", "hard.yaml", "link.yaml", "s.yaml", "x.yaml"]);
  // merge: --out may not be one of its inputs either
  const out = p("m.jsonl");
  assert.equal((await cliIn(["sweep", p("s.yaml"), "--out", out, "-q"])).code, 0);
  const before = readFileSync(out, "utf8");
  refused(await cliIn(["merge", out, "--out", out]), /--out .*m\.jsonl: is the input file itself/);
  assert.equal(readFileSync(out, "utf8"), before);
  // devices are fine
  assert.equal((await cliIn(["run", p("x.yaml"), "--out", "/dev/null"])).code, 0);
});

test("outputs are checked before the work: a missing or unwritable directory, a directory as --out, --resume on a directory", async () => {
  const { dir, p } = files({ "x.yaml": SMALL, "s.yaml": SWEEP });
  mkdirSync(p("d"));
  refused(await cliIn(["run", p("x.yaml"), "--out", join(dir, "nodir", "r.txt")]), /--out .*r\.txt: cannot write: the directory .*nodir does not exist/);
  refused(await cliIn(["run", p("x.yaml"), "--out", p("d")]), /--out .*d: is a directory; give a file name/);
  refused(await cliIn(["run", p("x.yaml"), "--plot", join(dir, "nodir", "r.svg")]), /--plot .*r\.svg: cannot write: the directory .*nodir does not exist/);
  refused(await cliIn(["sweep", p("s.yaml"), "--out", p("d"), "--resume"]), /--out .*d: is a directory/);
  refused(await cliIn(["sweep", p("s.yaml"), "--out", join(dir, "nodir", "o.jsonl")]), /the directory .*nodir does not exist/);
  refused(await cliIn(["merge", p("s.yaml"), "--out", join(dir, "x.yaml", "m.jsonl")]), /--out .*m\.jsonl: cannot write/);
  if (process.getuid?.() !== 0) {
    // (root may write anywhere, so this part needs an ordinary user)
    const ro = p("ro");
    mkdirSync(ro, { mode: 0o555 });
    refused(await cliIn(["run", p("x.yaml"), "--out", join(ro, "r.txt")]), /cannot write: permission denied in the directory/);
  }
  // a sweep whose --plot-x is not a swept key stops before its first run
  refused(await cliIn(["sweep", p("s.yaml"), "--out", p("o.jsonl"), "--plot", p("o.svg"), "--plot-x", "lr"]), /--plot-x lr: not a swept key; the sweep block of .* sweeps N0, seed/);
  refused(await cliIn(["sweep", p("s.yaml"), "--out", p("o.jsonl"), "--plot", p("o.svg"), "--plot-series", "N0s"]), /--plot-series N0s: not a swept key.*did you mean "N0"/);
  assert.equal(existsSync(p("o.jsonl")), false);
});

test("merge refuses shards run from different base configs, and names duplicate ids", async () => {
  const { p } = files({ "s.yaml": SWEEP });
  assert.equal((await cliIn(["sweep", p("s.yaml"), "--shard", "1/2", "--out", p("a.jsonl"), "-q"])).code, 0);
  assert.equal((await cliIn(["sweep", p("s.yaml"), "--shard", "2/2", "--out", p("b.jsonl"), "-q", "--set", "steps=200"])).code, 0);
  assert.equal((await cliIn(["sweep", p("s.yaml"), "--shard", "2/2", "--out", p("c.jsonl"), "-q"])).code, 0);
  const r = await cliIn(["merge", p("a.jsonl"), p("b.jsonl")]);
  refused(r, /b\.jsonl:1: run [13] comes from another base config than run \d+ at .*a\.jsonl:1 \(steps: 200 here, 100 there; swept keys and the seed aside\)/);
  assert.equal(r.stdout, "");
  // the same shards merge (swept keys and the per-run seeds differ, and that is fine)
  const ok = await cliIn(["merge", p("a.jsonl"), p("c.jsonl")]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(ok.stdout.trim().split("\n").length, 4);
  const dup = await cliIn(["merge", p("a.jsonl"), p("c.jsonl"), p("a.jsonl")]);
  assert.equal(dup.code, 0, dup.stderr);
  assert.equal(dup.stdout, ok.stdout);
  assert.match(dup.stderr, /^skillsim: note: runs 0, 2 appear more than once \(identical lines: 2 dropped, each run kept once\)/);
});

test("one writer per sweep --out: a live holder is named (exit 2), a stale lock is taken over, the lock is removed after", async () => {
  const { p } = files({ "s.yaml": SWEEP });
  const out = p("o.jsonl");
  const lock = `${out}.lock`;
  // held by a live process on this host (this test runner)
  writeFileSync(lock, JSON.stringify({ pid: process.pid, host: hostname(), started: "2026-01-01T00:00:00.000Z" }) + "\n");
  const held = await cliIn(["sweep", p("s.yaml"), "--out", out]);
  refused(held, new RegExp(`^skillsim: .*o\\.jsonl is being written by process ${process.pid} on ${hostname()} \\(started 2026-01-01T00:00:00\\.000Z\\); two sweeps writing one file would run the same runs twice`));
  assert.equal(existsSync(out), false);
  assert.ok(existsSync(lock), "someone else's lock is left alone");
  // held by a process that is gone
  const dead = spawnSync(process.execPath, ["-e", "0"]).pid!;
  writeFileSync(lock, JSON.stringify({ pid: dead, host: hostname(), started: "2026-01-01T00:00:00.000Z" }) + "\n");
  const stale = await cliIn(["sweep", p("s.yaml"), "--out", out]);
  assert.equal(stale.code, 0, stale.stderr);
  assert.match(stale.stderr, new RegExp(`note: .*o\\.jsonl\\.lock: took over a stale lock \\(process ${dead} on ${hostname()}, started 2026-01-01T00:00:00\\.000Z, is gone\\)`));
  assert.equal(readFileSync(out, "utf8").trim().split("\n").length, 4);
  assert.equal(existsSync(lock), false);
  // removed after an error too (the sweep refuses to append to a finished file)
  assert.equal((await cliIn(["sweep", p("s.yaml"), "--out", out])).code, 2);
  assert.equal(existsSync(lock), false);
  // a device gets no lock file beside it
  assert.equal((await cliIn(["sweep", p("s.yaml"), "--out", "/dev/null", "-q"])).code, 0);
  assert.equal(existsSync("/dev/null.lock"), false);
});

test("--jobs is capped at the runs and at 4x the CPUs, with a note", async () => {
  const { p } = files({ "s.yaml": SWEEP });
  const r = await cliIn(["sweep", p("s.yaml"), "--jobs", "1000", "--out", p("o.jsonl")]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^skillsim: note: --jobs 1000: using (4 worker threads \(there are 4 runs to do\)|\d+ worker threads \(at most 4 x the \d+ CPUs available; more would only take memory\))\n/);
  assert.match(r.stderr, /4 runs finished in .* \d+ worker threads?; 4 of 4 in/);
  const q = await cliIn(["sweep", p("s.yaml"), "--jobs", "1000", "-q"]);
  assert.equal(q.stderr, "");
});

test("validate checks a sweep block exactly as sweep does", async () => {
  const cases = [
    "model: resource\nsweep:\n  N0: [1, -1]\n",
    "model: resource\nsweep:\n  bogus: [1]\n",
    "model: resource\nsweep:\n  skills.count: [2, 3]\n  skills.correlation: [[[1, 0], [0, 1]]]\n",
    "model: resource\nsweep: {}\n",
  ];
  for (const yaml of cases) {
    const { p } = files({ "v.yaml": yaml });
    const v = await cliIn(["validate", p("v.yaml")]);
    const s = await cliIn(["sweep", p("v.yaml"), "--dry-run"]);
    assert.equal(v.code, 2, yaml);
    assert.equal(v.stderr, s.stderr, yaml);
    assert.equal(v.stdout, "");
  }
  assert.equal((await cliIn(["validate", "configs/sweep-resource-N0.yaml"])).code, 0);
});

// ---------------------------------------------------------------------------------------------
// 3. Interruption

// About 0.4 s per run: long enough to signal in the middle of one.
const SLOW = `model: resource
skills: {count: 10, frequencies: {zipf: 2}}
steps: 600000
sweep:
  N0: [0.001, 0.01, 0.1, 1]
`;

function lines(path: string): number {
  return existsSync(path) ? readFileSync(path, "utf8").split("\n").length - 1 : 0;
}

/** Start the CLI; once `ready(stderr)` holds, send each signal in turn `gapMs` apart. */
function signalled(args: string[], ready: (stderr: string) => boolean, signals: NodeJS.Signals[], gapMs: number, delayMs = 0, env: Record<string, string> = {}): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: "1", SKILLSIM_PROGRESS_INTERVAL: "1e9", ...env } });
    let stdout = "", stderr = "", sentAt = 0;
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const poll = setInterval(() => {
      if (sentAt || !ready(stderr)) return;
      sentAt = Date.now();
      clearInterval(poll);
      // Each later signal waits until the process has answered the one before on stderr:
      // two signals sent before the process runs are one pending signal to the kernel
      // (POSIX signals do not queue), which on a loaded machine made the test flaky.
      const send = (i: number, seen: number): void => {
        if (i >= signals.length) return;
        if (i > 0 && stderr.length === seen) {
          setTimeout(() => send(i, seen), 5);
          return;
        }
        const before = stderr.length;
        child.kill(signals[i]);
        setTimeout(() => send(i + 1, before), gapMs);
      };
      setTimeout(() => send(0, 0), delayMs);
    }, 10);
    const guard = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      clearInterval(poll);
      clearTimeout(guard);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - sentAt });
    });
  });
}

test("sweep --jobs 1, SIGINT: the run in progress finishes and is kept, no new one starts; a second SIGINT stops at once", async () => {
  const { p } = files({ "slow.yaml": SLOW });
  const out = p("o.jsonl");
  const once = await signalled(["sweep", p("slow.yaml"), "--jobs", "1", "--out", out], () => lines(out) >= 1, ["SIGINT"], 0, 100);
  assert.equal(once.code, 130, once.stderr);
  assert.equal(lines(out), 2, "run 2 was in progress: finished and kept; run 3 never started");
  assert.match(once.stderr, /^skillsim: note: interrupted: finishing the runs in progress \(Ctrl-C again stops at once; their lines are then dropped\)\nskillsim: interrupted by SIGINT: 2 of 4 runs finished/);
  assert.equal(existsSync(`${out}.lock`), false);

  const out2 = p("o2.jsonl");
  const twice = await signalled(["sweep", p("slow.yaml"), "--jobs", "1", "--out", out2], () => lines(out2) >= 1, ["SIGINT", "SIGINT"], 30, 50);
  assert.equal(twice.code, 130, twice.stderr);
  assert.equal(lines(out2), 1, "the second SIGINT dropped the run in progress");
  assert.match(twice.stderr, /interrupted by SIGINT: 1 of 4 runs finished/);
  assert.ok(readFileSync(out2, "utf8").endsWith("\n"));
  assert.equal(existsSync(`${out2}.lock`), false);
});

test("run: SIGINT or SIGTERM stops at once, says so, and writes nothing", async () => {
  const { dir, p } = files({ "long.yaml": "model: resource\nskills: {count: 10}\nsteps: 50000000\n" });
  for (const [sig, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
    // Progress lines (every 0.05 s here) say the run is under way.
    const r = await signalled(["run", p("long.yaml"), "--json", "--out", p("r.json"), "--plot", p("r.svg")], (e) => /progress: resource/.test(e), [sig], 0, 0, { SKILLSIM_PROGRESS_INTERVAL: "0.05" });
    assert.equal(r.code, code, r.stderr);
    assert.match(r.stderr, new RegExp(`skillsim: interrupted by ${sig}: the run of .*long\\.yaml stopped; nothing was written\\n$`));
    assert.ok(r.ms < 5000, `stopped ${r.ms} ms after the signal`);
    assert.deepEqual(readdirSync(dir), ["long.yaml"]);
  }
});

// ---------------------------------------------------------------------------------------------
// 4. What a new user types

test("run --set model=geometry|domino without a config runs that model's minimal example", async () => {
  const g = await cliIn(["run", "--set", "model=geometry", "--json"]);
  assert.equal(g.code, 0, g.stderr);
  const ref = await cliIn(["run", "configs/geometry-minimal.yaml", "--json"]);
  assert.deepEqual(JSON.parse(g.stdout).skills, JSON.parse(ref.stdout).skills);
  const cfg = JSON.parse(g.stdout).config;
  assert.deepEqual([cfg.params, cfg.skills.count, cfg.skills.frequencies, cfg.skills.vectors, cfg.loss, cfg.batch, cfg.optimizer.name, cfg.lr, cfg.steps],
    [1000, 10, { zipf: 2 }, "orthogonal", "mse", "full", "signgd", 3e-4, 1000]);
  const d = await cliIn(["run", "--set", "model=domino", "--json"]);
  assert.equal(d.code, 0, d.stderr);
  const dc = JSON.parse(d.stdout).config;
  assert.deepEqual([dc.model, dc.lr, dc.params, dc.skills.count], ["domino", 3e-4, 1000, 10]);
  // the Resource default is still the default, and a bad model is named at its flag
  assert.equal(JSON.parse((await cliIn(["run", "--json"])).stdout).config.model, "resource");
  refused(await cliIn(["run", "--set", "model=geometri"]), /^skillsim: config error: --set model=geometri: model: unknown model "geometri".*did you mean "geometry"/);
});

test("run - and validate - read the config from stdin; errors name <stdin>", async () => {
  const tmpl = (await cliIn(["init", "geometry"])).stdout;
  const r = cli(["run", "-", "--json", "--set", "steps=50"], { input: tmpl });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).config.model, "geometry");
  const v = cli(["validate", "-"], { input: "model: resource\nN0: -1\n" });
  refused(v, /^skillsim: config error: <stdin>:2:5: N0: must be >= 0, got -1\n$/);
  const s = cli(["sweep", "-", "--dry-run"], { input: SWEEP });
  assert.equal(s.code, 0, s.stderr);
  assert.equal(s.stdout.trim().split("\n").length, 4);
});

test("YAML errors point at the offending line; several documents get our own message", async () => {
  const { p } = files({
    "indent.yaml": "model: geometry\nskills:\n  count: 3\n   frequencies: {zipf: 2}\nsteps: 10\n",
    "top.yaml": "model: resource\nsteps: 10\n  N0: 2\n",
    "multi.yaml": "model: resource\nsteps: 10\n---\nmodel: domino\n",
  });
  refused(await cliIn(["validate", p("indent.yaml")]), /indent\.yaml:4:4: malformed YAML: this line is indented deeper than line 3, which already has a value/);
  refused(await cliIn(["run", p("top.yaml")]), /top\.yaml:3:3: malformed YAML: this line is indented deeper than line 2/);
  const m = await cliIn(["validate", p("multi.yaml")]);
  refused(m, /multi\.yaml:3:1: this file holds more than one YAML document/);
  assert.doesNotMatch(m.stderr, /parseAllDocuments/);
});

test("options that only act with another, and --set on a swept key, get a note", async () => {
  const { p } = files({ "s.yaml": SWEEP, "x.yaml": SMALL });
  const r = await cliIn(["run", p("x.yaml"), "--log-time"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^skillsim: note: --log-time only acts with --plot \(the figure's time axis\); ignored\n$/);
  const s = await cliIn(["sweep", p("s.yaml"), "--plot-x", "N0", "--plot-series", "seed", "--set", "N0=5"]);
  assert.equal(s.code, 0, s.stderr);
  assert.match(s.stderr, /note: --plot-x only acts with --plot \(the sweep figure\); ignored\n/);
  assert.match(s.stderr, /note: --plot-series only acts with --plot/);
  assert.match(s.stderr, /note: --set N0=5: N0 is swept, so each run takes its value from the sweep block \(.*s\.yaml:5:3\); this --set is overridden\n/);
  assert.equal((await cliIn(["run", p("x.yaml"), "--log-time", "-q"])).stderr, "");
});

test("messages: batch says a positive integer or full; infinities are not shown as null", async () => {
  const { p } = files({ "b.yaml": "model: geometry\nbatch: 1.5\n", "r.json": "{}", "tol.yaml": "loss: {rtol: .inf}\n" });
  refused(await cliIn(["validate", p("b.yaml")]), /b\.yaml:2:8: batch: must be a positive integer or full, got 1\.5\n$/);
  refused(await cliIn(["validate", p("b.yaml"), "--set", "batch=-2"]), /batch: must be a positive integer or full, got -2\n$/);
  refused(await cliIn(["validate", p("b.yaml"), "--set", "batch=full", "--set", "skills.frequencies={zipf: .inf}"]), /skills\.frequencies\.zipf: must be a finite number, got Infinity\n$/);
  const run = await cliIn(["run", "--json", "--set", "steps=10", "--out", p("r.json")]);
  assert.equal(run.code, 0, run.stderr);
  refused(await cliIn(["check", p("r.json"), "--baseline", p("r.json"), "--tolerances", p("tol.yaml")]), /tol\.yaml:1:14: loss\.rtol: must be a finite number >= 0, got Infinity\n$/);
});

// ---------------------------------------------------------------------------------------------
// 5. Progress off a terminal

test("off a terminal, long work prints a progress line now and then on stderr; --quiet silences it", async () => {
  const env = { SKILLSIM_PROGRESS_INTERVAL: "0.1" };
  const args = ["run", "--set", "model=geometry", "--set", "steps=20000", "--set", "skills.count=40", "--json"];
  const r = await cliIn(args, { env });
  assert.equal(r.code, 0, r.stderr);
  const progress = r.stderr.split("\n").filter((l) => l.startsWith("skillsim: progress: geometry "));
  assert.ok(progress.length >= 2, r.stderr);
  for (const l of progress) assert.match(l, /^skillsim: progress: geometry \d+% \(\d+\/20000 steps, [\d.]+ s(, about .* left)?\)$/);
  assert.match(progress[progress.length - 1], /100% \(20000\/20000 steps/);
  assert.equal(JSON.parse(r.stdout).config.steps, 20000, "stdout carries only the result");
  assert.equal((await cliIn([...args, "-q"], { env })).stderr, "");
  // the default interval (5 s) keeps short work silent
  assert.equal((await cliIn(["run", "--set", "steps=10"], { env: { SKILLSIM_PROGRESS_INTERVAL: "5" } })).stderr, "");
});

test("fit --jobs 1: SIGINT stops the Chinchilla starts promptly (the fit yields between chunks of starts)", async () => {
  const csv = fileURLToPath(new URL("../../../data/chinchilla-fig4.csv", import.meta.url));
  const r = await signalled(["fit", csv, "--jobs", "1", "--json"], (e) => /progress: /.test(e), ["SIGINT"], 0, 0, { SKILLSIM_PROGRESS_INTERVAL: "0" });
  assert.equal(r.code, 130, r.stderr);
  assert.match(r.stderr, /interrupted by SIGINT: the fit stopped; nothing was written\n$/);
  assert.equal(r.stdout, "");
  // A chunk of 100 starts takes ~25 ms; allow for a loaded machine, but not for the whole fit.
  assert.ok(r.ms < 600, `stopped ${r.ms} ms after the signal`);
});

test("fit: SIGINT says it was interrupted and what, if anything, was written", async () => {
  const rows = ["N,D,loss"];
  for (let i = 0; i < 40; i++) {
    const N = 10 ** (6 + (i % 5) * 0.5), D = 10 ** (8 + Math.floor(i / 5) * 0.3);
    rows.push(`${N},${D},${1.7 + 400 / N ** 0.34 + 410 / D ** 0.28 + 0.01 * Math.sin(i)}`);
  }
  const { dir, p } = files({ "ch.csv": rows.join("\n") + "\n" });
  const r = await signalled(["fit", p("ch.csv"), "--x", "N,D", "--bootstrap", "200", "--out", p("fit.txt")], (e) => /progress: /.test(e), ["SIGINT"], 0, 0, { SKILLSIM_PROGRESS_INTERVAL: "0.05" });
  assert.equal(r.code, 130, r.stderr);
  if (existsSync(p("fit.txt"))) assert.match(r.stderr, /interrupted by SIGINT: the fit stopped; .*fit\.txt had been written \(whole\); nothing else was\n$/);
  else {
    assert.match(r.stderr, /interrupted by SIGINT: the fit stopped; nothing was written\n$/);
    assert.deepEqual(readdirSync(dir), ["ch.csv"]);
  }
});
