/**
 * A multilayer perceptron as forward/backward pairs over one flat parameter vector (llm.c
 * style): every buffer is allocated once, for the largest pass the run makes; a step
 * allocates nothing. All products go through src/engine/dense.ts.
 *
 *   input (M x w_0)  [modular-addition: the rows of the embedding E (vocab x d) of the two
 *                     tokens, concatenated: x = [E[a], E[b]], w_0 = 2d]
 *   layer l = 1..L:  Z_l = H_{l-1} W_l^T + b_l,  H_l = act(Z_l) (act = relu | silu; none on
 *                     the output layer L), W_l is w_l x w_{l-1}
 *   modules k > 1:   every layer is block-diagonal: k blocks, block g maps columns
 *                     [g w_{l-1}/k, (g+1) w_{l-1}/k) to [g w_l/k, (g+1) w_l/k), so the network
 *                     is k independent sub-networks side by side (one per task when the task
 *                     widths line up, as in the paper's modularity experiment).
 *
 * Parameter layout (theta and its gradient): [E (vocab x d, row-major)] then per layer, per
 * block g: W_g (w_l/k x w_{l-1}/k, row-major as torch's nn.Linear.weight), b_g (w_l/k).
 * Initialisation, in that order from the run's generator: E ~ N(0, 1) (nn.Embedding's
 * default); W_g and b_g ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with fan_in = w_{l-1}/k
 * (nn.Linear's default: kaiming_uniform with a = sqrt(5) gives exactly this bound).
 */
import { ACT_NONE, ACT_RELU, ACT_SILU, type Activation, actBackward, denseBackward, denseForward, denseScratchSize } from "../../engine/dense.js";
import type { Rng } from "../../engine/rng.js";

export interface LayerPlan {
  inW: number;
  outW: number;
  /** Modules (blocks); block widths inW / groups -> outW / groups. */
  groups: number;
  act: Activation;
  /** Offset of block 0's weights; block g's weights at wOff + g * (blockW + blockB). */
  wOff: number;
}

export interface MlpSpec {
  /** w_0 (after the embedding), hidden widths..., w_L. */
  widths: number[];
  activation: "relu" | "silu";
  modules: number;
  /** Token embedding (vocab x dim); w_0 must be 2 dim. */
  embedding: { vocab: number; dim: number } | null;
  /** Most rows any pass (forward or backward) will see. */
  maxRows: number;
}

export class Mlp {
  readonly layers: LayerPlan[] = [];
  readonly nParams: number;
  readonly nIn: number;
  readonly nOut: number;
  readonly embedding: { vocab: number; dim: number } | null;
  /** Pre-activations Z_l and activations H_l (H_L is Z_L: the output), maxRows x w_l. */
  readonly Z: Float64Array[] = [];
  readonly H: Float64Array[] = [];
  /** dL/dZ_l (and dL/dH_l before the activation's backward, in the same buffer). */
  readonly dZ: Float64Array[] = [];
  /** Input rows gathered for a pass (embeddings, or a mini-batch), maxRows x w_0. */
  readonly X0: Float64Array;
  /** dL/d(input) for the embedding's backward, maxRows x w_0 (empty without an embedding). */
  private readonly dX0: Float64Array;
  private readonly scratch: Float64Array;

  constructor(spec: MlpSpec) {
    const w = spec.widths, k = spec.modules, M = spec.maxRows;
    this.nIn = w[0];
    this.nOut = w[w.length - 1];
    this.embedding = spec.embedding;
    let off = spec.embedding ? spec.embedding.vocab * spec.embedding.dim : 0;
    let scratch = 0;
    const act = spec.activation === "relu" ? ACT_RELU : ACT_SILU;
    for (let l = 1; l < w.length; l++) {
      const inW = w[l - 1], outW = w[l];
      if (inW % k !== 0 || outW % k !== 0) throw new Error(`network: ${k} modules do not divide layer widths ${inW} -> ${outW}`);
      this.layers.push({ inW, outW, groups: k, act: l === w.length - 1 ? ACT_NONE : act, wOff: off });
      off += (inW * outW) / k + outW;
      scratch = Math.max(scratch, denseScratchSize(M, outW / k, inW / k));
      const z = new Float64Array(M * outW);
      this.Z.push(z);
      this.H.push(l === w.length - 1 ? z : new Float64Array(M * outW));
      this.dZ.push(new Float64Array(M * outW));
    }
    this.nParams = off;
    this.X0 = new Float64Array(M * w[0]);
    this.dX0 = new Float64Array(spec.embedding ? M * w[0] : 0);
    this.scratch = new Float64Array(scratch);
  }

