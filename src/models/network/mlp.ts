/**
 * A multilayer perceptron as forward/backward pairs over one flat parameter vector (llm.c
 * style): every buffer is allocated once, for the largest pass the run makes; a step
 * allocates nothing. All products go through src/engine/dense.ts.
 *
 *   input (M x w_0)  [modular-addition: the rows of the embedding E (vocab x d) of the two
 *                     tokens, concatenated: x = [E[a], E[b]], w_0 = 2d; see below]
 *   layer l = 1..L:  Z_l = H_{l-1} W_l^T + b_l,  H_l = act(Z_l) (act = relu | silu; none on
 *                     the output layer L), W_l is w_l x w_{l-1}
 *   modules k > 1:   every layer is block-diagonal: k blocks, block g maps columns
 *                     [g w_{l-1}/k, (g+1) w_{l-1}/k) to [g w_l/k, (g+1) w_l/k), so the network
 *                     is k independent sub-networks side by side (one per task when the task
 *                     widths line up, as in the paper's modularity experiment).
 *
 * The embedding layer is computed factorised, exactly the same function: with W_1 = [W_a W_b]
 * (the columns acting on E[a] and on E[b]),
 *   Z_1[i] = x_i W_1^T + b_1 = (Q_a[a_i] + Q_b[b_i]) + b_1,   Q_a = E W_a^T, Q_b = E W_b^T
 * (vocab x w_1 each: vocab rows instead of M), and backwards, with S_a[v] = sum over rows i
 * with a_i = v of dZ_1[i] (in row order; S_b likewise),
 *   dW_a = S_a^T E,  dW_b = S_b^T E,  db_1 = sum_v S_a[v],  dE = S_a W_a + S_b W_b.
 * Only the order of floating-point additions differs from the product on the concatenated
 * rows (the 2d terms are summed as two halves); it costs O(vocab d w_1) instead of O(M d w_1).
 * Modules need numeric inputs (an embedding layer is one block).
 *
 * Parameter layout (theta and its gradient): [E (vocab x d, row-major)] then per layer, per
 * block g: W_g (w_l/k x w_{l-1}/k, row-major as torch's nn.Linear.weight), b_g (w_l/k).
 * Initialisation, in that order from the run's generator: E ~ N(0, 1) (nn.Embedding's
 * default); W_g and b_g ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with fan_in = w_{l-1}/k
 * (nn.Linear's default: kaiming_uniform with a = sqrt(5) gives exactly this bound).
 */
