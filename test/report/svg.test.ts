/**
 * Tests for the SVG figures: byte-for-byte golden files (UPDATE_GOLDEN=1 rewrites them),
 * well-formed XML, titles and axis labels present, tick generation, determinism, and the
 * PNG path (skipped when the machine has no font resvg can use).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  chooseKeys, chooseKeysOf, keyInfo, escapeXml, fitFigure, formula, groupByD, linearLabels, logTicks, niceLinearTicks, powerLabel, runFigure,
  sweepFigure, type RunResult,
} from "../../src/report/svg.js";
import { Resvg } from "@resvg/resvg-js";
import { bundledFontFiles, fontCodePoints, missingGlyphs, svgToPng } from "../../src/report/png.js";
import { chinchillaData, chinchillaFit, powerData, powerFit, runFixture, sweepFixture } from "./fixtures.js";

// Compiled to dist/test/report/; the goldens live in the source tree.
const GOLDEN = fileURLToPath(new URL("../../../test/report/golden/", import.meta.url));

function golden(name: string, svg: string): void {
  const path = GOLDEN + name;
  if (process.env.UPDATE_GOLDEN === "1") {
    writeFileSync(path, svg);
    return;
  }
  assert.ok(existsSync(path), `missing golden ${name}: run with UPDATE_GOLDEN=1`);
  const want = readFileSync(path, "utf8");
  if (svg !== want) {
    const a = svg.split("\n");
    const b = want.split("\n");
    const i = a.findIndex((l, k) => l !== b[k]);
    assert.fail(`${name} differs from golden at line ${i + 1}:\n  got:  ${a[i]}\n  want: ${b[i]}\n(UPDATE_GOLDEN=1 to accept)`);
  }
}

/** Minimal XML well-formedness: balanced tags, quoted attributes, no stray < or &. */
function assertWellFormed(xml: string): void {
  const stack: string[] = [];
  const tag = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>/y;
  let i = 0;
  let roots = 0;
  while (i < xml.length) {
    const lt = xml.indexOf("<", i);
    const chunk = xml.slice(i, lt < 0 ? xml.length : lt);
    assert.doesNotMatch(chunk, /&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/, `bad entity near ${i}`);
    assert.ok(!chunk.includes(">"), `stray > near ${i}`);
    if (stack.length === 0) assert.equal(chunk.trim(), "", `text outside the root near ${i}`);
    if (lt < 0) break;
    tag.lastIndex = lt;
    const m = tag.exec(xml);
    assert.ok(m, `malformed tag at ${lt}: ${xml.slice(lt, lt + 60)}`);
    const [, close, name, , selfClose] = m;
    if (close) assert.equal(stack.pop(), name, `unbalanced </${name}> at ${lt}`);
    else if (!selfClose) { if (stack.length === 0) roots++; stack.push(name); }
    else if (stack.length === 0) roots++;
    i = tag.lastIndex;
  }
  assert.deepEqual(stack, [], "unclosed tags");
  assert.equal(roots, 1, "exactly one root element");
}

const runSvg = runFigure(runFixture);
const sweepSvg = sweepFigure(sweepFixture);
const powerSvg = fitFigure(powerFit, powerData, { xLabel: "parameters N", xSymbol: "N" });
const chinSvg = fitFigure(chinchillaFit, chinchillaData);

test("golden files: one figure of each kind", () => {
  golden("run.svg", runSvg);
  golden("sweep.svg", sweepSvg);
  golden("fit-powerlaw.svg", powerSvg);
  golden("fit-chinchilla.svg", chinSvg);
});

test("figures are well-formed SVG documents with a viewBox and a white background", () => {
  for (const svg of [runSvg, sweepSvg, powerSvg, chinSvg, runFigure(runFixture, { logTime: true })]) {
    assertWellFormed(svg);
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="720" height="\d+" viewBox="0 0 720 \d+"/);
    assert.match(svg, /font-family="DejaVu Sans, Arial, Helvetica, sans-serif"/);
    assert.match(svg, /<rect width="720" height="\d+" fill="#ffffff"\/>/);
    assert.doesNotMatch(svg, /NaN|Infinity|undefined/);
  }
});

test("the well-formedness check rejects broken XML", () => {
  assert.throws(() => assertWellFormed("<svg><g></svg>"));
  assert.throws(() => assertWellFormed("<svg><text>a < b</text></svg>"));
  assert.throws(() => assertWellFormed("<svg><text>a & b</text></svg>"));
});

