import assert from "node:assert/strict";
import fc from "fast-check";
import { INVALID, MISSING, readNumber, readPlainDecimal, splitCsvLine } from "./fields.ts";

Deno.test("splitCsvLine splits plain lines and keeps empty fields", () => {
  assert.deepEqual(splitCsvLine("a,,c,"), ["a", "", "c", ""]);
});

Deno.test("splitCsvLine honours quotes, embedded commas and doubled quotes", () => {
  assert.deepEqual(splitCsvLine('2024-01-01,"1,234.5","say ""hi""",x'), [
    "2024-01-01",
    "1,234.5",
    'say "hi"',
    "x",
  ]);
});

Deno.test("readNumber tells missing markers from garbage", () => {
  for (const m of ["", "  ", "NULL", "null", "NaN", "N/A", ".", "-", "None"]) {
    assert.equal(readNumber(m), MISSING, m);
  }
  for (const bad of ["abc", "12abc", "0x1A", "Infinity", "1,5", "--1"]) {
    assert.equal(readNumber(bad), INVALID, bad);
  }
  assert.equal(readNumber("1e3"), 1000);
  assert.equal(readNumber(" 42.5 "), 42.5);
  assert.equal(readNumber("-0.25"), -0.25);
});

Deno.test("readPlainDecimal gives exactly Number(text) for plain decimals", () => {
  fc.assert(
    fc.property(
      fc.bigInt({ min: -(10n ** 15n) + 1n, max: 10n ** 15n - 1n }),
      fc.integer({ min: 0, max: 15 }),
      (mantissa, scale) => {
        const digits = (mantissa < 0n ? -mantissa : mantissa).toString().padStart(scale + 1, "0");
        const text = (mantissa < 0n ? "-" : "") +
          (scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`);
        const total = text.replace(/\D/g, "").length;
        const v = readPlainDecimal(text, 0, text.length);
        if (total > 15) return Number.isNaN(v);
        return Object.is(v, Number(text)) || (v === 0 && Number(text) === 0);
      },
    ),
    { numRuns: 3000 },
  );
});

Deno.test("readPlainDecimal declines what it cannot read exactly", () => {
  for (const t of ["", "1e5", "12345678901234567", "1.2.3", "abc", " 1"]) {
    assert.ok(Number.isNaN(readPlainDecimal(t, 0, t.length)), t);
  }
  const s = "x,123.25,y";
  assert.equal(readPlainDecimal(s, 2, 8), 123.25);
});