import { ACT_NONE, ACT_RELU, ACT_SILU, type Activation, actBackward, arenaDoubles, biasActivation, DenseArena, denseBackward, denseForward, denseScratchSize, gatherPairs, matmulWT, scatterPairs, type ParityIndex, parityScratchSize, parityStep, selBackward, selForward } from "../../engine/dense.js";
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
  /**
   * Every numeric input is exactly 0 or 1 (the parity tasks; see isBinary in dense.ts): the
   * first layer then runs as sums of selected weight rows (selForward, selBackward), the same
   * bits as the products, half the work. Only with relu (silu's first layer keeps the products).
   */
  binaryInput?: boolean;
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
  /** silu: sigmoid(Z_l) of the hidden layers, kept for the backward pass (else empty). */
  private readonly Sg: Float64Array[] = [];
  /** Input rows gathered for a pass (a mini-batch of numeric inputs), maxRows x w_0. */
  readonly X0: Float64Array;
  /** Embedding layer: Q_a, Q_b (forward) and S_a, S_b (backward), vocab x w_1 each. */
  private readonly Qa: Float64Array;
  private readonly Qb: Float64Array;
  private readonly Sa: Float64Array;
  private readonly Sb: Float64Array;
  private readonly scratch: Float64Array;
  /** The first layer takes the selected-row kernels (spec.binaryInput, relu, no embedding). */
  private readonly binaryInput: boolean;

  /** The network parityPass takes: one hidden relu layer on 0/1 inputs, no modules, no embedding. */
  static fusesParity(spec: MlpSpec): boolean {
    return !!spec.binaryInput && !spec.embedding && spec.activation === "relu" && spec.modules === 1 && spec.widths.length === 3;
  }

  /** Sizes of every buffer the network allocates, in allocation order (and its parameter count). */
  static plan(spec: MlpSpec): { sizes: number[]; nParams: number } {
    const w = spec.widths, k = spec.modules, M = spec.maxRows, e = spec.embedding;
    let P = e ? e.vocab * e.dim : 0;
    let scratch = 0;
    const sizes: number[] = [];
    for (let l = 1; l < w.length; l++) {
      P += (w[l - 1] * w[l]) / k + w[l];
      scratch = Math.max(scratch, denseScratchSize(M, w[l] / k, w[l - 1] / k));
      const hidden = l < w.length - 1;
      sizes.push(M * w[l], ...(hidden ? [M * w[l]] : []), M * w[l], hidden && spec.activation === "silu" ? M * w[l] : 0);
    }
    if (Mlp.fusesParity(spec)) scratch = Math.max(scratch, parityScratchSize(w[0], w[1], w[2]));
    const q = e ? e.vocab * w[1] : 0;
    if (e) scratch = Math.max(scratch, denseScratchSize(e.vocab, w[1], e.dim));
    sizes.push(e ? 0 : M * w[0], q, q, q, q, scratch);
    return { sizes, nParams: P };
  }

  /** Buffers come from `arena` (WebAssembly memory for the SIMD kernels), or a new arena. */
  constructor(spec: MlpSpec, arena?: DenseArena) {
    const w = spec.widths, k = spec.modules, M = spec.maxRows, e = spec.embedding;
    const { sizes } = Mlp.plan(spec);
    const mem = arena ?? new DenseArena(arenaDoubles(sizes));
    if (e && (k !== 1 || w[0] !== 2 * e.dim)) throw new Error("network: an embedding layer needs modules: 1 and input width 2 d");
    this.nIn = w[0];
    this.nOut = w[w.length - 1];
    this.binaryInput = !!spec.binaryInput && !e && spec.activation === "relu";
    this.embedding = e;
    let off = e ? e.vocab * e.dim : 0;
    const act = spec.activation === "relu" ? ACT_RELU : ACT_SILU;
    for (let l = 1; l < w.length; l++) {
      const inW = w[l - 1], outW = w[l];
      if (inW % k !== 0 || outW % k !== 0) throw new Error(`network: ${k} modules do not divide layer widths ${inW} -> ${outW}`);
      this.layers.push({ inW, outW, groups: k, act: l === w.length - 1 ? ACT_NONE : act, wOff: off });
      off += (inW * outW) / k + outW;
      const z = mem.alloc(M * outW);
      this.Z.push(z);
      this.H.push(l === w.length - 1 ? z : mem.alloc(M * outW));
      this.dZ.push(mem.alloc(M * outW));
      this.Sg.push(mem.alloc(l < w.length - 1 && spec.activation === "silu" ? M * outW : 0));
    }
    this.nParams = off;
    const q = e ? e.vocab * w[1] : 0;
    this.X0 = mem.alloc(e ? 0 : M * w[0]);
    this.Qa = mem.alloc(q);
    this.Qb = mem.alloc(q);
    this.Sa = mem.alloc(q);
    this.Sb = mem.alloc(q);
    this.scratch = mem.alloc(sizes[sizes.length - 1]);
  }

  /** The output (logits) of the last forward pass, rows x nOut. */
  get out(): Float64Array {
    return this.Z[this.Z.length - 1];
  }

  /** The buffer to write dL/d(out) into before backward (rows x nOut). */
  get dOut(): Float64Array {
    return this.dZ[this.dZ.length - 1];
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

  /**
   * The whole full-batch pass of a network that fusesParity, over rows 0..M-1 of X (M x nIn;
   * index: parityIndex(M, nIn, hidden width, X))
   * with sparse parity's targets Y and mse (engine/dense.ts parityStep): correct-prediction
   * counts per output into stat, the sum of p_j e_ij^2 returned, and with grad the gradient of
   * the masked mse (entry ij counts when u_ij < p_j; u null: every entry). The same bits as forward, Objective.evaluate, lossGrad and backward.
   */
  parityPass(theta: Float64Array, grad: Float64Array | null, X: Float64Array, index: ParityIndex, M: number, Y: Float64Array, p: Float64Array, u: Float64Array | null, stat: Float64Array): number {
    const L0 = this.layers[0], L1 = this.layers[1];
    return parityStep(M, L0.inW, L0.outW, L1.outW, X, index, theta, L0.wOff, L1.wOff, Y, p, u, grad, stat, this.scratch);
  }

  /** Forward pass over M rows of numeric input X (leading dimension nIn, from xOff). Output in `out`. */
  forward(theta: Float64Array, X: Float64Array, xOff: number, M: number): void {
    this.layerForward(theta, 0, X, xOff, M);
    this.forwardFrom(theta, 1, M);
  }

  /**
   * Forward pass over token pairs: row r is data row rows[r] (or start + r when rows is null).
   * reuseQ: theta has not changed since the last call, so Q_a and Q_b are still valid.
   */
  forwardTokens(theta: Float64Array, tokens: Int32Array, rows: Int32Array | null, start: number, M: number, reuseQ: boolean): void {
    const L = this.layers[0], h = L.outW, d = this.embedding!.dim, V = this.embedding!.vocab;
    const Qa = this.Qa, Qb = this.Qb, Z = this.Z[0];
    if (!reuseQ) {
      matmulWT(V, h, d, theta, 0, d, theta, L.wOff, 2 * d, Qa, 0, h, this.scratch);
      matmulWT(V, h, d, theta, 0, d, theta, L.wOff + d, 2 * d, Qb, 0, h, this.scratch);
    }
    if (!rows) gatherPairs(M, h, tokens, start, Qa, Qb, Z);
    else {
      for (let r = 0; r < M; r++) {
        const row = rows[r];
        const a = tokens[2 * row] * h, b = tokens[2 * row + 1] * h, o = r * h;
        for (let j = 0; j < h; j++) Z[o + j] = Qa[a + j] + Qb[b + j];
      }
    }
    biasActivation(M, h, theta, L.wOff + 2 * d * h, Z, this.H[0], 0, h, L.act, this.Sg[0]);
    this.forwardFrom(theta, 1, M);
  }

  private layerForward(theta: Float64Array, l: number, inp: Float64Array, inOff: number, M: number): void {
    const L = this.layers[l];
    const bi = L.inW / L.groups, bo = L.outW / L.groups, stride = bo * bi + bo;
    for (let g = 0; g < L.groups; g++) {
      const w = L.wOff + g * stride;
      if (l === 0 && this.binaryInput) {
        selForward(M, bo, bi, inp, inOff + g * bi, L.inW, theta, w, theta, w + bo * bi, this.Z[l], this.H[l], g * bo, L.outW, L.act, this.scratch);
        continue;
      }
      denseForward(M, bo, bi, inp, inOff + g * bi, L.inW, theta, w, theta, w + bo * bi, this.Z[l], this.H[l], g * bo, L.outW, L.act, this.scratch, this.Sg[l]);
    }
  }

  private forwardFrom(theta: Float64Array, l0: number, M: number): void {
    for (let l = l0; l < this.layers.length; l++) this.layerForward(theta, l, this.H[l - 1], 0, M);
  }

  /** Layers L..l0 backward (dZ of the output already in dOut); the input gradient only if l0 > 0. */
  private backwardTo(theta: Float64Array, grad: Float64Array, X: Float64Array | null, xOff: number, M: number, l0: number): void {
    const nl = this.layers.length;
    for (let l = nl - 1; l >= l0; l--) {
      const L = this.layers[l];
      const bi = L.inW / L.groups, bo = L.outW / L.groups, stride = bo * bi + bo;
      const dZ = this.dZ[l];
      if (l < nl - 1) actBackward(M, L.outW, this.Z[l], this.Sg[l], dZ, dZ, 0, L.outW, L.act);
      const inp = l === 0 ? X! : this.H[l - 1];
      const inOff = l === 0 ? xOff : 0;
      const dX = l > 0 ? this.dZ[l - 1] : null;
      for (let g = 0; g < L.groups; g++) {
        const w = L.wOff + g * stride;
        if (l === 0 && this.binaryInput) {
          selBackward(M, bo, bi, dZ, g * bo, L.outW, inp, inOff + g * bi, L.inW, grad, w, bi, grad, w + bo * bi, this.scratch);
          continue;
        }
        denseBackward(M, bo, bi, dZ, g * bo, L.outW, inp, inOff + g * bi, L.inW, theta, w, bi, grad, w, grad, w + bo * bi, dX, g * bi, L.inW, false, this.scratch);
      }
    }
  }

  /**
   * Backward pass after forward(theta, X, xOff, M), with dL/d(out) already in dOut: writes
   * every weight and bias gradient into grad.
   */
  backward(theta: Float64Array, grad: Float64Array, X: Float64Array, xOff: number, M: number): void {
    this.backwardTo(theta, grad, X, xOff, M, 0);
  }

  /** Backward pass after forwardTokens (same rows): every gradient, the embedding's included. */
  backwardTokens(theta: Float64Array, grad: Float64Array, tokens: Int32Array, rows: Int32Array | null, start: number, M: number): void {
    this.backwardTo(theta, grad, null, 0, M, 1);
    const L = this.layers[0], h = L.outW, d = this.embedding!.dim, V = this.embedding!.vocab;
    const dZ = this.dZ[0], Sa = this.Sa, Sb = this.Sb;
    actBackward(M, h, this.Z[0], this.Sg[0], dZ, dZ, 0, h, L.act);
    if (!rows) scatterPairs(M, h, V, tokens, start, dZ, Sa, Sb);
    else {
      Sa.fill(0);
      Sb.fill(0);
      for (let r = 0; r < M; r++) {
        const row = rows[r];
        const a = tokens[2 * row] * h, b = tokens[2 * row + 1] * h, o = r * h;
        for (let j = 0; j < h; j++) Sa[a + j] += dZ[o + j];
        for (let j = 0; j < h; j++) Sb[b + j] += dZ[o + j];
      }
    }
    // dW_a, db_1, dE = S_a W_a; then dW_b and dE += S_b W_b.
    denseBackward(V, h, d, Sa, 0, h, theta, 0, d, theta, L.wOff, 2 * d, grad, L.wOff, grad, L.wOff + 2 * d * h, grad, 0, d, false, this.scratch);
    denseBackward(V, h, d, Sb, 0, h, theta, 0, d, theta, L.wOff + d, 2 * d, grad, L.wOff + d, null, 0, grad, 0, d, true, this.scratch);
  }
}
