/** A config's identity: the first 16 hex digits of the SHA-256 of its canonical JSON (keys sorted
 * at every level), which sweeps check on --resume and merge, and every result's provenance carries. */
import { createHash } from "node:crypto";
import { canonicalJson } from "../results/canonical.js";
import type { Config } from "./schema.js";

export function configHash(cfg: Config): string {
  return createHash("sha256").update(canonicalJson(cfg)).digest("hex").slice(0, 16);
}
