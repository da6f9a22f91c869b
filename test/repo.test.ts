/**
 * The repository stands alone: the data and the benchmark peers its tests and benches use are
 * its own copies, so a clone with nothing beside it runs every test and benchmark.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./helpers.js";
import { cliIn } from "./inprocess.js";

test("data/chinchilla-fig4.csv is the published extraction, byte for byte", () => {
  const bytes = readFileSync(join(ROOT, "data", "chinchilla-fig4.csv"));
  // sha256 of Besiroglu et al.'s extraction with D = C/(6N) (see data/README.md).
  assert.equal(createHash("sha256").update(bytes).digest("hex"), "264dd5188e8ef203ca2e1cf1ef2cea3c534876d31f421ad88c7f4b8972511908");
  const lines = bytes.toString("utf8").trim().split(/\r?\n/); // CRLF, as published
  assert.equal(lines[0], "N,D,C,loss");
  assert.equal(lines.length - 1, 245);
  const dropped = lines.slice(1).filter((l) => Number(l.split(",")[3]) >= 3.4469).length;
  assert.equal(dropped, 5, "the analysis drops exactly the 5 runs with loss >= 3.4469");
  assert.ok(existsSync(join(ROOT, "data", "README.md")));
});

test("the benchmark peers live in bench/peers and run there", () => {
  for (const peer of ["geometry_numpy.py", "resource_scipy.py"]) assert.ok(existsSync(join(ROOT, "bench", "peers", peer)), peer);
  // The bench finds its peers relative to dist/bench/: the same files.
  for (const src of ["bench/geometry.ts", "bench/resource.ts", "bench/fit.ts"]) {
    const text = readFileSync(join(ROOT, src), "utf8");
    assert.doesNotMatch(text, /\.\.\/\.\.\/\.\.\//, `${src} reaches outside the repository`);
  }
  const py = spawnSync("python3", ["-c", "import numpy, scipy"], { encoding: "utf8" });
  if (py.status !== 0) return; // no NumPy/SciPy here: the bench reports the peer as unavailable
  const g = spawnSync("python3", [join(ROOT, "bench", "peers", "geometry_numpy.py"), "20", "5", "50"], { encoding: "utf8" });
  assert.equal(g.status, 0, g.stderr);
  assert.match(g.stdout, /^numpy N=20 steps=5 us\/step=[0-9.]+ final_loss=0\.\d+\n$/);
  const r = spawnSync("python3", [join(ROOT, "bench", "peers", "resource_scipy.py"), "3", "100", "1e-6", "1"], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /ms\/solve=[0-9.]+ nfev=\d+ s_end\[0\]=/);
});

/** Every file under `dir` (relative to the repository root) whose name ends in one of `exts`. */
function filesUnder(dir: string, exts: string[]): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const rel = join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(rel, exts));
    else if (exts.some((x) => e.name.endsWith(x))) out.push(rel);
  }
  return out;
}

// A path into a directory beside the repository (an installed package has none).
const OUTSIDE = new RegExp(["\\.\\./shared", "\\bshared/(spec|data|bench|conventions)"].join("|"));

test("README, docs, configs and sources never send the reader outside the repository", () => {
  const files = ["README.md", "package.json", ...filesUnder("docs", [".md"]), ...filesUnder("data", [".md"]), ...filesUnder("configs", [".yaml"]), ...filesUnder("src", [".ts"]), ...filesUnder("bench", [".ts", ".py"])];
  assert.ok(files.length > 40);
  for (const f of files) {
    const text = readFileSync(join(ROOT, f), "utf8");
    const m = OUTSIDE.exec(text);
    assert.equal(m, null, `${f} points outside the repository: ${m?.[0]}`);
  }
  // The equations live in the project's own docs, and the README links them.
  assert.ok(existsSync(join(ROOT, "docs", "models.md")));
  assert.match(readFileSync(join(ROOT, "README.md"), "utf8"), /\(docs\/models\.md\)/);
});

test("--help of every command stays inside the package and names docs/models.md", async () => {
  const top = await cliIn(["--help"]);
  assert.equal(top.code, 0);
  assert.match(top.stdout, /docs\/models\.md/);
  for (const cmd of ["run", "validate", "sweep", "merge", "check", "fit", "init"]) {
    const r = await cliIn([cmd, "--help"]);
    assert.equal(r.code, 0, `${cmd} --help: ${r.stderr}`);
    assert.doesNotMatch(r.stdout + top.stdout, OUTSIDE, `${cmd} --help`);
  }
});

test("docs/models.md links only to files that exist", () => {
  const text = readFileSync(join(ROOT, "docs", "models.md"), "utf8");
  for (const m of text.matchAll(/\]\(([^)#]+)\)/g)) {
    if (/^https?:/.test(m[1])) continue;
    assert.ok(existsSync(join(ROOT, "docs", m[1])), `docs/models.md links to ${m[1]}`);
  }
});

test("test/ mirrors src/: every folder of src/ has its test folder of the same name", () => {
  const folders = (dir: string) => readdirSync(join(ROOT, dir), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  const src = folders("src");
  assert.ok(src.includes("config") && src.includes("models"), src.join(", "));
  const tests = new Set(folders("test"));
  assert.deepEqual(src.filter((f) => !tests.has(f)), [], "src folders without a test folder");
});
