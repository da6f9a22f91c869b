/** `skillsim validate CONFIG`: check a config, print it fully defaulted (YAML or --json). */
import type { Command } from "commander";
import { stringify } from "yaml";
import { collect } from "./shared.js";
import { loadConfig } from "../config/load.js";
import { planSweep, shardIds } from "../sweep/grid.js";
import { inputName, readTextFile } from "./read.js";
import { declareIo } from "./guard.js";

export function registerValidate(program: Command): void {
  const cmd = program
    .command("validate")
    .argument("<config>", "YAML config file, or - to read it from stdin")
    .description("check a config and print it with every default filled in")
    .option("--set <key=value>", "override a config key, as for run", collect, [])
    .option("--json", "print the defaulted config as JSON")
    .addHelpText("after", `
Examples:
  $ skillsim validate configs/resource-chain.yaml
  $ skillsim validate my.yaml --set optimizer=adam --json

A config with a sweep block is checked as \`skillsim sweep\` checks it (the same code): the
block itself and the config of every run, so a sweep that validates starts.

Exit codes: 0 valid (the defaulted config is printed), 2 invalid (one message naming file:line:col and key).`)
    .action((config: string, opts: { set: string[]; json?: boolean }) => {
      const text = readTextFile(config, "config");
      const file = inputName(config);
      const cfg = loadConfig(text, { file, sets: opts.set });
      if (cfg.sweep) {
        const plan = planSweep(text, { file, sets: opts.set });
        plan.validate(shardIds(plan.total));
      }
      process.stdout.write(opts.json ? JSON.stringify(cfg, null, 2) + "\n" : stringify(cfg));
    });
  declareIo(cmd, { args: "config" });
}
