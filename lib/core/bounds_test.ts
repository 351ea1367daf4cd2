import assert from "node:assert/strict";
import fc from "fast-check";
import {
  amountProblem,
  isAmount,
  isMacroValue,
  isPrice,
  macroValueProblem,
  MAX_AMOUNT,
  MAX_PRICE,
  priceProblem,
} from "./bounds.ts";
import { candleProblem } from "./candle.ts";

Deno.test("a price is finite, positive and at most 1e12", () => {
  assert.equal(priceProblem(1e-9), undefined);
  assert.equal(priceProblem(1e12), undefined);
  assert.equal(priceProblem(1e308), "must be at most 1e12, got 1e+308");
  assert.equal(priceProblem(0), "must be positive, got 0");
  assert.equal(priceProblem(-2), "must be positive, got -2");
  assert.equal(priceProblem(Infinity), "is not a number");
  assert.equal(priceProblem(NaN), "is not a number");
});

Deno.test("the bounds keep price x quantity finite: the largest price times the largest amount", () => {
  // 1e12 * 1e30 = 1e42, and a million such products summed stay below 1e49, far under 1.8e308
  assert.ok(Number.isFinite(MAX_PRICE * MAX_AMOUNT * 1e6));
  assert.ok(Number.isFinite(MAX_PRICE * MAX_PRICE * 1e6)); // squared prices (variances)
  assert.ok(!Number.isFinite(1e308 * 4)); // what the bound prevents: four such prices summed
});

Deno.test("volumes and market caps are finite, non-negative and at most 1e30; macro values any sign", () => {
  assert.equal(amountProblem(0), undefined);
  assert.equal(amountProblem(1e21), undefined);
  assert.equal(amountProblem(-3), "must not be negative, got -3");
  assert.equal(amountProblem(1e31), "must be at most 1e30, got 1e+31");
  assert.equal(macroValueProblem(-0.25), undefined);
  assert.match(macroValueProblem(-1e200)!, /between -1e30 and 1e30, got -1e\+200/);
});

Deno.test("candleProblem applies the same price rule to every field of a candle", () => {
  const ok = { ts: 0, open: 10, high: 12, low: 9, close: 11, volume: 5 };
  assert.equal(candleProblem(ok), undefined);
  assert.equal(
    candleProblem({ ...ok, high: 1e308 }),
    "high must be at most 1e12, got 1e+308",
  );
  assert.equal(candleProblem({ ...ok, volume: NaN }), undefined); // unknown volume
  assert.equal(candleProblem({ ...ok, volume: -1 }), "volume must not be negative, got -1");
});

Deno.test("the fast checks agree with the problem functions on every double", () => {
  const edges = [0, -0, 1e12, 1e12 * (1 + 2 ** -52), 1e30, -1e30, 1e31, NaN, Infinity, -Infinity];
  fc.assert(
    fc.property(
      fc.oneof(fc.double(), fc.constantFrom(...edges)),
      (v) =>
        isPrice(v) === (priceProblem(v) === undefined) &&
        isAmount(v) === (amountProblem(v) === undefined) &&
        isMacroValue(v) === (macroValueProblem(v) === undefined),
    ),
    { numRuns: 5000 },
  );
});
