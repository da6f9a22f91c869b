/**
 * The human report of one run: header, per-skill timeline table, an ASCII chart of skill
 * levels (asciichart), one bar per skill from onset to learned (the Domino cascade at a
 * glance), and the Domino statistics. Colour only when the caller says so (TTY, no NO_COLOR).
 */
import asciichart from "asciichart";
import type { RunResult } from "./result.js";
import { hasTaskNames, modelSpec, taskNamesOf } from "../models/index.js";
import { evenlySpaced, fmt, listLabel } from "./format.js"; // at most m skills, evenly spread over the ranks

export interface TextOptions {
  color: boolean;
  width: number; // terminal columns
}


export function header(r: RunResult): string {
  const c = r.config as any;
  const parts: string[] = [`${r.model} model`];
  const f = c.skills.frequencies;
  const freq = Array.isArray(f) ? `p = ${listLabel(f)}` : "zipf" in f ? `zipf ${f.zipf}` : `exponential ${f.exponential}`;
  parts.push(`${c.skills.count} skills, ${freq}`);
  parts.push(...modelSpec(r.model).header(c, r.summary));
  if (c.rate !== undefined) parts.push(`rate ${fmt(c.rate)}`);
  else if (c.lr !== undefined) parts.push(c.params !== undefined ? `lr ${fmt(c.lr)}, N ${c.params}` : `lr ${fmt(c.lr)}`);
  if (typeof r.summary.eta_eff === "number") parts.push(`eta_eff ${fmt(r.summary.eta_eff as number, 6)}`);
  parts.push(`${fmt(c.steps)} ${modelSpec(r.model).time(c) === "continuous" ? "time units" : "steps"}`, `seed ${c.seed}`);
  const title = c.title ? `${c.title}\n` : "";
  return `${title}skillsim · ${parts.join(" · ")}`;
}

function table(r: RunResult): string {
  const th = (r.config as any).timeline;
  const on = th.on === "level" ? "s>" : ""; // on: level, the thresholds are levels
  // Named tasks (a sparse parity's "x1 xor x2") get a column of their names, left-aligned.
  const names = hasTaskNames(r.config, r.skills.length) ? taskNamesOf(r.config, r.skills.length) : null;
  const cols = ["skill", ...(names ? ["task"] : []), "frequency", `onset(${on}${th.onset})`, `half(${on}${th.half})`, `learned(${on}${th.learned})`, "final"];
  // A withheld time is not "never reached" (-): it is not reported (see the warning).
  const time = (s: RunResult["skills"][number], x: number | null) => (s.withheld ? "withheld" : fmt(x, 5));
  const rows = r.skills.map((s) => [String(s.index), ...(names ? [names[s.index - 1] ?? ""] : []), fmt(s.frequency), time(s, s.onset), time(s, s.half), time(s, s.learned), s.final.toFixed(4)]);
  const w = cols.map((c, j) => rows.reduce((m, row) => Math.max(m, row[j].length), c.length));
  const line = (cells: string[]) => cells.map((x, j) => (names && j === 1 ? x.padEnd(w[j]) : x.padStart(w[j]))).join("  ");
  return [line(cols), ...rows.map(line)].join("\n");
}

/** Linear interpolation of a recorded series onto `m` evenly spaced times in [0, tEnd]. */
export function resample(t: number[], y: number[], m: number): number[] {
  const out: number[] = [];
  const tEnd = t[t.length - 1];
  let k = 0;
  for (let j = 0; j < m; j++) {
    const tq = m === 1 ? tEnd : (j / (m - 1)) * tEnd;
    while (k < t.length - 2 && t[k + 1] < tq) k++;
    const t0 = t[k], t1 = t[Math.min(k + 1, t.length - 1)];
    const f = t1 > t0 ? Math.min(1, Math.max(0, (tq - t0) / (t1 - t0))) : 0;
    out.push(y[k] + f * (y[Math.min(k + 1, y.length - 1)] - y[k]));
  }
  return out;
}

const PALETTE = [asciichart.blue, asciichart.green, asciichart.red, asciichart.yellow, asciichart.magenta, asciichart.cyan, asciichart.lightblue, asciichart.lightgreen];

function chart(r: RunResult, o: TextOptions): string {
  const { t, level } = r.trace;
  if (t.length < 2) return "";
  const width = Math.max(20, Math.min(120, o.width - 12));
  const pick = evenlySpaced(level.length, 8);
  const series = pick.map((i) => resample(t, level[i], width));
  const plot = asciichart.plot(series, {
    height: 10,
    min: 0,
    max: 1,
    colors: o.color ? pick.map((_, j) => PALETTE[j % PALETTE.length]) : undefined,
    format: (x: number) => x.toFixed(2).padStart(6),
  });
  const tEnd = t[t.length - 1];
  const axis = `${" ".repeat(8)}0${fmt(tEnd).padStart(width - 1)}`;
  const names = taskNamesOf(r.config, level.length);
  const legend = pick.map((i, j) => (o.color ? `${PALETTE[j % PALETTE.length]}━━${asciichart.reset}` : `(${j + 1})`) + ` ${names[i]}`).join("  ");
  const note = pick.length < level.length ? ` (${pick.length} of ${level.length} skills, spread over the ranks)` : "";
  return `skill level vs time${note}\n${plot}\n${axis}\n${o.color ? "" : "series in order: "}${legend}`;
}

