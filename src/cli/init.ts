/** `skillsim init MODEL`: print a commented example config. */
import type { Command } from "commander";
import { modelNames } from "../config/constants.js";
import type { ModelName } from "../config/schema.js";
import { suggest } from "../config/errors.js";
import { TEMPLATES } from "../config/templates.js";
import { CliError, declareIo } from "./io.js";

export function registerInit(program: Command): void {
  const cmd = program
    .command("init")
    .argument("<model>", `one of ${modelNames.join(", ")}`)
    .description("print a commented example config listing every key and its default")
    .addHelpText("after", `
Examples:
  $ skillsim init resource > my.yaml && skillsim run my.yaml
  $ skillsim init geometry | less`)
    .action((model: string) => {
      if (!(modelNames as readonly string[]).includes(model))
        throw new CliError(`unknown model "${model}"; expected one of ${modelNames.join(", ")}${suggest(model, modelNames)}`);
      process.stdout.write(TEMPLATES[model as ModelName]);
    });
  declareIo(cmd, { args: null });
}
