/** Test helpers: build configs from YAML text, and run the real CLI in a child process. */
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadConfig } from "../src/config/load.js";
import type { Config } from "../src/config/schema.js";

/** Repository root (tests run from dist/test/). */
export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const BIN = join(ROOT, "bin", "skillsim.js");

export function cfgFrom(yaml: string, sets: string[] = []): Config {
  return loadConfig(yaml, { file: "test.yaml", sets });
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function cli(args: string[], opts: { cwd?: string; input?: string; env?: Record<string, string> } = {}): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    input: opts.input,
    encoding: "utf8",
    // No progress lines off a terminal (a slow, loaded machine would otherwise add them to
    // stderr that tests compare exactly); tests of progress set the interval themselves.
    env: { ...process.env, NO_COLOR: "1", SKILLSIM_PROGRESS_INTERVAL: "1e9", ...opts.env },
    timeout: 120000,
    maxBuffer: 256 * 1024 * 1024,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "skillsim-test-"));
}
