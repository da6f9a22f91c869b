/**
 * Bad input, tried on purpose. Every case must give exit code 2 and one line naming
 * file:line:col (when the input is a file) and the key, with no stack trace. The pure cases
 * go through loadConfig (fast); a smaller set goes through the CLI's main() (test/inprocess.ts).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, loadConfig } from "../../src/config/load.js";
import { checkSemantics, machineLimits } from "../../src/config/semantic.js";
import { parseTolerances } from "../../src/analysis/compare.js";
import { tempDir, type CliResult } from "../helpers.js";
import { cliIn } from "../inprocess.js";

interface Case {
  name: string;
  yaml: string;
  sets?: string[];
  /** The whole one-line message, `where: key: message`. */
  expect: RegExp;
}

const R = "model: resource\n";
const G = "model: geometry\n";
const deps = (lines: string, count = 3) => `${R}skills:\n  count: ${count}\n  dependencies:\n${lines}`;

const cases: Case[] = [
  // Syntax
  { name: "malformed YAML (unclosed flow map)", yaml: `${R}skills: {count: 3\nlr: 1\n`, expect: /^bad\.yaml:3:1: malformed YAML: .*\}/ },
  { name: "malformed YAML (tab indentation)", yaml: `${R}skills:\n\tcount: 3\n`, expect: /^bad\.yaml:3:1: malformed YAML: Tabs are not allowed as indentation$/ },
  { name: "malformed YAML (duplicate key)", yaml: `${R}lr: 1\nlr: 2\n`, expect: /^bad\.yaml:3:1: malformed YAML: Map keys must be unique$/ },
  { name: "malformed YAML (nested too deeply)", yaml: `${R}title: ${"[".repeat(5000)}${"]".repeat(5000)}\n`, expect: /^bad\.yaml:2:\d+: malformed YAML: nested too deeply$/ },
  { name: "empty file", yaml: "", expect: /^bad\.yaml:1:1: the config is empty: it needs at least `model: NAME` \(one of resource, domino, geometry, network, quanta\)$/ },
  { name: "comments only", yaml: "# nothing here\n\n", expect: /^bad\.yaml:1:1: the config is empty/ },
  { name: "not a mapping", yaml: "- model: resource\n", expect: /^bad\.yaml:1:1: the config must be a mapping of keys/ },
  { name: "binary text (NUL)", yaml: "model: res\u0000ource\n", expect: /^bad\.yaml: this is a binary file, not YAML text$/ },
  { name: "alias bomb", yaml: `a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [${Array(200).fill("*b").join(", ")}]\n${R}`, expect: /^bad\.yaml:2:\d+: cannot use this YAML: expands YAML aliases \(\*name\) too many times/ },
  // Keys
  { name: "missing model", yaml: "lr: 1\n", expect: /^bad\.yaml:1:1: model: missing key; add `model: resource`/ },
  { name: "misspelt model", yaml: "model: resorce\n", expect: /^bad\.yaml:1:8: model: unknown model "resorce"; expected one of resource, domino, geometry, network, quanta; did you mean "resource"\?$/ },
  { name: "misspelt key (nested)", yaml: `${R}skills:\n  count: 3\n  frequncies: {zipf: 1}\n`, expect: /^bad\.yaml:4:3: skills\.frequncies: unknown key; did you mean "frequencies"\?$/ },
  { name: "misspelt key (top level)", yaml: `${R}stpes: 10\n`, expect: /^bad\.yaml:2:1: stpes: unknown key; did you mean "steps"\?$/ },
  { name: "unknown key, nothing close", yaml: `${R}banana: 1\n`, expect: /^bad\.yaml:2:1: banana: unknown key; valid keys here: model, .*steps/ },
  { name: "key of another model", yaml: `${R}batch: 32\n`, expect: /^bad\.yaml:2:1: batch: unknown key; valid keys here:/ },
  // Types and ranges
  { name: "wrong type (string for a number)", yaml: `${R}lr: fast\n`, expect: /^bad\.yaml:2:5: lr: expected a number, got a string "fast"$/ },
  { name: "wrong type (list for a section)", yaml: `${R}skills: [1, 2]\n`, expect: /^bad\.yaml:2:9: skills: expected an object, got a list \[1,2\]$/ },
  { name: "wrong type (date)", yaml: `${R}title: !!timestamp 2001-12-14\n`, expect: /^bad\.yaml:2:20: title: expected a string, got a date 2001-12-14T00:00:00\.000Z$/ },
  { name: "NaN", yaml: `${R}lr: .nan\n`, expect: /^bad\.yaml:2:5: lr: must be a finite number, got NaN$/ },
  { name: "Infinity", yaml: `${R}N0: .inf\n`, expect: /^bad\.yaml:2:5: N0: must be a finite number, got Infinity$/ },
  { name: "overflow to Infinity", yaml: `${R}rate: 1e400\n`, expect: /^bad\.yaml:2:7: rate: must be a finite number, got Infinity$/ },
  { name: "negative", yaml: `${R}lr: -1\n`, expect: /^bad\.yaml:2:5: lr: must be > 0, got -1$/ },
  { name: "negative where >= 0", yaml: `${R}N0: -0.5\n`, expect: /^bad\.yaml:2:5: N0: must be >= 0, got -0\.5$/ },
  { name: "zero params", yaml: `${R}params: 0\n`, expect: /^bad\.yaml:2:9: params: must be > 0, got 0$/ },
  { name: "zero steps", yaml: `${R}steps: 0\n`, expect: /^bad\.yaml:2:8: steps: must be > 0, got 0$/ },
  { name: "fractional skill count", yaml: `${R}skills: {count: 2.5}\n`, expect: /^bad\.yaml:2:17: skills\.count: expected an integer, got a number 2\.5$/ },
  { name: "fractional steps for a discrete model", yaml: `${R}steps: 10.5\n`, expect: /^bad\.yaml:2:8: steps: must be a whole number of updates for this model, got 10\.5$/ },
  { name: "record every with fractional Domino steps", yaml: "model: domino\nsteps: 10.5\nrecord: every\n", expect: /^bad\.yaml:3:9: record: `every` records whole steps, but steps is 10\.5; use a whole number of steps or \{points: K\}$/ },
  { name: "steps that would never finish", yaml: `${R}steps: 1e300\n`, expect: /^bad\.yaml:2:8: steps: 1e\+300 updates would never finish; use at most 1e\+12$/ },
  { name: "zero frequency in a list", yaml: `${R}skills: {frequencies: [1, 0, 2]}\n`, expect: /^bad\.yaml:2:27: skills\.frequencies\.1: must be > 0, got 0$/ },
  { name: "frequency list and count disagree", yaml: `${R}skills: {count: 4, frequencies: [1, 2]}\n`, expect: /^bad\.yaml:2:17: skills\.count: is 4 but skills\.frequencies lists 2 values/ },
  // Thresholds
  { name: "threshold 0", yaml: `${R}timeline: {onset: 0}\n`, expect: /^bad\.yaml:2:19: timeline\.onset: must be > 0, got 0$/ },
  { name: "threshold 1", yaml: `${R}timeline: {learned: 1}\n`, expect: /^bad\.yaml:2:21: timeline\.learned: must be < 1, got 1$/ },
  { name: "threshold 1.5", yaml: `${R}timeline: {half: 1.5}\n`, expect: /^bad\.yaml:2:18: timeline\.half: must be < 1, got 1\.5$/ },
  { name: "thresholds out of order", yaml: `${R}timeline: {onset: 0.6, half: 0.5}\n`, expect: /^bad\.yaml:2:11: timeline: thresholds must satisfy onset < half < learned, got 0\.6, 0\.5, 0\.9$/ },
  // Geometry
  { name: "orthogonal vectors: more skills than parameters", yaml: `${G}params: 5\nskills: {count: 10}\n`, expect: /^bad\.yaml:3:17: skills\.count: 10 orthogonal skill vectors do not fit in 5 dimensions; use count <= params, or vectors: random$/ },
  { name: "batch larger than sensible", yaml: `${G}batch: 100000000\n`, expect: /^bad\.yaml:2:8: batch: 100000000 samples per step is more than sensible; use batch: full/ },
  { name: "batch zero", yaml: `${G}batch: 0\n`, expect: /^bad\.yaml:2:8: batch: / },
  { name: "unknown optimizer", yaml: `${G}optimizer: adagrad\n`, expect: /^bad\.yaml:2:12: optimizer: .*adagrad/ },
  // Dependencies
  { name: "dependency on a missing skill", yaml: deps("    - {skill: 2, requires: [7]}\n"), expect: /^bad\.yaml:5:29: skills\.dependencies\.0\.requires\.0: skill 7 does not exist \(skills are numbered 1\.\.3\)$/ },
  { name: "dependency of a missing skill", yaml: deps("    - {skill: 9, requires: [1]}\n"), expect: /^bad\.yaml:5:15: skills\.dependencies\.0\.skill: skill 9 does not exist/ },
  { name: "dependency cycle", yaml: deps("    - {skill: 2, requires: [3]}\n    - {skill: 3, requires: [2]}\n"), expect: /^bad\.yaml:5:7: skills\.dependencies\.0: dependency cycle 2 -> 3 -> 2: no skill in it could ever start$/ },
  { name: "longer dependency cycle", yaml: deps("    - {skill: 1, requires: [4]}\n    - {skill: 2, requires: [1]}\n    - {skill: 3, requires: [2]}\n    - {skill: 4, requires: [3]}\n", 4), expect: /: dependency cycle 1 -> 4 -> 3 -> 2 -> 1:/ },
  { name: "self dependency", yaml: deps("    - {skill: 2, requires: [2]}\n"), expect: /^bad\.yaml:5:29: skills\.dependencies\.0\.requires\.0: skill 2 cannot require itself$/ },
  // Correlation
  { name: "non-square correlation (rows)", yaml: `${R}skills:\n  count: 3\n  correlation: [[1, 0, 0], [0, 1, 0]]\n`, expect: /^bad\.yaml:4:16: skills\.correlation: must be 3x3 \(one row per skill\), got 2 rows$/ },
  { name: "non-square correlation (a short row)", yaml: `${R}skills:\n  count: 2\n  correlation: [[1, 0], [0]]\n`, expect: /^bad\.yaml:4:25: skills\.correlation\.1: row 2 has 1 entries; the matrix must be 2x2$/ },
  { name: "non-symmetric correlation", yaml: `${R}skills:\n  count: 2\n  correlation: [[1, 0.5], [0.2, 1]]\n`, expect: /^bad\.yaml:4:28: skills\.correlation\.1\.0: must be symmetric: C\[2\]\[1\] = 0\.2 but C\[1\]\[2\] = 0\.5$/ },
  // Memory: refused before anything is allocated, saying how much it would need.
  { name: "memory: a trace too large to record and write", yaml: `${R}skills: {count: 300}\nrecord: every\nsteps: 1000000\n`, expect: /^bad\.yaml:3:9: record: this run would need about \d+ GiB of memory to record and write its trace of 3\.02e\+8 numbers \(limit about .*\); reduce record\.points, skills\.count or steps$/ },
  { name: "memory: a billion skills", yaml: `${R}skills: {count: 1000000000}\n`, expect: /^bad\.yaml:2:17: skills\.count: this run would need about \d+ GiB of memory \(this machine allows .*\); reduce skills\.count or params$/ },
  { name: "memory: geometry skill vectors", yaml: `${G}params: 1000000\nskills: {count: 100000, vectors: random}\n`, expect: /^bad\.yaml:2:9: params: this run would need about 745 GiB of memory \(this machine allows/ },
  // --set
  { name: "--set through a value", yaml: `${R}lr: 0.1\n`, sets: ["lr.x=1"], expect: /^--set lr\.x=1: lr\.x: lr is a value, not a section, so it has no key "x"; to replace the value, --set lr=1$/ },
  { name: "--set into a named optimizer", yaml: "model: geometry\noptimizer: adam\n", sets: ["optimizer.name=lion"], expect: /^--set optimizer\.name=lion: optimizer\.name: optimizer is a value, not a section, so it has no key "name"; to replace the value, --set optimizer=lion$/ },
  { name: "--set through a default value", yaml: R, sets: ["lr.x=1"], expect: /^--set lr\.x=1: lr: expected a number, got a mapping \{"x":1\}$/ },
  { name: "--set with a misspelt key", yaml: R, sets: ["stpes=5"], expect: /^--set stpes=5: stpes: unknown key; did you mean "steps"\?$/ },
  { name: "--set with a malformed key", yaml: R, sets: ["a..b=1"], expect: /^--set a\.\.b=1: "a\.\.b" is not a dotted key like skills\.count$/ },
  { name: "--set without =", yaml: R, sets: ["lr"], expect: /^--set lr: expected KEY=VALUE/ },
  { name: "--set with an unparsable value", yaml: R, sets: ["lr=[1,"], expect: /^--set lr=\[1,: lr: cannot parse the value as YAML: Flow sequence/ },
  { name: "--set with a wrong value", yaml: R, sets: ["lr=abc"], expect: /^--set lr=abc: lr: expected a number, got a string "abc"$/ },
  { name: "--set with NaN", yaml: R, sets: ["N0=.nan"], expect: /^--set N0=\.nan: N0: must be a finite number, got NaN$/ },
  { name: "--set past the end of a list", yaml: `${R}skills: {frequencies: [1, 2]}\n`, sets: ["skills.frequencies.99999999=1"], expect: /^--set skills\.frequencies\.99999999=1: skills\.frequencies\.99999999: skills\.frequencies has 2 items; index 99999999 is past its end/ },
  { name: "--set a list by name", yaml: `${R}skills: {frequencies: [1, 2]}\n`, sets: ["skills.frequencies.x=1"], expect: /: skills\.frequencies is a list; address its items by 0-based index/ },
  { name: "--set with a newline in the value", yaml: R, sets: ["lr=a\nb"], expect: /^--set lr=a\\nb: lr: expected a number, got a string "a b"$/ },
];

const oneLine = (s: string) => !s.includes("\n") && !s.includes("\r");

for (const c of cases) {
  test(`loadConfig refuses: ${c.name}`, () => {
    assert.throws(
      () => loadConfig(c.yaml, { file: "bad.yaml", sets: c.sets ?? [] }),
      (e: unknown) => {
        assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${(e as Error)?.stack}`);
        const msg = e.format();
        assert.ok(oneLine(msg), JSON.stringify(msg));
        assert.match(msg, c.expect);
        return true;
      },
    );
  });
}

test("memory limits come from this machine and can be given explicitly", () => {
  const cfg = loadConfig(`${R}skills: {count: 100}\nrecord: {points: 1000}\nsteps: 5000\n`, { file: "ok.yaml" });
  const here = machineLimits();
  assert.ok(here.bytes > 0 && here.heapBytes > 0 && here.jsonChars >= 2 ** 28);
  assert.equal(checkSemantics(cfg), null);
  assert.match(checkSemantics(cfg, { bytes: 1000, heapBytes: 1e12, jsonChars: 1e12 })!.message, /would need about 6\.3 KiB of memory \(this machine allows 1000 B\)/);
  // 1000 points x (100 skills + t + loss) = 102000 recorded numbers, 80 bytes each.
  assert.match(checkSemantics(cfg, { bytes: 1e12, heapBytes: 1e6, jsonChars: 1e12 })!.message, /trace of 1\.02e\+5 numbers \(limit about 977 KiB, 1\.25e\+4 numbers\)/);
  assert.match(checkSemantics(cfg, { bytes: 1e12, heapBytes: 1e12, jsonChars: 24000 })!.message, /limit about 78 KiB, 1\.00e\+3 numbers/);
});

// ---------------------------------------------------------------------------------------
// Through the real CLI

const dir = tempDir();
const write = (name: string, data: string | Buffer) => {
  const p = join(dir, name);
  writeFileSync(p, data);
  return p;
};

/** Exit 2, one line on stderr matching `re`, nothing on stdout, no stack trace. */
function refused(r: CliResult, re: RegExp): void {
  assert.equal(r.code, 2, `exit ${r.code}: ${r.stderr}`);
  assert.equal(r.stdout, "");
  const lines = r.stderr.replace(/\n$/, "").split("\n");
  assert.equal(lines.length, 1, r.stderr);
  assert.ok(!/^\s+at /m.test(r.stderr), r.stderr);
  assert.match(lines[0], re);
}

test("CLI: malformed YAML, empty file, misspelt key: exit 2, file:line:col, the key", async () => {
  refused(await cliIn(["validate", write("malformed.yaml", `${R}skills: {count: 3\nlr: 1\n`)]), /^skillsim: config error: .*malformed\.yaml:3:1: malformed YAML: /);
  refused(await cliIn(["run", write("empty.yaml", "")]), /^skillsim: config error: .*empty\.yaml:1:1: the config is empty/);
  refused(await cliIn(["validate", write("typo.yaml", `${R}skills:\n  count: 3\n  frequncies: {zipf: 1}\n`)]), /^skillsim: config error: .*typo\.yaml:4:3: skills\.frequncies: unknown key; did you mean "frequencies"\?$/);
});

test("CLI: NaN, a dependency cycle, a non-symmetric correlation, too many orthogonal skills", async () => {
  refused(await cliIn(["run", write("nan.yaml", `${R}lr: .nan\n`)]), /nan\.yaml:2:5: lr: must be a finite number, got NaN$/);
  refused(await cliIn(["validate", write("cycle.yaml", deps("    - {skill: 2, requires: [3]}\n    - {skill: 3, requires: [2]}\n"))]), /cycle\.yaml:5:7: skills\.dependencies\.0: dependency cycle 2 -> 3 -> 2/);
  refused(await cliIn(["validate", write("sym.yaml", `${R}skills:\n  count: 2\n  correlation: [[1, 0.5], [0.2, 1]]\n`)]), /sym\.yaml:4:28: skills\.correlation\.1\.0: must be symmetric/);
  refused(await cliIn(["run", write("orth.yaml", `${G}params: 5\nskills: {count: 10}\n`)]), /orth\.yaml:3:17: skills\.count: 10 orthogonal skill vectors do not fit in 5 dimensions/);
});

test("CLI: a run too large for this machine is refused before allocating (run, not just validate)", async () => {
  refused(await cliIn(["run", write("huge.yaml", `${R}skills: {count: 300}\nrecord: every\nsteps: 1000000\n`), "--json"]), /huge\.yaml:3:9: record: this run would need about \d+ GiB of memory/);
});

test("CLI: missing file, a directory, a device", async () => {
  refused(await cliIn(["validate", join(dir, "nope.yaml")]), /^skillsim: .*nope\.yaml: cannot read config: no such file$/);
  const sub = join(dir, "sub.yaml");
  mkdirSync(sub);
  refused(await cliIn(["run", sub]), /^skillsim: .*sub\.yaml: is a directory, expected a config$/);
  refused(await cliIn(["validate", "/dev/zero"]), /^skillsim: \/dev\/zero: is a device or socket, not a regular file or a pipe; expected the config$/);
});

test("CLI: binary input and invalid UTF-8 name the line and column", async () => {
  refused(await cliIn(["validate", write("bin.yaml", Buffer.from([0x6d, 0x6f, 0x64, 0x0a, 0x41, 0x42, 0x00, 0xff, 0x10]))]), /bin\.yaml:2:3: this is a binary file \(a NUL byte here\), not a text config$/);
  refused(await cliIn(["validate", write("latin1.yaml", Buffer.from("model: resource\ntitle: caf\xe9\n", "latin1"))]), /latin1\.yaml:2:11: not valid UTF-8 text$/);
});

test("CLI: an unreadable file (skipped as root, where chmod 000 is still readable)", { skip: process.getuid?.() === 0 ? "running as root: chmod 000 does not stop root from reading" : false }, async () => {
  const p = write("secret.yaml", R);
  chmodSync(p, 0o000);
  refused(await cliIn(["validate", p]), /secret\.yaml: cannot read config: permission denied$/);
});

test("CLI: --set with a bad path, a bad value", async () => {
  refused(await cliIn(["validate", write("ok.yaml", `${R}lr: 0.1\n`), "--set", "lr.x=1"]), /^skillsim: config error: --set lr\.x=1: lr\.x: lr is a value, not a section/);
  refused(await cliIn(["run", "--set", "model=geometry", "--set", "optimizer.name=lion"]), /^skillsim: config error: --set optimizer\.name=lion: .*; to replace the value, --set optimizer=lion$/);
  refused(await cliIn(["run", "--set", "lr=[1,"]), /^skillsim: config error: --set lr=\[1,: lr: cannot parse the value as YAML: /);
});

test("a config or tolerance file that opens with many comment lines is read at once (the comments-only check is linear)", () => {
  // /^(\s*#.*\n?)*\s*$/ took 2 ms on 10 such lines, 1.7 s on 22 and would take years on 60: in a
  // child process, so that a hang is a failure (killed at the timeout), not a test that never ends.
  const comments = "# a comment line, as configs open with\n".repeat(60);
  const load = new URL("../../src/config/load.js", import.meta.url).href;
  const compare = new URL("../../src/analysis/compare.js", import.meta.url).href;
  const script = `const { loadConfig } = await import(${JSON.stringify(load)});
const { parseTolerances } = await import(${JSON.stringify(compare)});
const c = ${JSON.stringify(comments)};
const cfg = loadConfig(c + "model: domino\\n", { file: "c.yaml" });
const rules = parseTolerances(c + "final.loss: {rtol: 1.0e-3}\\n", "t.yaml");
process.stdout.write(JSON.stringify([cfg.model, rules.length]));`;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", timeout: 30000 });
  assert.equal(r.signal, null, "killed at the timeout: the check backtracks");
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, '["domino",1]');
  // Comments and blank lines only (any line ending) are still the empty config, and no tolerance rules.
  assert.throws(() => loadConfig(`${comments}\r\n  \t\n# last\r`, { file: "e.yaml" }), /the config is empty/);
  assert.deepEqual(parseTolerances(`${comments}\n`, "t.yaml"), []);
});
