/**
 * The Resource model's right-hand side, shared by the map and the ODE (the equations are at the
 * top of ./model.ts): competitiveness c_i = g_i p_i u_i, resource share r_i = (C c)_i / (sum_j c_j
 * + N0), the dependency gates, the correlation matrix, the frequency switches, levels and loss.
 */
import type { ResourceConfig } from "../../config/schema.js";
import { Rng } from "../../engine/rng.js";
import { skillVectors } from "../geometry/vectors.js";
import { effectiveRate, skillFrequencies } from "../skills.js";

/** The right-hand side shared by the map and the ODE: writes delta = eta_eff * r (or its ce form). */
export class ResourceDynamics {
  readonly n: number;
  /** Frequencies in use (the base ones, with any active switch applied). */
  readonly p: Float64Array;
  /** Frequencies as configured. */
  readonly pBase: Float64Array;
  readonly rate: number;
  readonly clip: boolean;
  /** Switches (0-based skill); `active[k]` whether switch k is in force. */
  readonly switches: { skill: number; at: number; frequency: number }[];
  /** Per skill: the switch that applies (-1: none), scratch for applySwitches. */
  private readonly winning: Int32Array;
  readonly active: Uint8Array;
  private readonly c: Float64Array;
  private readonly gate: Float64Array;
  private readonly C: Float64Array | null; // row-major n x n, null for identity
  private readonly parents: { skill: number; requires: number[]; or: boolean; a: number }[];

  constructor(readonly cfg: ResourceConfig) {
    const n = (this.n = cfg.skills.count);
    this.pBase = skillFrequencies(cfg.skills.frequencies, n);
    this.p = Float64Array.from(this.pBase);
    this.rate = effectiveRate(cfg);
    this.clip = cfg.clip ?? true;
    this.switches = (cfg.skills.switches ?? []).map((w) => ({ skill: w.skill - 1, at: w.at_level, frequency: w.frequency }));
    this.active = new Uint8Array(this.switches.length);
    this.winning = new Int32Array(cfg.skills.count);
    this.c = new Float64Array(n);
    this.gate = new Float64Array(n).fill(1);
    this.C = correlationMatrix(cfg);
    this.parents = cfg.skills.dependencies.map((d) => ({
      skill: d.skill - 1,
      requires: d.requires.map((r) => r - 1),
      or: d.gate === "or",
      a: d.sharpness,
    }));
  }

  /** u_i, the unlearned fraction, from the state (u itself for mse, 1 - sigmoid(z) for ce). */
  unlearned(y: Float64Array, i: number): number {
    if (this.cfg.loss !== "mse") return 1 / (1 + Math.exp(y[i]));
    return this.clip ? Math.max(0, y[i]) : y[i];
  }

  /** Skill i's level from the state. */
  level(y: Float64Array, i: number): number {
    return this.cfg.loss === "mse" ? 1 - this.unlearned(y, i) : 1 / (1 + Math.exp(-y[i]));
  }

  /** Set each switch from the state (level >= at_level) and the frequencies in use from them.
   * Returns whether any switch changed. */
  updateSwitches(y: Float64Array): boolean {
    let changed = false;
    for (let k = 0; k < this.switches.length; k++) {
      const on = this.level(y, this.switches[k].skill) >= this.switches[k].at ? 1 : 0;
      if (on !== this.active[k]) {
        this.active[k] = on;
        changed = true;
      }
    }
    if (changed) this.applySwitches();
    return changed;
  }

  /** p from the base frequencies and the active switches: of a skill's active switches, the one
   * with the highest at_level applies (list order does not matter; equal levels are refused). */
  applySwitches(): void {
    this.p.set(this.pBase);
    this.winning.fill(-1);
    for (let k = 0; k < this.switches.length; k++) {
      if (!this.active[k]) continue;
      const i = this.switches[k].skill, w = this.winning[i];
      if (w < 0 || this.switches[k].at > this.switches[w].at) this.winning[i] = k;
    }
    for (let i = 0; i < this.n; i++) if (this.winning[i] >= 0) this.p[i] = this.switches[this.winning[i]].frequency;
  }

  /** out_i = eta_eff * r_i: the amount u_i falls (mse) or z_i rises (ce) per unit time. */
  drive(y: Float64Array, out: Float64Array): void {
    const n = this.n, c = this.c, p = this.p, g = this.gate;
    for (const d of this.parents) {
      let v = d.or ? 0 : 1;
      for (const j of d.requires) {
        const open = 1 - Math.pow(this.unlearned(y, j), d.a);
        v = d.or ? Math.max(v, open) : v * open;
      }
      g[d.skill] = v;
    }
    let Z = 0;
    for (let i = 0; i < n; i++) {
      c[i] = g[i] * p[i] * this.unlearned(y, i);
      Z += c[i];
    }
    const denom = Z + this.cfg.N0;
    // eta_eff * ((C c)_i / denom), in the authors' order of operations (their notebooks compute
    // fg / (sum + N0), then multiply by lr): with gates (u^a jumps to 0 when u underflows to 0)
    // a one-ulp difference can move a crossing by many steps, so the order is kept the same.
    // denom < 0 only with clip: false (u < 0); denom = 0 gives a zero share, not 0/0.
    const rate = this.rate;
    const C = this.C;
    if (denom === 0) out.fill(0);
    else if (C === null) {
      for (let i = 0; i < n; i++) out[i] = rate * (c[i] / denom);
    } else {
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += C[i * n + j] * c[j];
        out[i] = rate * (s / denom);
      }
    }
  }

  initialState(): Float64Array {
    return new Float64Array(this.n).fill(this.cfg.loss === "mse" ? 1 : 0);
  }

  /** Skill levels s_i from the state. */
  levels(y: Float64Array, s: Float64Array): void {
    for (let i = 0; i < this.n; i++) s[i] = this.level(y, i);
  }

  /** L = sum_i p_i u_i^2 (mse) with the frequencies in use. */
  loss(y: Float64Array): number {
    let L = 0;
    if (this.cfg.loss === "mse") for (let i = 0; i < this.n; i++) L += this.p[i] * this.unlearned(y, i) ** 2;
    else for (let i = 0; i < this.n; i++) L += this.p[i] * softplus(-y[i]);
    return L;
  }

  s0(): number {
    return this.cfg.loss === "mse" ? 0 : 0.5;
  }
}

/** The correlation matrix C (row-major n x n), or null for the identity. */
function correlationMatrix(cfg: ResourceConfig): Float64Array | null {
  const C = cfg.skills.correlation;
  if (C === "identity") return null;
  if (Array.isArray(C)) return Float64Array.from(C.flat());
  // C = T T^T from the Geometry model's own skill vectors
  const n = cfg.skills.count, N = C.params;
  const T = skillVectors(C.vectors, n, N, new Rng(C.seed));
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let d = 0;
      for (let k = 0; k < N; k++) d += T[i * N + k] * T[j * N + k];
      out[i * n + j] = out[j * n + i] = d;
    }
  return out;
}

/** log(1 + e^x), without overflow. */
function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

export function divergenceCause(cfg: ResourceConfig): string {
  return Array.isArray(cfg.skills.correlation)
    ? "a correlation matrix with large or negative entries can drive levels without bound; check skills.correlation"
    : `rate too large (eta_eff = ${effectiveRate(cfg)})`;
}
