/**
 * The model registry's rule (issue 18): no file outside src/models/ branches on a model's name.
 * What a model knows (its calibration, parameter count, level title, how it uses frequencies)
 * is looked up through its spec (src/models/index.ts). This test reads every source file outside
 * src/models/ and fails, listing file:line, on any string literal that is a registered model's
 * name ("resource", 'domino', `network`, ...), in code; comments are not code. A use that does
 * not branch goes on ALLOWED with its reason.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { ROOT, cfgFrom } from "../helpers.js";
import { calibratedModels, defaultModel, modelNames, modelSpec } from "../../src/models/index.js";

/** Uses of a model's name as a literal that do not branch, each with its reason. */
const ALLOWED: { file: string; text: string; why: string }[] = [
  { file: "src/cli/sweep.ts", text: '"summary", "domino"', why: "the help text names the sweep line's `domino` field (the run's `domino` record), not a model" },
  { file: "src/engine/kernels.ts", text: '"geometry" | "dense" | "fit"', why: "names the kernel family (the Geometry model's sparse-batch kernels), not a branch on the config's model" },
];

/** Model-name literals in code lines of `source` (comment lines skipped): line number and text. */
export function modelNameLiterals(source: string, names: readonly string[]): { line: number; text: string }[] {
  const re = new RegExp(`(["'\`])(${names.join("|")})\\1`);
  const hits: { line: number; text: string }[] = [];
  let inBlock = false;
  source.split("\n").forEach((raw, k) => {
    let s = raw.trim();
    if (inBlock) {
      const end = s.indexOf("*/");
      if (end < 0) return;
      inBlock = false;
      s = s.slice(end + 2).trim();
    }
    if (s.startsWith("//")) return;
    if (s.startsWith("/*")) {
      const end = s.indexOf("*/");
      if (end < 0) { inBlock = true; return; }
      s = s.slice(end + 2).trim();
    }
    if (re.test(s)) hits.push({ line: k + 1, text: raw.trim() });
  });
  return hits;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

test("the scanner finds a branch on a model name and skips comments", () => {
  const src = [
    "/** the resource model */",
    "/*",
    ' * "domino" in a block comment',
    " */",
    '// if (m === "geometry")',
    'const a = cfg.model === "resource" ? 1 : 2;',
    "switch (m) { case 'domino': break; }",
    "const t = `network`;",
    'const ok = "resources";',
  ].join("\n");
  assert.deepEqual(modelNameLiterals(src, modelNames).map((h) => h.line), [6, 7, 8]);
});

test("no file outside src/models/ branches on a model name", () => {
  const src = join(ROOT, "src");
  const found: string[] = [];
  const used = new Set<string>();
  for (const path of sourceFiles(src)) {
    const file = relative(ROOT, path).split("\\").join("/");
    if (file.startsWith("src/models/")) continue;
    for (const h of modelNameLiterals(readFileSync(path, "utf8"), modelNames)) {
      const allow = ALLOWED.find((a) => a.file === file && h.text.includes(a.text));
      if (allow) used.add(allow.file + allow.text);
      else found.push(`${file}:${h.line}: ${h.text}`);
    }
  }
  assert.deepEqual(found, [], `model names used outside src/models/ (look the model's spec up instead):\n${found.join("\n")}`);
  // An allowance nothing uses any more goes, so the list stays true.
  assert.deepEqual(ALLOWED.filter((a) => !used.has(a.file + a.text)).map((a) => a.file), []);
});

test("each calibrated model's spec names only parameters it defines, for its example and both rate cases", () => {
  assert.ok(calibratedModels.includes(defaultModel));
  for (const m of calibratedModels) {
    const cal = modelSpec(m).calibration!;
    const c = cfgFrom(modelSpec(m).example);
    const can = cal.fittable(c);
    assert.ok(can.length > 0, m);
    for (const name of can) assert.ok(name in cal.parameters, `${m}: ${name}`);
    for (const set of [true, false])
      for (const observed of [true, false])
        for (const name of cal.defaultFit(c, [], { set, observed })) assert.ok(can.includes(name), `${m}: default ${name}`);
  }
});

test("every model's runner (what `run`'s worker imports alone) is its run: the same output on its example", async () => {
  const { loadConfig } = await import("../../src/config/load.js");
  for (const name of modelNames) {
    const spec = modelSpec(name);
    const mod = (await import(new URL(`../../src/${spec.runner.module}`, import.meta.url).href)) as Record<string, unknown>;
    const fn = mod[spec.runner.fn];
    assert.equal(typeof fn, "function", `${name}: ${spec.runner.module} exports ${spec.runner.fn}`);
    const cfg = loadConfig(spec.example, { file: "<example>", sets: ["steps=20"] });
    assert.deepEqual((fn as (c: unknown, h: object) => unknown)(cfg, {}), spec.run(cfg as never), name);
  }
});

test("task names come from the config through taskNamesOf: sparse-parity bits, modular addition's two accuracies, else skill i", async () => {
  const { taskNamesOf, hasTaskNames } = await import("../../src/models/index.js");
  const parity = (subtasks: number[][]) => ({ model: "network", task: { kind: "sparse-parity", subtasks } });
  assert.deepEqual(taskNamesOf(parity([[3, 4], [1, 2], [1, 2, 3, 4]]), 3), ["x3 xor x4", "x1 xor x2", "x1 xor x2 xor x3 xor x4"]);
  assert.deepEqual(taskNamesOf(parity([[7], [1, 2, 3, 4, 5], [2, 4, 6, 8, 10]]), 3), ["x7", "parity of x1..x5", "parity of x2, x4, x6, x8, x10"]);
  // One name twice would merge two lines of a figure: the index stays in front.
  assert.deepEqual(taskNamesOf(parity([[1, 2], [1, 2]]), 2), ["skill 1 (x1 xor x2)", "skill 2 (x1 xor x2)"]);
  assert.deepEqual(taskNamesOf({ model: "network", task: { kind: "modular-addition" } }, 2), ["training accuracy", "held-out accuracy"]);
  // A model (or task kind) with no names, a count the names do not fit, a config that is no config: skill i.
  assert.deepEqual(taskNamesOf({ model: "network", task: { kind: "squares" } }, 2), ["skill 1", "skill 2"]);
  assert.deepEqual(taskNamesOf({ model: "resource" }, 3), ["skill 1", "skill 2", "skill 3"]);
  assert.deepEqual(taskNamesOf(parity([[1, 2], [3, 4]]), 3), ["skill 1", "skill 2", "skill 3"]);
  assert.deepEqual(taskNamesOf({ model: "network" }, 1), ["skill 1"]);
  assert.equal(hasTaskNames(parity([[1, 2]]), 1), true);
  assert.equal(hasTaskNames({ model: "geometry" }, 2), false);
});