test("run figure: title from model and config, axis labels, three panels", () => {
  assert.match(runSvg, /<title>Domino model: 4 skills, 100 steps<\/title>/);
  for (const s of ["(a) skill level", "(b) loss", "(c) skill", ">step<", "params = 64", "lr = 0.05", "zipf = 2", "3 of 4 learned"]) {
    assert.ok(runSvg.includes(s), `missing ${s}`);
  }
  assert.ok(runSvg.includes("not learned by the end"), "unfinished skill is marked");
  assert.ok(runFigure(runFixture, { title: "My run" }).includes("<title>My run</title>"));
});

test("run figure: the most frequent skill gets the darkest colour", () => {
  // viridis(0) = #440154 for rank 1; drawn last so it is on top.
  const first = runSvg.indexOf('stroke="#440154" stroke-width="1.6"');
  assert.ok(first > 0);
  const shuffled: RunResult = { ...runFixture, skills: [...runFixture.skills].reverse() };
  assert.equal(runFigure(shuffled), runSvg, "order of the skills array does not matter");
});

test("run figure: log time starts at the first positive t", () => {
  const svg = runFigure(runFixture, { logTime: true });
  assert.ok(svg.includes("step (log scale)"));
  assert.ok(svg.includes(">10<") && svg.includes(">100<"), "decade labels 10 and 100");
  // the axis starts at t = 10 (t = 0 cannot be shown): every line starts at the panel's left edge
  const starts = [...svg.matchAll(/<path d="M([\d.]+) [\d.]+L[^"]*" stroke="#[0-9a-f]{6}" stroke-width="1.6"/g)].map((m) => Number(m[1]));
  assert.ok(starts.length >= 4 && starts.every((x) => x === 80), `lines start at x = 80: ${starts}`);
});

test("run figure: many skills are subsampled evenly in rank and the subtitle says so", () => {
  const n = 200;
  const t = [0, 1, 2, 3];
  const many: RunResult = {
    model: "resource",
    config: { steps: 3 },
    skills: Array.from({ length: n }, (_, i) => ({ index: i + 1, frequency: 1 / (i + 1), onset: 1, half: 2, learned: 3, final: 1 })),
    final: { loss: 0.1 },
    trace: { t, loss: [1, 0.5, 0.2, 0.1], level: Array.from({ length: n }, () => [0, 0.2, 0.6, 1]) },
  };
  const svg = runFigure(many);
  assertWellFormed(svg);
  assert.ok(svg.includes("showing 20 of 200 skills, evenly spaced in rank"));
  assert.equal((svg.match(/stroke-width="1.6" fill="none" stroke-linejoin="round"/g) ?? []).length, 20 + 1, "20 skill lines + the loss line");
});

test("run figure survives an empty trace and a single skill", () => {
  const svg = runFigure({ model: "geometry", config: {}, skills: [{ index: 1, frequency: 1, onset: null, half: null, learned: null, final: 0 }], final: { loss: 1 }, trace: { t: [], loss: [], level: [] } });
  assertWellFormed(svg);
  assert.ok(svg.includes("no trace recorded"));
  assert.doesNotMatch(svg, /NaN|Infinity/);
});

test("sweep figure: x = first numeric varying key other than seed, series = the next", () => {
  const k = chooseKeys(sweepFixture);
  assert.equal(k.x, "params");
  assert.equal(k.series, "skills.frequencies.zipf");
  assert.deepEqual(k.pooled.map((p) => p.key), ["seed"]);
  assert.ok(sweepSvg.includes("<title>Final loss vs params by zipf</title>"));
  for (const s of [">params<", ">final loss<", "zipf = 1", "zipf = 2", "mean over seed (2 values)", ">20<", ">40<", ">80<"]) {
    assert.ok(sweepSvg.includes(s), `missing ${s}`);
  }
  assert.ok(sweepSvg.includes("slope −0.35"), "log-log slope in the legend");
  const jsonl = sweepFixture.map((l) => JSON.stringify(l)).join("\n") + "\n";
  assert.equal(sweepFigure(jsonl), sweepSvg, "JSON Lines text gives the same figure");
  assert.throws(() => sweepFigure(sweepFixture, { x: "nope" }), /x key "nope" is not a swept key \(swept: params, seed, skills\.frequencies\.zipf\)/);
});

test("fit figures: formula, parameters with intervals, axis labels", () => {
  assert.equal(formula(chinchillaFit), "L = 1.82 + 482/N^{0.35} + 2085/D^{0.37}");
  assert.ok(chinSvg.includes("L = 1.82 + 482/N<tspan"), "formula with superscript exponents");
  assert.ok(chinSvg.includes("E = 1.82 [1.7, 1.9]") && chinSvg.includes("α = 0.35 [0.3, 0.4]") && chinSvg.includes("A = 482 ·"));
  for (const s of [">parameters N<", ">loss<", ">compute C (FLOPs)<", "D = 10⁹", "D = 10¹¹", "N_opt ∝ C"]) assert.ok(chinSvg.includes(s), `missing ${s}`);
  assert.ok(chinSvg.includes("<title>Chinchilla fit: L(N, D) = E + A/N^α + B/D^β</title>"));
  assert.ok(powerSvg.includes(">parameters N<") && powerSvg.includes("α = 0.5 [0.45, 0.55]") && powerSvg.includes("data (5 points)"));
  assert.deepEqual(groupByD([5, 1, 2, 3, 4, 6, 7, 8], 2).map((g) => g.idx.length), [4, 4]);
});

test("same input twice gives identical bytes", () => {
  assert.equal(runFigure(runFixture), runSvg);
  assert.equal(sweepFigure(sweepFixture), sweepSvg);
  assert.equal(fitFigure(chinchillaFit, chinchillaData), chinSvg);
});

test("text is escaped for XML", () => {
  assert.equal(escapeXml(`a<b & "c" 'd'>`), "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;");
  assert.equal(escapeXml("bell\u0007 tab\t"), "bell tab\t");
  const svg = runFigure(runFixture, { title: "A <b> & \"c\"" });
  assertWellFormed(svg);
  assert.ok(svg.includes("A &lt;b&gt; &amp; &quot;c&quot;"));
});

const labelled = (t: { value: number; label?: string }[]) => t.filter((x) => x.label !== undefined);

test("log ticks (d3-scale): [20, 500] labels 20 and the decade 100, integer multiples as minor ticks", () => {
  const t = logTicks(20, 500);
  const values = labelled(t).map((x) => x.value);
  assert.ok(values.includes(20) && values.includes(100) && values.includes(200), `labels ${values}`);
  assert.ok(values.length >= 4 && values.length <= 8, `${values.length} labels`);
  assert.ok(t.some((x) => x.value === 70 && x.label === undefined), "minor ticks at the other integers");
});

test("log ticks: [1e-3, 1] are decades with minor ticks between", () => {
  const t = logTicks(1e-3, 1);
  assert.deepEqual(labelled(t).map((x) => x.value), [0.001, 0.01, 0.1, 1]);
  assert.deepEqual(labelled(t).map((x) => x.label), ["0.001", "0.01", "0.1", "1"]);
  assert.equal(t.filter((x) => x.label === undefined).length, 8 * 3);
});

test("log ticks: large ranges use powers of ten and skip decades when crowded", () => {
  const t = logTicks(1e7, 1e10);
  assert.deepEqual(labelled(t).map((x) => x.label), ["10⁷", "10⁸", "10⁹", "10¹⁰"]);
  const wide = labelled(logTicks(1e-12, 1e12, 8));
  assert.ok(wide.length <= 8 && wide.length >= 4);
  const exps = wide.map((x) => Math.round(Math.log10(x.value)));
  assert.ok(exps.every((e, i) => i === 0 || e - exps[i - 1] === exps[1] - exps[0]), `evenly spaced decades: ${exps}`);
  // less than a decade: integer multiples
  assert.deepEqual(labelled(logTicks(2, 5.5)).map((x) => x.value), [2, 3, 4, 5]);
});

test("a log axis within one decade gets enough labels to read (the ce loss panel: 0.29 to 0.69)", () => {
  for (const budget of [4, 5, 8]) {
    const l = labelled(logTicks(0.29 / 1.07, 0.69 * 1.07, budget));
    assert.ok(l.length >= 3 && l.length <= budget, `budget ${budget}: ${l.map((x) => x.label)}`);
  }
  assert.deepEqual(labelled(logTicks(0.28, 0.72, 4)).map((x) => x.label), ["0.3", "0.4", "0.5", "0.6"]);
  // A narrow range falls back to d3's linear ticks, still labelled.
  assert.ok(labelled(logTicks(1.7, 1.9, 5)).length >= 3);
});

test("nice linear ticks (d3-scale) and labels (d3-format)", () => {
  assert.deepEqual(niceLinearTicks(0, 1000), [0, 200, 400, 600, 800, 1000]);
  assert.deepEqual(niceLinearTicks(0, 1, 5), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(niceLinearTicks(-0.04, 1.04, 5), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(niceLinearTicks(3, 97, 5), [20, 40, 60, 80]);
  assert.deepEqual(niceLinearTicks(0.1, 0.35, 5), [0.1, 0.15, 0.2, 0.25, 0.3, 0.35]);
  assert.deepEqual(linearLabels([0, 0.25, 0.5]), ["0", "0.25", "0.50"]);
  assert.deepEqual(linearLabels([-0.5, 0, 0.5]), ["−0.5", "0", "0.5"]);
  assert.deepEqual(linearLabels([0, 20000, 40000]), ["0", "20k", "40k"]);
  assert.deepEqual(linearLabels([0, 1.5e6, 3e6]), ["0", "1.5M", "3.0M"]);
  assert.deepEqual(linearLabels([0, 2500, 5000]), ["0", "2500", "5000"]);
  assert.equal(powerLabel(2e8), "2×10⁸");
  assert.equal(powerLabel(1e-3), "10⁻³");
});

test("svgToPng renders a PNG of the requested width", () => {
  const png = svgToPng(sweepSvg, 360);
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.equal(png.readUInt32BE(16), 360);
  assert.equal(png.readUInt32BE(20), 240);
  assert.ok(svgToPng(runSvg).readUInt32BE(16) === 720);
});

/** Pixels that are not white in a rendered SVG. */
function inked(svg: string, font: object): number {
  const px = new Resvg(svg, { font, background: "#ffffff" }).render().pixels;
  let n = 0;
  for (let i = 0; i < px.length; i += 4) if (px[i] < 250 || px[i + 1] < 250 || px[i + 2] < 250) n++;
  return n;
}

test("PNG text is drawn with the bundled DejaVu Sans only, never the machine's fonts", () => {
  const f = bundledFontFiles();
  for (const file of Object.values(f)) assert.ok(existsSync(file), file);
  const probe = '<svg xmlns="http://www.w3.org/2000/svg" width="60" height="24"><text x="2" y="18" font-size="16" font-family="DejaVu Sans, Arial, Helvetica, sans-serif">MW α</text></svg>';
  // With no fonts at all resvg draws nothing; with the bundled files alone it draws the text.
  assert.equal(inked(probe, { loadSystemFonts: false, fontFiles: [] }), 0);
  assert.ok(inked(probe, { loadSystemFonts: false, fontFiles: [f.regular], defaultFontFamily: "DejaVu Sans" }) > 50);
  // svgToPng's output is the bundled font's: the same bytes as rendering with it explicitly.
  const png = svgToPng(probe);
  const explicit = new Resvg(probe, {
    font: { loadSystemFonts: false, fontFiles: [f.regular, f.bold, f.oblique, f.boldOblique], defaultFontFamily: "DejaVu Sans", sansSerifFamily: "DejaVu Sans" },
    background: "#ffffff", fitTo: { mode: "original" }, shapeRendering: 2, textRendering: 1,
  }).render().asPng();
  assert.ok(png.equals(explicit));
  assert.ok(svgToPng(runSvg).equals(svgToPng(runSvg)), "deterministic bytes");
});

test("missingGlyphs names the characters the bundled font cannot draw", () => {
  const cps = fontCodePoints(bundledFontFiles().regular);
  for (const ch of "Aα×⁻−→∝≈") assert.ok(cps.has(ch.codePointAt(0)!), `DejaVu Sans has ${ch}`);
  assert.ok(!cps.has("学".codePointAt(0)!));
  for (const svg of [runSvg, sweepSvg, powerSvg, chinSvg]) assert.deepEqual(missingGlyphs(svg), []);
  const cjk = runFigure(runFixture, { title: "学习 & <技能> α" });
  assert.deepEqual(missingGlyphs(cjk), ["学", "习", "技", "能"]);
});

test("sweep figure keys from a sweep block alone: never seed by default", () => {
  assert.equal(chooseKeysOf([keyInfo("seed", [0, 1, 2]), keyInfo("params", [20, 40])]).x, "params");
  assert.equal(chooseKeysOf([keyInfo("seed", [0, 1]), keyInfo("params", [20])]).x, "params", "a fixed numeric key beats seed");
  assert.equal(chooseKeysOf([keyInfo("seed", [0, 1]), keyInfo("optimizer", ["sgd", "adam"])]).x, "optimizer", "categories before seed");
  assert.throws(() => chooseKeysOf([keyInfo("seed", [0, 1])]), /no swept key other than seed for the x axis \(swept: seed\)/);
  assert.equal(chooseKeysOf([keyInfo("seed", [0, 1])], { x: "seed" }).x, "seed", "seed when asked for");
  assert.deepEqual(keyInfo("k", [3, 1, 3, 2]).values, [1, 2, 3]);
});

test("the sweep figure takes more repeats of one setting than Math.min(...ys) can (130,000)", () => {
  // One setting repeated 130,000 times (its min-max band used Math.min(...ys)), and one other.
  const n = 130_000;
  const lines = Array.from({ length: n + 2 }, (_, i) => ({ id: i, overrides: { params: i < n ? 10 : 20 }, final: { loss: i < n ? 0.1 + (i % 7) / 100 : 0.05 } }));
  const svg = sweepFigure(lines);
  assert.match(svg, /130002 runs/);
  assert.match(svg, /band: min–max/);
});