  /** The output (logits) of the last forward pass, rows x nOut. */
  get out(): Float64Array {
    return this.Z[this.Z.length - 1];
  }

  /** PyTorch's default initialisation, from rng in parameter order. */
  init(theta: Float64Array, rng: Rng): void {
    let off = 0;
    if (this.embedding) {
      const n = this.embedding.vocab * this.embedding.dim;
      for (let j = 0; j < n; j++) theta[j] = rng.normal();
      off = n;
    }
    for (const L of this.layers) {
      const bi = L.inW / L.groups, bo = L.outW / L.groups;
      const bound = 1 / Math.sqrt(bi);
      for (let g = 0; g < L.groups; g++) {
        for (let j = 0; j < bo * bi + bo; j++) theta[off++] = bound * (2 * rng.nextDouble() - 1);
      }
    }
  }

  /** X0[r] = [E[tokens[2 row]], E[tokens[2 row + 1]]] for the M rows listed (or rows start.. when rows is null). */
  embedForward(theta: Float64Array, tokens: Int32Array, rows: Int32Array | null, start: number, M: number): void {
    const d = this.embedding!.dim, X0 = this.X0;
    for (let r = 0; r < M; r++) {
      const row = rows ? rows[r] : start + r;
      const a = tokens[2 * row] * d, b = tokens[2 * row + 1] * d, o = r * 2 * d;
      for (let j = 0; j < d; j++) {
        X0[o + j] = theta[a + j];
        X0[o + d + j] = theta[b + j];
      }
    }
  }

  /** Forward pass over M rows of input X (leading dimension nIn, from xOff). Output in `out`. */
  forward(theta: Float64Array, X: Float64Array, xOff: number, M: number): void {
    let inp = X, inOff = xOff;
    for (let l = 0; l < this.layers.length; l++) {
      const L = this.layers[l];
      const bi = L.inW / L.groups, bo = L.outW / L.groups, stride = bo * bi + bo;
      for (let g = 0; g < L.groups; g++) {
        const w = L.wOff + g * stride;
        denseForward(M, bo, bi, inp, inOff + g * bi, L.inW, theta, w, theta, w + bo * bi, this.Z[l], this.H[l], g * bo, L.outW, L.act);
      }
      inp = this.H[l];
      inOff = 0;
    }
  }

  /**
   * Backward pass after forward(theta, X, xOff, M), with dL/d(out) already in dZ[L-1]
   * (see `dOut`). Writes every weight and bias gradient into grad; with an embedding also
   * the embedding's gradient (scatter-added over the rows in order, tokens a then b).
   */
  backward(theta: Float64Array, grad: Float64Array, X: Float64Array, xOff: number, M: number, tokens: Int32Array | null, rows: Int32Array | null, start: number): void {
    const nl = this.layers.length;
    for (let l = nl - 1; l >= 0; l--) {
      const L = this.layers[l];
      const bi = L.inW / L.groups, bo = L.outW / L.groups, stride = bo * bi + bo;
      const dZ = this.dZ[l];
      if (l < nl - 1) actBackward(M, L.outW, this.Z[l], dZ, dZ, 0, L.outW, L.act);
      const inp = l === 0 ? X : this.H[l - 1];
      const inOff = l === 0 ? xOff : 0;
      const dX = l > 0 ? this.dZ[l - 1] : this.embedding ? this.dX0 : null;
      for (let g = 0; g < L.groups; g++) {
        const w = L.wOff + g * stride;
        denseBackward(M, bo, bi, dZ, g * bo, L.outW, inp, inOff + g * bi, L.inW, theta, w, grad, w, grad, w + bo * bi, dX, g * bi, L.inW, false, this.scratch);
      }
    }
    if (this.embedding && tokens) {
      const d = this.embedding.dim, dX0 = this.dX0;
      grad.fill(0, 0, this.embedding.vocab * d);
      for (let r = 0; r < M; r++) {
        const row = rows ? rows[r] : start + r;
        const a = tokens[2 * row] * d, b = tokens[2 * row + 1] * d, o = r * 2 * d;
        for (let j = 0; j < d; j++) grad[a + j] += dX0[o + j];
        for (let j = 0; j < d; j++) grad[b + j] += dX0[o + d + j];
      }
    }
  }

  /** The buffer to write dL/d(out) into before backward (rows x nOut). */
  get dOut(): Float64Array {
    return this.dZ[this.dZ.length - 1];
  }
}
