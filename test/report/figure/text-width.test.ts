import assert from "node:assert/strict";
import { test } from "node:test";
import { bundledFontFiles, dejaVuWidth, fontMetrics } from "../../../src/report/figure/text-width.js";

// DejaVu Sans 2.37's own advance widths (font units of a 2048 em): digits 1303 regular and
// 1425 bold, U+1F640 (a cat face, beyond the BMP) 2135, .notdef 1229.
test("text widths: the bundled DejaVu Sans advances, regular and bold, beyond the BMP too", () => {
  const files = bundledFontFiles();
  const regular = fontMetrics(files.regular), bold = fontMetrics(files.bold);
  assert.equal(regular.unitsPerEm, 2048);
  assert.equal(regular.advance("0".codePointAt(0)!), 1303);
  assert.equal(bold.advance("0".codePointAt(0)!), 1425);
  assert.equal(regular.advance(0x1f640), 2135, "a character beyond the BMP has its own width, not .notdef's");
  assert.equal(regular.advance(0x10ffff), 1229, "a character the font lacks has .notdef's width");
});

test("text widths: vega's measure trims, picks the weight, and stops at the item's limit", () => {
  const width = dejaVuWidth(bundledFontFiles());
  assert.equal(width({ fontSize: 10 }, "  00 "), (2 * 1303 / 2048) * 10);
  assert.equal(width({ fontSize: 10, fontWeight: "bold" }, "00"), (2 * 1425 / 2048) * 10);
  assert.equal(width({ fontSize: 10, fontWeight: 700 }, "00"), (2 * 1425 / 2048) * 10);
  assert.equal(width({ fontSize: 10, limit: 5 }, "00"), 5);
  assert.equal(width({}, "0"), (1303 / 2048) * 11, "vega's default size is 11 px");
  assert.equal(width({ fontSize: 10 }, ""), 0);
  assert.equal(width({ fontSize: 0 }, "00"), 0);
});
