/** The quantization model's spec: what the registry (src/models/index.ts) knows of it. */
import { fmt } from "../../report/format.js";
import type { ModelSpec } from "../spec.js";
import { runQuanta } from "./model.js";
import { quantaSchema, type QuantaConfig } from "./schema.js";
import { example, template } from "./template.js";

export const quanta: ModelSpec<QuantaConfig> = {
  name: "quanta",
  about: "the quantization model of neural scaling: Zipf-distributed quanta learned by parameters and data; closed form",
  schema: quantaSchema,
  template,
  example,
  resolve: (parsed) => parsed as QuantaConfig,
  check(c) {
    if (c.skills.count > c.quanta)
      return { path: ["skills", "count"], message: `${c.skills.count} tracked quanta but there are only quanta = ${c.quanta}; use count <= quanta` };
    if (!(c.unlearned_loss > c.learned_loss))
      return { path: ["unlearned_loss"], message: `must exceed learned_loss (${c.learned_loss}): learning a quantum lowers its loss` };
    return null;
  },
  time: () => "steps",
  startLevel: () => 0,
  memoryBytes: (c) => 16 * c.quanta, // frequencies and their tails
  memoryKey: ["quanta"],
  header: (c) => [`${fmt(c.quanta)} quanta, C ${fmt(c.params_per_quantum)}, tau ${fmt(c.tau)}, batch ${c.batch}`, `N ${c.params}`],
  run: (c) => runQuanta(c),
  runner: { module: "models/quanta/model.js", fn: "runQuanta" },
  frequencies: "distribution",
  // A quantum costs a once learned (level 1), b before (level 0): l_k = b + (a - b) s_k.
  skillLoss: (c) => ({ formula: `l_k = ${fmt(c.unlearned_loss)} if unlearned, ${fmt(c.learned_loss)} once learned`, of: (s) => c.unlearned_loss + (c.learned_loss - c.unlearned_loss) * s }),
};
