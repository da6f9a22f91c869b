/** --holdout: rows left out of the fit, and how well the fitted law predicts them. */
import { FitInputError, type FitResult } from "./index.js";
import { numericColumn, whereOf, type Table } from "./table.js";
import type { AnyParams, FitPlan, HoldoutReport } from "./outcome.js";
import { lawAt } from "./predict.js";

/** The rows left to fit after --holdout must be at least the law's parameter count. */
export function checkHoldoutLeaves(rest: number, total: number, plan: FitPlan, prefix: string): void {
  const need = plan.form === "chinchilla" ? 5 : plan.fixE === null ? 3 : 2;
  if (rest < need) {
    throw new FitInputError(`${prefix}--holdout ${plan.holdout.map((c) => c.text).join(" --holdout ")} holds out ${total - rest} of ${total} rows and leaves ${rest} to fit; the ${plan.form} law needs at least ${need}`);
  }
}

/** The law's predictions of the held-out rows: each row's relative error, the RMS of the log errors and the worst. */
export function holdoutReport(held: Table, plan: FitPlan, fit: FitResult<AnyParams>, group: string): HoldoutReport {
  const where = plan.holdout.map((c) => c.text);
  if (held.length === 0) return { n: 0, rmse_log: null, max_abs_rel_error: null, rows: [], where };
  const hx = plan.x.map((c) => numericColumn(held, c, `--holdout, --x ${c}`));
  const hy = numericColumn(held, plan.y, `--holdout, --y ${plan.y}`);
  let ss = 0, worst = 0;
  const rows: HoldoutReport["rows"] = [];
  for (let i = 0; i < held.length; i++) {
    const xv = hx.map((c) => c[i]);
    const y = hy[i];
    if (!(y > 0 && xv.every((v) => v > 0 && Number.isFinite(v)) && Number.isFinite(y))) {
      throw new FitInputError(`${group ? `${group}: ` : ""}${whereOf(held, i)}: a held-out row needs positive finite ${[...plan.x, plan.y].join(", ")} (logs are taken)`);
    }
    const predicted = lawAt(plan.form, fit.params, xv);
    const r = Math.log(predicted) - Math.log(y);
    ss += r * r;
    const rel = (predicted - y) / y;
    if (Math.abs(rel) > worst) worst = Math.abs(rel);
    rows.push({ at: whereOf(held, i), x: Object.fromEntries(plan.x.map((c, j) => [c, xv[j]])), y, predicted, rel_error: rel });
  }
  return { n: held.length, rmse_log: Math.sqrt(ss / held.length), max_abs_rel_error: worst, rows, where };
}
