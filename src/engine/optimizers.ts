/**
 * First-order optimizers, their published update rules (eta = learning rate, g = gradient,
 * t = 1, 2, ... the number of the update being applied; all operations elementwise):
 *
 *   sgd       theta -= eta g
 *   momentum  v = beta v + g;  theta -= eta v                       (PyTorch, dampening 0)
 *   signgd    theta -= eta g / (|g| + eps)                          (= Adam with betas (0, 0))
 *   adam      m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;
 *             theta -= eta (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
 *                                                   (Kingma & Ba 2015; eps after the sqrt of
 *                                                    the corrected v, as PyTorch)
 *   rmsprop   v = alpha v + (1 - alpha) g^2;  theta -= eta g / (sqrt(v) + eps)
 *                                                   (PyTorch form, not centred, no momentum)
 *   lion      c = b1 m + (1 - b1) g;  theta -= eta sign(c);  m = b2 m + (1 - b2) g
 *                                                   (Chen et al. 2023, no weight decay)
 *   ademamix  m1 = b1 m1 + (1 - b1) g;  m2 = b3 m2 + (1 - b3) g;  v = b2 v + (1 - b2) g^2;
 *             theta -= eta (m1 / (1 - b1^t) + alpha m2) / (sqrt(v) / sqrt(1 - b2^t) + eps)
 *                                                   (Pagliardini, Ablin & Grangier 2024, Alg. 1,
 *                                                    as their reference code apple/ml-ademamix,
 *                                                    no weight decay; m2 is not bias-corrected)
 *             optional warm-ups (off by default), for t < T:
 *               alpha(t) = (t / T_alpha) alpha
 *               beta3(t) = 0.5^(1 / (h(t) + 1)),  h(t) = (1 - t/T_b3) f(b1) + (t/T_b3) f(b3),
 *               f(b) = ln 0.5 / ln(b + 1e-8) - 1   (linear in the EMA's half-life, from b1)
 *   power p   (adam and rmsprop, `power: p`; Guo & Schoelkopf 2025's preconditioner family)
 *             the sqrt above becomes v^p: theta -= eta m_hat / (v_hat^p + eps).  p = 0.5 is the
 *             published rule bit for bit (Math.sqrt); p = 0 is momentum sgd with bias
 *             correction, theta -= eta m_hat / (1 + eps); p = 1 divides by the second moment.
 *   natural   theta -= eta (F + damping I)^-1 g, with the model's own Fisher F (Geometry only;
 *             the preconditioning is src/engine/natural.ts, the step here is sgd's)
 *   adamw     theta -= eta wd theta;  then adam's update with the same m, v, bias corrections
 *                                                   (Loshchilov & Hutter 2019, decoupled weight
 *                                                    decay, exactly torch.optim.AdamW's algorithm:
 *                                                    theta_t = theta_{t-1} - gamma lambda theta_{t-1}
 *                                                    before the moment update; default wd 0.01)
 *
 * State lives in Float64Arrays allocated once; `step` allocates nothing and returns the
 * squared length |theta_t - theta_{t-1}|^2 of the update it applied, which callers use for
 * diagnostics and as an O(1) divergence check (it is NaN/Infinity once anything blew up).
 * Pure code, no I/O.
 */
import { optimizerDefaults, type OptimizerConfig, type OptimizerName } from "./optimizer-settings.js";

export interface Optimizer {
  readonly name: OptimizerName;
  /** Apply update number t (1-based) in place; returns |delta theta|^2. */
  step(theta: Float64Array, g: Float64Array, t: number): number;
  /** Zero the state (as freshly constructed). */
  reset(): void;
}

function hyper(cfg: OptimizerConfig, key: "beta" | "beta1" | "beta2" | "beta3" | "alpha" | "eps" | "weight_decay" | "damping"): number {
  const v = cfg[key] ?? optimizerDefaults[cfg.name][key];
  if (v === undefined) throw new Error(`optimizer ${cfg.name}: missing hyper-parameter ${key}`);
  return v;
}

class Sgd implements Optimizer {
  constructor(private readonly lr: number, readonly name: "sgd" | "natural" = "sgd") {}
  step(theta: Float64Array, g: Float64Array): number {
    const lr = this.lr;
    let sq = 0;
    for (let j = 0; j < theta.length; j++) {
      const d = -lr * g[j];
      theta[j] += d;
      sq += d * d;
    }
    return sq;
  }
  reset(): void {}
}

class Momentum implements Optimizer {
  readonly name = "momentum" as const;
  private readonly v: Float64Array;
  constructor(private readonly lr: number, private readonly beta: number, dim: number) {
    this.v = new Float64Array(dim);
  }
  step(theta: Float64Array, g: Float64Array): number {
    const lr = this.lr, beta = this.beta, v = this.v;
    let sq = 0;
    for (let j = 0; j < theta.length; j++) {
      const vj = beta * v[j] + g[j];
      v[j] = vj;
      const d = -lr * vj;
      theta[j] += d;
      sq += d * d;
    }
    return sq;
  }
  reset(): void {
    this.v.fill(0);
  }
}

