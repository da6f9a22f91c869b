/** One entry point for every model: validated config in, plain ModelOutput out. */
import type { Config } from "../config/schema.js";
import { runDomino } from "./domino/model.js";
import { runGeometry } from "./geometry/model.js";
import { runNetwork } from "./network/model.js";
import { runResource } from "./resource/model.js";
import type { ModelOutput, RunHooks } from "./types.js";

export function runModel(cfg: Config, hooks: RunHooks = {}): ModelOutput {
  switch (cfg.model) {
    case "resource":
      return runResource(cfg, hooks);
    case "domino":
      return runDomino(cfg);
    case "geometry":
      return runGeometry(cfg, hooks);
    case "network":
      return runNetwork(cfg, hooks);
  }
}
