import assert from "node:assert/strict";
import { isZeroQty, normalizeDecimal, priceKey, priceProblem, qtyKind } from "./decimal.ts";

Deno.test("priceKey gives the value of plain decimal strings and NaN for anything else", () => {
  assert.equal(priceKey("35743.98000000"), 35743.98);
  assert.equal(priceKey("0.00001500"), 0.000015);
  assert.equal(priceKey("30240"), 30240);
  for (const bad of ["", ".5", "5.", "1.2.3", "+1", "-1", "1e3", " 1", "0", "0.000", "1,5"]) {
    assert.ok(Number.isNaN(priceKey(bad)), `"${bad}" must be refused`);
  }
});

Deno.test("priceKey holds 15 significant digits exactly and refuses 16", () => {
  // leading and trailing zeros are not significant: 0.000000012345678901234 has 14
  assert.equal(priceKey("0.00000001234567890123400"), 1.234567890123400e-8);
  assert.equal(priceKey("123456789012345"), 123456789012345);
  assert.ok(Number.isNaN(priceKey("1234567890123456")));
  assert.ok(Number.isNaN(priceKey("1234567.890123456")));
  assert.match(priceProblem("1234567.890123456")!, /16 significant digits/);
  assert.equal(priceProblem("1.5"), undefined);
  assert.match(priceProblem(1.5)!, /decimal string/);
  assert.match(priceProblem("1".padEnd(40, "0"))!, /at most 32 characters/);
});

Deno.test("qtyKind tells zero, positive and invalid quantities apart", () => {
  assert.equal(qtyKind("0"), 0);
  assert.equal(qtyKind("0.00000000"), 0);
  assert.equal(
    qtyKind("12345678901234567890.12345678"),
    1,
    "quantities are never ordered: any digits",
  );
  assert.equal(qtyKind("-1"), -1);
  assert.equal(qtyKind(""), -1);
  assert.equal(qtyKind("1e-8"), -1);
  assert.equal(isZeroQty("0.000"), true);
  assert.equal(isZeroQty("0.0001"), false);
});

Deno.test("normalizeDecimal spells equal values the same way", () => {
  const cases: [string, string][] = [
    ["0012.500", "12.5"],
    ["12.000", "12"],
    ["0.000", "0"],
    ["0", "0"],
    ["000", "0"],
    ["0.5", "0.5"],
    ["00.50", "0.5"],
    ["100", "100"],
    ["35743.98000000", "35743.98"],
  ];
  for (const [input, want] of cases) assert.equal(normalizeDecimal(input), want, input);
});

Deno.test("priceKey's one-pass value is the double Number() gives, for every accepted spelling (10⁵ random)", () => {
  // the fast path (digits / 10^k) must agree with the correctly rounded conversion bit for bit;
  // independent reference: Number(), which V8 rounds correctly
  let state = 12345;
  const rand = (n: number) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state % n;
  };
  const digits = (n: number) => Array.from({ length: n }, () => String(rand(10))).join("");
  let checked = 0;
  for (let i = 0; i < 100_000; i++) {
    const int = rand(4) === 0 ? "0" : digits(1 + rand(9));
    const frac = rand(3) === 0 ? "" : digits(1 + rand(22)) + "0".repeat(rand(8));
    const s = frac === "" ? int : `${int}.${frac}`;
    if (s.length > 32) continue;
    const key = priceKey(s);
    const sig = s.replace(".", "").replace(/^0+/, "").replace(/0+$/, "").length;
    if (sig === 0 || sig > 15) {
      assert.ok(Number.isNaN(key), `"${s}" (${sig} significant digits) must be refused`);
    } else {
      assert.equal(key, Number(s), `"${s}"`);
      checked++;
    }
  }
  assert.ok(checked > 30_000, `${checked} accepted spellings checked`);
});