class SignGd implements Optimizer {
  readonly name = "signgd" as const;
  constructor(private readonly lr: number, private readonly eps: number) {}
  step(theta: Float64Array, g: Float64Array): number {
    const lr = this.lr, eps = this.eps;
    let sq = 0;
    for (let j = 0; j < theta.length; j++) {
      const gj = g[j];
      const d = (-lr * gj) / (Math.abs(gj) + eps);
      theta[j] += d;
      sq += d * d;
    }
    return sq;
  }
  reset(): void {}
}

class Adam implements Optimizer {
  readonly name = "adam" as const;
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  constructor(
    private readonly lr: number,
    private readonly beta1: number,
    private readonly beta2: number,
    private readonly eps: number,
    dim: number,
    private readonly power = 0.5,
  ) {
    this.m = new Float64Array(dim);
    this.v = new Float64Array(dim);
  }
  step(theta: Float64Array, g: Float64Array, t: number): number {
    const b1 = this.beta1, b2 = this.beta2, eps = this.eps, lr = this.lr;
    const pw = this.power, half = pw === 0.5;
    const m = this.m, v = this.v;
    const bc1 = 1 - Math.pow(b1, t);
    const bc2 = 1 - Math.pow(b2, t);
    const a1 = 1 - b1, a2 = 1 - b2;
    let sq = 0;
    // One fused pass: moments, bias correction and the update.
    for (let j = 0; j < theta.length; j++) {
      const gj = g[j];
      const mj = b1 * m[j] + a1 * gj;
      const vj = b2 * v[j] + a2 * gj * gj;
      m[j] = mj;
      v[j] = vj;
      // power 0.5 is Adam exactly (Math.sqrt, bit for bit); otherwise v_hat^power
      const den = half ? Math.sqrt(vj / bc2) : Math.pow(vj / bc2, pw);
      const d = (-lr * (mj / bc1)) / (den + eps);
      theta[j] += d;
      sq += d * d;
    }
    return sq;
  }
  reset(): void {
    this.m.fill(0);
    this.v.fill(0);
  }
}

class AdamW implements Optimizer {
  readonly name = "adamw" as const;
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  constructor(
    private readonly lr: number,
    private readonly beta1: number,
    private readonly beta2: number,
    private readonly eps: number,
    private readonly wd: number,
    dim: number,
  ) {
    this.m = new Float64Array(dim);
    this.v = new Float64Array(dim);
  }
  step(theta: Float64Array, g: Float64Array, t: number): number {
    const b1 = this.beta1, b2 = this.beta2, eps = this.eps, lr = this.lr;
    const decay = 1 - lr * this.wd; // theta <- theta - lr wd theta (torch: param.mul_(1 - lr * wd))
    const m = this.m, v = this.v;
    const bc1 = 1 - Math.pow(b1, t);
    const bc2 = 1 - Math.pow(b2, t);
    const a1 = 1 - b1, a2 = 1 - b2;
    let sq = 0;
    for (let j = 0; j < theta.length; j++) {
      const gj = g[j];
      const mj = b1 * m[j] + a1 * gj;
      const vj = b2 * v[j] + a2 * gj * gj;
      m[j] = mj;
      v[j] = vj;
      const old = theta[j];
      const next = old * decay + (-lr * (mj / bc1)) / (Math.sqrt(vj / bc2) + eps);
      theta[j] = next;
      const d = next - old;
      sq += d * d;
    }
    return sq;
  }
  reset(): void {
    this.m.fill(0);
    this.v.fill(0);
  }
}

class RmsProp implements Optimizer {
  readonly name = "rmsprop" as const;
  private readonly v: Float64Array;
  constructor(private readonly lr: number, private readonly alpha: number, private readonly eps: number, dim: number, private readonly power = 0.5) {
    this.v = new Float64Array(dim);
  }
  step(theta: Float64Array, g: Float64Array): number {
    const lr = this.lr, alpha = this.alpha, a = 1 - alpha, eps = this.eps, v = this.v;
    const pw = this.power, half = pw === 0.5;
    let sq = 0;
    for (let j = 0; j < theta.length; j++) {
      const gj = g[j];
      const vj = alpha * v[j] + a * gj * gj;
      v[j] = vj;
      const d = (-lr * gj) / ((half ? Math.sqrt(vj) : Math.pow(vj, pw)) + eps);
      theta[j] += d;
      sq += d * d;
    }
    return sq;
  }
  reset(): void {
    this.v.fill(0);
  }
}

class Lion implements Optimizer {
  readonly name = "lion" as const;
  private readonly m: Float64Array;
  constructor(private readonly lr: number, private readonly beta1: number, private readonly beta2: number, dim: number) {
    this.m = new Float64Array(dim);
  }
  step(theta: Float64Array, g: Float64Array): number {
    const lr = this.lr, b1 = this.beta1, b2 = this.beta2, a1 = 1 - b1, a2 = 1 - b2, m = this.m;
    let sq = 0;
    for (let j = 0; j < theta.length; j++) {
      const gj = g[j], mj = m[j];
      const c = b1 * mj + a1 * gj;
      // sign(c) with sign(0) = 0 (torch.sign); NaN propagates so divergence is seen.
      const d = c > 0 ? -lr : c < 0 ? lr : c === 0 ? 0 : NaN;
      theta[j] += d;
      sq += d * d;
      m[j] = b2 * mj + a2 * gj;
    }
    return sq;
  }
  reset(): void {
    this.m.fill(0);
  }
}

