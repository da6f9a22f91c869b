/**
 * Losses, their gradients with respect to the network's outputs, and the per-task statistics
 * the skills are read from, for each task kind (o = output row, y = target; M rows a pass):
 *
 *   sparse-parity  one output per task j; entry loss e_ij = (o_ij - y_ij)^2 (mse) or
 *                  softplus(o_ij) - y_ij o_ij (ce: binary cross-entropy on the logit);
 *                  training loss L = (1 / (M T)) sum_ij mask_ij e_ij: the masked loss averaged
 *                  over ALL M T entries, mask_ij ~ Bernoulli(p_j) redrawn every step (the
 *                  authors' form). Prediction: o > 1/2 (mse) or o > 0 (ce).
 *   multitask-parity  one output; L = (1/M) sum_i e_i (same e as above, no mask).
 *   modular-addition  m outputs (logits); ce: L = (1/M) sum_i (logsumexp(o_i) - o_i[y_i]);
 *                  mse: L = (1/(M m)) sum_ij (o_ij - [j = y_i])^2. Prediction: the first argmax.
 *   squares        L = (1/(M n)) sum_ij (o_ij - y_ij)^2 (mse over all entries); task t's loss
 *                  l_t = mean over the rows of task t of (o_it - x_it^2)^2.
 *
 * Per-task statistic (what a skill's level is made of; see runNetwork): the accuracy of
 * output j (sparse-parity), the accuracy on task t's rows (multitask-parity), the accuracy
 * over the rows given (modular-addition), l_t (squares). `evaluate` also returns the
 * expected training loss, the mask averaged out: (1/(M T)) sum_ij p_j e_ij for sparse-parity,
 * L itself otherwise; this is the loss the trace records.
 */
import { expShifted } from "../../engine/dense.js";
import type { TaskData } from "./tasks.js";

/** log(1 + e^x), stable. */
function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/** 1 / (1 + e^-x), stable. */
function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** The index of row o0's largest output (the first of equal ones): the predicted class. */
function argmaxRow(out: Float64Array, o0: number, nOut: number): number {
  let best = 0, mx = out[o0];
  for (let j = 1; j < nOut; j++) {
    if (out[o0 + j] > mx) {
      mx = out[o0 + j];
      best = j;
    }
  }
  return best;
}

/**
 * One row's softmax cross-entropy, shifted by mx (its largest output), for label y: e^(o_j - mx)
 * once per output, kept in dOut until the gradient (softmax - one-hot) * inv replaces it.
 * Returns the row's loss, mx + log(sum e) - o_y.
 */
function softmaxGradRow(out: Float64Array, o0: number, nOut: number, mx: number, y: number, inv: number, dOut: Float64Array): number {
  expShifted(nOut, out, o0, mx, dOut, o0);
  let z = 0;
  for (let j = 0; j < nOut; j++) z += dOut[o0 + j];
  const iz = 1 / z;
  for (let j = 0; j < nOut; j++) dOut[o0 + j] = (dOut[o0 + j] * iz - (j === y ? 1 : 0)) * inv;
  return mx + Math.log(z) - out[o0 + y];
}

export class Objective {
  private readonly ce: boolean;
  private readonly rowCount: Int32Array;

  constructor(
    private readonly data: TaskData,
    loss: "mse" | "ce",
    /** Task shares p_j (sparse-parity masks), as configured. */
    private readonly p: Float64Array,
    /** nOut doubles of scratch (one row's exponentials), from the run's dense arena so that
     * the softmax runs on the same kernels as the layers. */
    private readonly expRow: Float64Array = new Float64Array(data.nOut),
  ) {
    this.ce = loss === "ce";
    this.rowCount = new Int32Array(data.skills);
  }

  /**
   * Training loss over the M rows of a pass (row r is data row rows[r], or start + r) and
   * its gradient dL/d(out) into dOut. mask (M x T, 1 = counts) only for sparse-parity.
   */
  lossGrad(out: Float64Array, M: number, rows: Int32Array | null, start: number, dOut: Float64Array, mask: Uint8Array | null): number {
    const d = this.data, nOut = d.nOut, ce = this.ce;
    let L = 0;
    switch (d.kind) {
      case "sparse-parity":
      case "multitask-parity":
      case "squares": {
        const Y = d.Y!;
        const scale = 1 / (M * nOut);
        for (let r = 0; r < M; r++) {
          const y0 = (rows ? rows[r] : start + r) * nOut, o0 = r * nOut;
          for (let j = 0; j < nOut; j++) {
            if (mask && mask[o0 + j] === 0) {
              dOut[o0 + j] = 0;
              continue;
            }
            const o = out[o0 + j], y = Y[y0 + j];
            if (ce) {
              L += softplus(o) - y * o;
              dOut[o0 + j] = (sigmoid(o) - y) * scale;
            } else {
              const e = o - y;
              L += e * e;
              dOut[o0 + j] = 2 * e * scale;
            }
          }
        }
        return L * scale;
      }
      case "modular-addition": {
        const lab = d.label!;
        if (ce) {
          const inv = 1 / M;
          for (let r = 0; r < M; r++) {
            const y = lab[rows ? rows[r] : start + r], o0 = r * nOut;
            let mx = -Infinity;
            for (let j = 0; j < nOut; j++) if (out[o0 + j] > mx) mx = out[o0 + j];
            L += softmaxGradRow(out, o0, nOut, mx, y, inv, dOut);
          }
          return L * inv;
        }
        const scale = 1 / (M * nOut);
        for (let r = 0; r < M; r++) {
          const y = lab[rows ? rows[r] : start + r], o0 = r * nOut;
          for (let j = 0; j < nOut; j++) {
            const e = out[o0 + j] - (j === y ? 1 : 0);
            L += e * e;
            dOut[o0 + j] = 2 * e * scale;
          }
        }
        return L * scale;
      }
    }
  }

