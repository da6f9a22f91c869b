/**
 * Property tests of config parsing: valid configs mutated at random (keys dropped or
 * misspelt, values replaced by wrong types, NaN, huge or negative numbers, nested junk;
 * the YAML text truncated or sprinkled with random bytes; random --set flags). loadConfig
 * must return a config or throw a ConfigError whose message is one line, never anything
 * else; through the real CLI, `validate` must exit 0 or 2 with one line, never a stack
 * trace or a hang. Seeds are fixed so CI is deterministic.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { parse, stringify } from "yaml";
import { ConfigError, loadConfig } from "../../src/config/load.js";
import { modelNames } from "../../src/models/index.js";
import { BIN, ROOT, tempDir } from "../helpers.js";
import { cliIn } from "../inprocess.js";

/** Fixed for CI; to fuzz harder locally: FUZZ_SEED=123 FUZZ_RUNS=20 npm test (20x the cases). */
const SEED = Number(process.env.FUZZ_SEED ?? 20250611);
const SCALE = Number(process.env.FUZZ_RUNS ?? 1);

/** The valid configs to mutate: the examples, the regression configs, and a geometry one. */
const bases: string[] = [
  ...readdirSync(join(ROOT, "configs")).filter((f) => f.endsWith(".yaml")).map((f) => readFileSync(join(ROOT, "configs", f), "utf8")),
  ...readdirSync(join(ROOT, "test", "regression", "configs")).map((f) => readFileSync(join(ROOT, "test", "regression", "configs", f), "utf8")),
  "model: geometry\nskills: {count: 5, frequencies: {zipf: 1.5}, vectors: random}\nparams: 64\nsteps: 300\nbatch: 16\nnoise: 0.01\noptimizer: {name: adam, beta1: 0.8}\nseed: 7\n",
];

type Path = (string | number)[];

/** Every path into a JSON-like value (not the root), in a stable order. */
function paths(v: unknown, at: Path = []): Path[] {
  const out: Path[] = [];
  if (Array.isArray(v)) v.forEach((x, i) => out.push([...at, i], ...paths(x, [...at, i])));
  else if (v !== null && typeof v === "object") for (const [k, x] of Object.entries(v)) out.push([...at, k], ...paths(x, [...at, k]));
  return out;
}

function parentOf(root: any, path: Path): any {
  let v = root;
  for (const k of path.slice(0, -1)) v = v[k];
  return v;
}

const junk = fc.oneof(
  fc.constantFrom(NaN, Infinity, -Infinity, -1, 0, -0, 1e308, -1e308, 1e20, 2 ** 53 + 2, 0.5, 1, 1e-320, "", "1e3", "nan", "true", "~", "[", "{zipf: 1}"),
  fc.double(),
  fc.integer(),
  fc.string({ maxLength: 12 }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.double(), { maxLength: 5 }),
  fc.anything({ maxDepth: 3, maxKeys: 4 }),
);