/** AdEMAMix's alpha warm-up: linear from 0 to alpha over T steps (t = 1, 2, ...). */
export function ademamixAlpha(t: number, alpha: number, T: number | undefined): number {
  return T !== undefined && t < T ? (t / T) * alpha : alpha;
}

/** AdEMAMix's beta3 warm-up: the half-life of the slow EMA grows linearly from beta1's to beta3's. */
export function ademamixBeta3(t: number, beta1: number, beta3: number, T: number | undefined): number {
  if (T === undefined || t >= T) return beta3;
  const f = (b: number) => Math.log(0.5) / Math.log(b + 1e-8) - 1;
  const a = t / T;
  return Math.pow(0.5, 1 / ((1 - a) * f(beta1) + a * f(beta3) + 1));
}

class AdEMAMix implements Optimizer {
  readonly name = "ademamix" as const;
  private readonly m1: Float64Array;
  private readonly m2: Float64Array;
  private readonly v: Float64Array;
  constructor(
    private readonly lr: number,
    private readonly beta1: number,
    private readonly beta2: number,
    private readonly beta3: number,
    private readonly alpha: number,
    private readonly eps: number,
    private readonly alphaWarmup: number | undefined,
    private readonly beta3Warmup: number | undefined,
    dim: number,
  ) {
    this.m1 = new Float64Array(dim);
    this.m2 = new Float64Array(dim);
    this.v = new Float64Array(dim);
  }
  step(theta: Float64Array, g: Float64Array, t: number): number {
    const b1 = this.beta1, b2 = this.beta2, eps = this.eps, lr = this.lr;
    const alpha = ademamixAlpha(t, this.alpha, this.alphaWarmup);
    const b3 = ademamixBeta3(t, b1, this.beta3, this.beta3Warmup);
    const m1 = this.m1, m2 = this.m2, v = this.v;
    const bc1 = 1 - Math.pow(b1, t);
    const sbc2 = Math.sqrt(1 - Math.pow(b2, t));
    const a1 = 1 - b1, a2 = 1 - b2, a3 = 1 - b3;
    let sq = 0;
    for (let j = 0; j < theta.length; j++) {
      const gj = g[j];
      const f = b1 * m1[j] + a1 * gj;
      const sl = b3 * m2[j] + a3 * gj;
      const vj = b2 * v[j] + a2 * gj * gj;
      m1[j] = f;
      m2[j] = sl;
      v[j] = vj;
      const d = (-lr * (f / bc1 + alpha * sl)) / (Math.sqrt(vj) / sbc2 + eps);
      theta[j] += d;
      sq += d * d;
    }
    return sq;
  }
  reset(): void {
    this.m1.fill(0);
    this.m2.fill(0);
    this.v.fill(0);
  }
}

/** An optimizer for a dim-dimensional parameter vector; missing hyper-parameters get the defaults. */
export function createOptimizer(cfg: OptimizerConfig, lr: number, dim: number): Optimizer {
  if (!(lr > 0) || !Number.isFinite(lr)) throw new Error(`optimizer ${cfg.name}: learning rate must be positive, got ${lr}`);
  switch (cfg.name) {
    case "sgd":
      return new Sgd(lr);
    case "momentum":
      return new Momentum(lr, hyper(cfg, "beta"), dim);
    case "signgd":
      return new SignGd(lr, hyper(cfg, "eps"));
    case "adam":
      return new Adam(lr, hyper(cfg, "beta1"), hyper(cfg, "beta2"), hyper(cfg, "eps"), dim, cfg.power ?? 0.5);
    case "rmsprop":
      return new RmsProp(lr, hyper(cfg, "alpha"), hyper(cfg, "eps"), dim, cfg.power ?? 0.5);
    case "natural":
      // the model preconditions g with (F + damping I)^-1 (src/engine/natural.ts); the step is sgd's
      return new Sgd(lr, "natural");
    case "lion":
      return new Lion(lr, hyper(cfg, "beta1"), hyper(cfg, "beta2"), dim);
    case "ademamix":
      return new AdEMAMix(lr, hyper(cfg, "beta1"), hyper(cfg, "beta2"), hyper(cfg, "beta3"), hyper(cfg, "alpha"), hyper(cfg, "eps"), cfg.alpha_warmup, cfg.beta3_warmup, dim);
    case "adamw":
      return new AdamW(lr, hyper(cfg, "beta1"), hyper(cfg, "beta2"), hyper(cfg, "eps"), hyper(cfg, "weight_decay"), dim);
    default: {
      const never: never = cfg.name;
      throw new Error(`unknown optimizer ${String(never)}`);
    }
  }
}
