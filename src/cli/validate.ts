/** `skillsim validate CONFIG`: check a config, print it fully defaulted (YAML or --json). */
import type { Command } from "commander";
import { stringify } from "yaml";
import { collect } from "./shared.js";
import { loadConfigFile } from "./io.js";

export function registerValidate(program: Command): void {
  program
    .command("validate")
    .argument("<config>", "YAML config file")
    .description("check a config and print it with every default filled in")
    .option("--set <key=value>", "override a config key, as for run", collect, [])
    .option("--json", "print the defaulted config as JSON")
    .addHelpText("after", `
Examples:
  $ skillsim validate configs/resource-chain.yaml
  $ skillsim validate my.yaml --set optimizer=adam --json

Exit codes: 0 valid (the defaulted config is printed), 2 invalid (one message naming file:line:col and key).`)
    .action((config: string, opts: { set: string[]; json?: boolean }) => {
      const cfg = loadConfigFile(config, opts.set);
      process.stdout.write(opts.json ? JSON.stringify(cfg, null, 2) + "\n" : stringify(cfg));
    });
}