  /**
   * modular-addition with ce, a full-batch step: evaluate (the accuracy into stat, the mean
   * loss returned) and lossGrad over rows start..start+M-1 in one pass, each exponential
   * computed once. The same numbers as the two calls: the same running max (evaluate's, from
   * the first output; lossGrad's, from -Infinity, is the same number whenever the loss is
   * finite, and a non-finite loss stops the run before the gradient is used), the same sums.
   */
  evaluateGrad(out: Float64Array, M: number, start: number, stat: Float64Array, dOut: Float64Array): number {
    const lab = this.data.label!, nOut = this.data.nOut, inv = 1 / M;
    let L = 0, correct = 0;
    for (let r = 0; r < M; r++) {
      const o0 = r * nOut, y = lab[start + r];
      const best = argmaxRow(out, o0, nOut);
      if (best === y) correct++;
      L += softmaxGradRow(out, o0, nOut, out[o0 + best], y, inv, dOut);
    }
    stat.fill(0);
    stat[0] = correct / M;
    return L / M;
  }

  /**
   * Per-task statistics over rows start..start+M-1 (outputs of one forward pass over exactly
   * those rows) into stat, and the expected loss over them. Tasks with no rows get NaN.
   * withLoss false: the statistics only (modular-addition then skips the softmax; NaN returned).
   */
  evaluate(out: Float64Array, M: number, start: number, stat: Float64Array, withLoss = true): number {
    const d = this.data, nOut = d.nOut, ce = this.ce, p = this.p;
    const cnt = this.rowCount;
    stat.fill(0);
    cnt.fill(0);
    let L = 0;
    switch (d.kind) {
      case "sparse-parity": {
        const Y = d.Y!, th = ce ? 0 : 0.5;
        for (let r = 0; r < M; r++) {
          const o0 = r * nOut, y0 = (start + r) * nOut;
          for (let j = 0; j < nOut; j++) {
            const o = out[o0 + j], y = Y[y0 + j];
            if ((o > th ? 1 : 0) === y) stat[j]++;
            if (ce) L += p[j] * (softplus(o) - y * o);
            else L += p[j] * (o - y) * (o - y);
          }
        }
        for (let j = 0; j < nOut; j++) stat[j] /= M;
        return L / (M * nOut);
      }
      case "multitask-parity": {
        const Y = d.Y!, task = d.taskOf!, th = ce ? 0 : 0.5;
        for (let r = 0; r < M; r++) {
          const o = out[r], y = Y[start + r], t = task[start + r];
          cnt[t]++;
          if ((o > th ? 1 : 0) === y) stat[t]++;
          L += ce ? softplus(o) - y * o : (o - y) * (o - y);
        }
        for (let t = 0; t < stat.length; t++) stat[t] = cnt[t] > 0 ? stat[t] / cnt[t] : NaN;
        return L / M;
      }
      case "modular-addition": {
        const lab = d.label!;
        let correct = 0;
        for (let r = 0; r < M; r++) {
          const o0 = r * nOut, y = lab[start + r];
          const best = argmaxRow(out, o0, nOut), mx = out[o0 + best];
          if (best === y) correct++;
          if (!withLoss) continue;
          if (ce) {
            const e = this.expRow;
            expShifted(nOut, out, o0, mx, e, 0);
            let z = 0;
            for (let j = 0; j < nOut; j++) z += e[j];
            L += mx + Math.log(z) - out[o0 + y];
          } else {
            for (let j = 0; j < nOut; j++) {
              const e = out[o0 + j] - (j === y ? 1 : 0);
              L += e * e;
            }
          }
        }
        stat[0] = correct / M;
        if (!withLoss) return NaN;
        return ce ? L / M : L / (M * nOut);
      }
      case "squares": {
        const Y = d.Y!, task = d.taskOf!;
        for (let r = 0; r < M; r++) {
          const o0 = r * nOut, y0 = (start + r) * nOut, t = task[start + r];
          cnt[t]++;
          for (let j = 0; j < nOut; j++) {
            const e = out[o0 + j] - Y[y0 + j];
            L += e * e;
            if (j === t) stat[t] += e * e;
          }
        }
        for (let t = 0; t < stat.length; t++) stat[t] = cnt[t] > 0 ? stat[t] / cnt[t] : NaN;
        return L / (M * nOut);
      }
    }
  }
}