/** A one-edit typo: delete, insert, replace or swap a character. */
const typo = fc.record({ kind: fc.constantFrom("delete", "insert", "replace", "swap"), at: fc.nat(), ch: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz_0.") });
function applyTypo(key: string, t: { kind: string; at: number; ch: string }): string {
  const i = key.length ? t.at % key.length : 0;
  if (t.kind === "delete") return key.slice(0, i) + key.slice(i + 1);
  if (t.kind === "insert") return key.slice(0, i) + t.ch + key.slice(i);
  if (t.kind === "replace") return key.slice(0, i) + t.ch + key.slice(i + 1);
  return i + 1 < key.length ? key.slice(0, i) + key[i + 1] + key[i] + key.slice(i + 2) : key + t.ch;
}

const treeOp = fc.oneof(
  fc.record({ op: fc.constant("drop" as const), pick: fc.nat() }),
  fc.record({ op: fc.constant("rename" as const), pick: fc.nat(), typo }),
  fc.record({ op: fc.constant("replace" as const), pick: fc.nat(), value: junk }),
  fc.record({ op: fc.constant("add" as const), pick: fc.nat(), key: fc.string({ maxLength: 10 }), value: junk }),
);

const textOp = fc.oneof(
  fc.record({ op: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({ op: fc.constant("insert" as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  fc.record({ op: fc.constant("insertText" as const), at: fc.nat(), text: fc.constantFrom(":", "- ", "{", "}", "[", "]", "\t", "\n", "  ", "&a ", "*a", "!!", "#", "'", '"', "? ", "---\n", "<<: ") }),
);

const mutation = fc.record({
  base: fc.nat(),
  tree: fc.array(treeOp, { minLength: 0, maxLength: 4 }),
  text: fc.array(textOp, { minLength: 0, maxLength: 3 }),
});

type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

/** The mutated config file, as bytes (random bytes may make it invalid UTF-8). */
function mutate(m: Mutation): Buffer {
  const obj = parse(bases[m.base % bases.length]);
  for (const t of m.tree) {
    const all = paths(obj);
    if (all.length === 0) break;
    const path = all[t.pick % all.length];
    const parent = parentOf(obj, path);
    const key = path[path.length - 1];
    if (t.op === "drop") {
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
    } else if (t.op === "rename") {
      if (!Array.isArray(parent)) {
        const v = parent[key];
        delete parent[key];
        parent[applyTypo(String(key), t.typo)] = v;
      }
    } else if (t.op === "replace") {
      parent[key] = t.value;
    } else {
      const target = parent[key];
      if (target !== null && typeof target === "object" && !Array.isArray(target)) target[t.key] = t.value;
      else parent[key] = { [t.key]: t.value };
    }
  }
  let buf: Buffer = Buffer.from(stringify(obj), "utf8");
  for (const t of m.text) {
    const at = t.at % (buf.length + 1);
    if (t.op === "truncate") buf = buf.subarray(0, at);
    else buf = Buffer.concat([buf.subarray(0, at), t.op === "insert" ? Buffer.from(t.bytes) : Buffer.from(t.text), buf.subarray(at)]);
  }
  return buf;
}

/** loadConfig's contract: a config, or one ConfigError with a one-line message naming the input. */
function loadsOrRefuses(text: string, sets: string[] = []): void {
  let cfg;
  try {
    cfg = loadConfig(text, { file: "fuzz.yaml", sets });
  } catch (e) {
    if (!(e instanceof ConfigError)) assert.fail(`not a ConfigError: ${(e as Error)?.stack ?? String(e)}\n--- input:\n${text}\n--- sets: ${JSON.stringify(sets)}`);
    const msg = e.format();
    assert.ok(!/[\n\r]/.test(msg), `multi-line message: ${JSON.stringify(msg)}`);
    assert.ok(msg.startsWith("fuzz.yaml") || msg.startsWith("--set "), msg);
    assert.ok(msg.length < 1000, `message too long (${msg.length})`);
    return;
  }
  assert.ok((modelNames as readonly string[]).includes(cfg.model));
  assert.ok(Number.isInteger(cfg.skills.count) && cfg.skills.count > 0);
}

test("loadConfig: mutated configs load or give one ConfigError line (500 cases)", () => {
  fc.assert(
    fc.property(mutation, (m) => loadsOrRefuses(mutate(m).toString("utf8"))),
    { seed: SEED, numRuns: 500 * SCALE },
  );
});

test("loadConfig: random --set flags load or give one ConfigError line (300 cases)", () => {
  const keys = [...new Set(bases.flatMap((b) => paths(parse(b)).map((p) => p.join("."))))];
  const key = fc.oneof(fc.constantFrom(...keys), fc.string({ maxLength: 12 }), fc.tuple(fc.constantFrom(...keys), typo).map(([k, t]) => applyTypo(k, t)));
  const value = fc.oneof(
    fc.constantFrom("1", "-1", "0", ".nan", ".inf", "1e400", "[1, 2", "{zipf: 1}", "[]", "{}", "every", "full", "adam", "~", "", "9999999999", "[[1, 0], [0, 1]]"),
    fc.string({ maxLength: 12 }),
    junk.map((v) => JSON.stringify(v) ?? "null"),
  );
  const sets = fc.array(fc.tuple(key, fc.constantFrom("=", "=", "=", ""), value).map(([k, eq, v]) => `${k}${eq}${v}`), { minLength: 1, maxLength: 3 });
  fc.assert(
    fc.property(fc.nat(), sets, (b, s) => loadsOrRefuses(bases[b % bases.length], s)),
    { seed: SEED + 1, numRuns: 300 * SCALE },
  );
});

test("CLI validate: mutated config files exit 0 or 2 with one line, no stack trace, no hang (25 cases)", async () => {
  // In-process (cliIn: main() as bin/skillsim.js runs it, without a process start per case);
  // the first three cases also through a real process, which must give the same exit code and
  // output (and finish within the timeout: no hang).
  const dir = tempDir();
  let n = 0;
  await fc.assert(
    fc.asyncProperty(mutation, async (m) => {
      const file = join(dir, `fuzz-${n++}.yaml`);
      writeFileSync(file, mutate(m));
      const r = await cliIn(["validate", file]);
      assert.ok(r.code === 0 || r.code === 2, `exit ${r.code}: ${r.stderr}`);
      assert.ok(!/^\s+at /m.test(r.stderr), r.stderr);
      if (r.code === 0) {
        assert.equal(r.stderr, "");
        assert.match(r.stdout, new RegExp(`^model: (${modelNames.join("|")})$`, "m"));
      } else {
        assert.equal(r.stdout, "");
        assert.equal(r.stderr.replace(/\n$/, "").split("\n").length, 1, r.stderr);
        assert.ok(r.stderr.startsWith(`skillsim: config error: ${file}`) || r.stderr.startsWith(`skillsim: ${file}:`), r.stderr);
      }
      if (n <= 3) {
        const p = spawnSync(process.execPath, [BIN, "validate", file], { encoding: "utf8", timeout: 60000, env: { ...process.env, NO_COLOR: "1" } });
        assert.notEqual(p.status, null, `killed (${p.signal}): hang or crash on ${file}`);
        assert.deepEqual({ code: p.status, stdout: p.stdout, stderr: p.stderr }, r, `a process and cliIn differ on ${file}`);
      }
    }),
    { seed: SEED + 2, numRuns: 25 },
  );
});
