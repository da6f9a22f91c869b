/** `skillsim init MODEL`: print a commented example config. */
import type { Command } from "commander";
import { suggest } from "../config/errors.js";
import { isModelName, modelNames, modelSpec } from "../models/index.js";
import { CliError } from "./errors.js";
import { declareIo } from "./guard.js";

export function registerInit(program: Command): void {
  const cmd = program
    .command("init")
    .argument("<model>", `one of ${modelNames.join(", ")}`)
    .description("print a commented example config listing every key and its default")
    .addHelpText("after", `
Models:
${modelNames.map((m) => `  ${m.padEnd(9)} ${modelSpec(m).about}`).join("\n")}

Examples:
  $ skillsim init resource > my.yaml && skillsim run my.yaml
  $ skillsim init geometry | less`)
    .action((model: string) => {
      if (!isModelName(model))
        throw new CliError(`unknown model "${model}"; expected one of ${modelNames.join(", ")}${suggest(model, modelNames)}`);
      process.stdout.write(modelSpec(model).template);
    });
  declareIo(cmd, { args: null });
}