/** One bar per skill, from onset to learned; '|' marks half. Scaled to the run's horizon. */
function bars(r: RunResult, o: TextOptions): string {
  const tEnd = r.final.time;
  const width = Math.max(20, Math.min(100, o.width - 40));
  const col = (x: number) => Math.min(width - 1, Math.max(0, Math.round((x / tEnd) * (width - 1))));
  const pick = evenlySpaced(r.skills.length, 30);
  // Named tasks are labelled by name, padded to the longest; else "skill i".
  const names = hasTaskNames(r.config, r.skills.length) ? taskNamesOf(r.config, r.skills.length) : null;
  const labelWidth = names ? Math.max(...pick.map((i) => names[i].length)) : 0;
  const lines = pick.map((i) => {
    const s = r.skills[i];
    const cells = new Array(width).fill(" ");
    if (s.onset !== null) {
      const a = col(s.onset), b = s.learned !== null ? col(s.learned) : width - 1;
      for (let x = a; x <= b; x++) cells[x] = s.learned === null ? "░" : "█";
      if (s.half !== null) cells[col(s.half)] = "│";
    }
    const label = names ? names[i].padEnd(labelWidth) : `skill ${String(s.index).padStart(String(r.skills.length).length)}`;
    const span = s.withheld ? "withheld (see the warning)" : s.onset === null ? "not started" : `${fmt(s.onset, 5)} → ${s.learned === null ? "…" : fmt(s.learned, 5)}`;
    const bar = cells.join("");
    return `${label} ▕${o.color ? `\x1b[36m${bar}\x1b[0m` : bar}▏ ${span}`;
  });
  const shown = pick.length < r.skills.length ? ` (showing ${pick.length} of ${r.skills.length} skills, spread over the ranks)` : "";
  return `timeline${shown}: █ onset → learned, │ = half, ░ = started, not learned by the end\n${lines.join("\n")}`;
}

/** The Domino statistics; nothing at all when there is none to show (no empty header). */
function dominoLines(r: RunResult): string {
  if (!r.domino) return "";
  const gaps = r.domino.gaps.filter((g) => g.gap !== null).map((g) => `${g.from}→${g.to}: ${fmt(g.gap, 4)}`);
  const out: string[] = [];
  if (gaps.length) out.push(`domino: gap = next skill's onset − this skill's learned (negative = overlap)`, `  ${gaps.join(", ")}`);
  if (r.domino.ratio21 !== null) out.push(`${gaps.length ? "  " : "domino: "}learned_2 / learned_1 = ${fmt(r.domino.ratio21)} (skills ranked by frequency)`);
  return out.join("\n");
}

function summaryLines(r: RunResult): string {
  const out = [`final loss ${fmt(r.final.loss, 6)} at t = ${fmt(r.final.time)}`];
  const m = r.summary.modules as any;
  // k = 1 is the baseline itself: there is no speed-up to report.
  if (m && m.k > 1) out.push(`modules: ${m.k}; finish time ${fmt(m.finish_time)} vs ${fmt(m.finish_time_one_module)} with one module: measured speed-up ${fmt(m.speedup)} (sqrt(k) predicts ${fmt(m.predicted_speedup)})`);
  const ode = r.summary.ode as any;
  if (ode) out.push(`ode: ${ode.accepted} steps accepted, ${ode.rejected} rejected, ${ode.nfev} evaluations`);
  for (const w of r.warnings ?? []) out.push(`warning: ${w}`);
  return out.join("\n");
}

export function renderText(r: RunResult, o: TextOptions): string {
  return [header(r), "", table(r), "", chart(r, o), "", bars(r, o), "", dominoLines(r), summaryLines(r)].filter((x, i, a) => !(x === "" && a[i - 1] === "")).join("\n") + "\n";
}

/** The trace as CSV: t, loss, s1..sn (one row per recorded time). */
export function renderCsv(r: RunResult): string {
  const { t, loss, level } = r.trace;
  const head = ["t", "loss", ...level.map((_, i) => `s${i + 1}`)].join(",");
  const rows = t.map((tk, k) => [tk, loss[k], ...level.map((l) => l[k])].join(","));
  return [head, ...rows].join("\n") + "\n";
}
