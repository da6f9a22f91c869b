/**
 * The .html figure in a real headless Chromium (the system's `chromium`, driven by
 * playwright-core): the page loads from a file with no network, no console error and no
 * page error, and draws the expected marks; hovering a run's dot shows its overrides.
 * Skipped, with the reason printed, when no Chromium is installed (.ci/run installs it).
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { tempDir } from "../../helpers.js";
import { cliIn } from "../../inprocess.js";

const CANDIDATES = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].filter((p): p is string => !!p);
const chromium = CANDIDATES.find((p) => existsSync(p));
const skip = chromium ? false : `no Chromium found (looked for ${CANDIDATES.join(", ")}); install Debian's chromium to run this test`;
if (skip) process.stdout.write(`# skipping the browser test: ${skip}\n`);

/** One browser for the file's tests (a launch costs more than a test), closed at the end; each test gets a fresh page. */
let browser: Promise<import("playwright-core").Browser> | undefined;
after(async () => {
  if (browser) await (await browser).close();
});

async function withPage<T>(file: string, body: (page: import("playwright-core").Page, errors: string[]) => Promise<T>): Promise<T> {
  browser ??= import("playwright-core").then(({ chromium: pw }) => pw.launch({ executablePath: chromium, args: ["--no-sandbox", "--disable-gpu"] }));
  const page = await (await browser).newPage(); // a new context of its own: nothing shared with another test's page
  try {
    const errors: string[] = [];
    page.on("console", (m) => { if (m.type() === "error") errors.push(`console: ${m.text()}`); });
    page.on("pageerror", (e) => errors.push(`page: ${e.message}`));
    // Nothing may be fetched: the page is one file.
    await page.route(/^(?!file:)/, (route) => { errors.push(`request: ${route.request().url()}`); return route.abort(); });
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector("#figure svg .role-mark", { timeout: 20000 });
    return await body(page, errors);
  } finally {
    await page.context().close();
  }
}

test("run --plot FILE.html: loads with no error and draws the run's lines, loss and onset bars", { skip, timeout: 120000 }, async () => {
  const dir = tempDir();
  const html = join(dir, "run.html");
  const r = await cliIn(["run", "configs/domino-serial.yaml", "--set", "steps=300", "--quiet", "--plot", html]);
  assert.equal(r.code, 0, r.stderr);
  await withPage(html, async (page, errors) => {
    const lines = await page.locator("#figure svg .mark-line path").count();
    const bars = await page.locator("#figure svg .mark-rect.role-mark path[aria-roledescription='bar']").count();
    const title = await page.locator("#figure svg .role-title-text text").first().textContent();
    assert.equal(title, "Domino model: 10 skills, 300 steps");
    assert.ok(lines >= 11, `10 skill lines and the loss: ${lines} line marks`);
    assert.ok(bars >= 5, `onset bars: ${bars}`);
    assert.deepEqual(errors, []);
  });
});

test("sweep --plot FILE.html: points, band and mean lines; a run's tooltip names its overrides", { skip, timeout: 180000 }, async () => {
  const dir = tempDir();
  const cfg = join(dir, "s.yaml");
  writeFileSync(cfg, "model: geometry\nparams: 20\nsteps: 60\nskills: {count: 3}\nsweep:\n  params: [10, 20, 40]\n  seed: [0, 1]\n");
  const html = join(dir, "s.html");
  const r = await cliIn(["sweep", cfg, "--out", join(dir, "s.jsonl"), "--jobs", "1", "--quiet", "--plot", html]);
  assert.equal(r.code, 0, r.stderr);
  await withPage(html, async (page, errors) => {
    const dots = page.locator("#figure svg .mark-symbol.role-mark path");
    assert.ok((await dots.count()) >= 6 + 3, "6 runs and 3 means");
    assert.equal(await page.locator("#figure svg .mark-area.role-mark path").count(), 1, "one band");
    // A single run's dot (vega labels it with its fields): its tooltip names its overrides.
    const run = page.locator("#figure svg .mark-symbol.role-mark path[aria-label*='seed']").first();
    await run.hover({ force: true });
    await page.waitForSelector("#vg-tooltip-element.visible", { timeout: 5000 });
    const tip = (await page.locator("#vg-tooltip-element").textContent()) ?? "";
    assert.match(tip, /id[\s\S]*params[\s\S]*seed[\s\S]*final\.loss/);
    assert.deepEqual(errors, []);
  });
});

test("study --plot FILE.html: group means with their t band and each run's dot; loads with no error", { skip, timeout: 180000 }, async () => {
  const dir = tempDir();
  const cfg = join(dir, "st.yaml");
  writeFileSync(cfg, "model: geometry\nparams: 20\nsteps: 60\nskills: {count: 3}\nsweep:\n  params: [10, 20, 40]\n  seed: [0, 1]\nstudy:\n  figures:\n    - {name: loss, data: groups, x: params, y: final_loss, log: [x, y]}\n");
  const html = join(dir, "st.html");
  const r = await cliIn(["study", cfg, "--out", join(dir, "o"), "--jobs", "1", "--quiet", "--plot", html]);
  assert.equal(r.code, 0, r.stderr);
  await withPage(html, async (page, errors) => {
    assert.ok((await page.locator("#figure svg .mark-symbol.role-mark path").count()) >= 6, "a dot per run");
    assert.equal(await page.locator("#figure svg .mark-area.role-mark path").count(), 1, "one band");
    assert.deepEqual(errors, []);
  });
});
