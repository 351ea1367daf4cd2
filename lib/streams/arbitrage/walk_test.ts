import assert from "node:assert/strict";
import { add, type Dec, dec, divide, divideFloor, mul, sub, toText } from "./exact.ts";
import { exactLevels, type LevelSource, walkBooks, type WalkInput } from "./walk.ts";

const lv = (levels: [string, string][]): LevelSource =>
  exactLevels(levels.map(([p, q]) => [dec(p), dec(q)]));

function input(over: Partial<WalkInput> = {}): WalkInput {
  return {
    // buy book asks / sell book bids of the worked example below
    asks: lv([["100.00", "1"], ["100.10", "2"], ["100.50", "5"]]),
    bids: lv([["101.00", "1.5"], ["100.80", "1"], ["100.30", "3"]]),
    buyFee: dec("0.001"),
    sellFee: dec("0.001"),
    rate: dec("1"),
    fixedCost: dec("0"),
    thresholdBps: dec("5"),
    lotDigits: 8,
    ...over,
  };
}

Deno.test("exact decimals: sums and products are exact, ratios round as stated", () => {
  assert.equal(toText(add(dec("0.1"), dec("0.2"))), "0.3");
  assert.equal(toText(mul(dec("100.10"), dec("1.5"))), "150.15");
  assert.equal(toText(sub(dec("1"), dec("1.00000000000000000001"))), "-0.00000000000000000001");
  assert.equal(toText(dec(1e-7)), "0.0000001");
  assert.equal(toText(dec(35743.98)), "35743.98");
  assert.equal(toText(divide(dec("2"), dec("3"), 4)), "0.6667");
  assert.equal(toText(divide(dec("-2"), dec("3"), 4)), "-0.6667");
  assert.equal(toText(divideFloor(dec("2"), dec("3"), 4)), "0.6666");
  assert.throws(() => dec("1,5"), RangeError);
  assert.throws(() => dec(NaN), RangeError);
});

Deno.test("walk: takes every unit that gains after fees, and stops where the next loses", () => {
  // u = bid × 0.999 − ask × 1.001 per unit:
  //   1   @ 100.00 / 101.00: 100.899 − 100.1      = 0.799
  //   0.5 @ 100.10 / 101.00: 100.899 − 100.2001   = 0.6989
  //   1   @ 100.10 / 100.80: 100.6992 − 100.2001  = 0.4991
  //   next  100.10 / 100.30: 100.1997 − 100.2001  = −0.0004  → stop at 2.5
  // buy notional 100 + 1.5 × 100.10 = 250.15; sell notional 1.5 × 101 + 100.8 = 252.3
  // net 0.799 + 0.34945 + 0.4991 = 1.64755 (= 252.3 × 0.999 − 250.15 × 1.001)
  const r = walkBooks(input())!;
  assert.equal(toText(r.size), "2.5");
  assert.equal(toText(r.buyNotional), "250.15");
  assert.equal(toText(r.sellNotional), "252.3");
  assert.equal(toText(r.buyFeeAmount), "0.25015");
  assert.equal(toText(r.sellFeeAmount), "0.2523");
  assert.equal(toText(r.netAmount), "1.64755");
  assert.equal(r.buyLevels, 2);
  assert.equal(r.sellLevels, 2);
  assert.equal(r.capped, false);
});

Deno.test("walk: the notional cap ends the size inside a level, floored to the lot", () => {
  // room after level 1 is 150 − 100 = 50 at 100.10: 50 / 100.10 = 0.4995004995… → 0.49950049
  // net 0.799 + 0.6989 × 0.49950049 = 0.799 + 0.349100892461 = 1.148100892461
  const r = walkBooks(input({ maxNotional: dec("150") }))!;
  assert.equal(toText(r.size), "1.49950049");
  assert.equal(toText(r.buyNotional), "149.999999049");
  assert.equal(toText(r.netAmount), "1.148100892461");
  assert.equal(r.capped, true);
});

Deno.test("walk: the size is floored to the lot, and its totals walked again", () => {
  // lot 1 BTC: 2.5 → 2; buy 100 + 100.10 = 200.10; sell 1.5 × 101 + 0.5 × 100.80 = 201.9
  // net 0.799 + 0.5 × 0.6989 + 0.5 × 0.4991 = 1.398 (= 201.9 × 0.999 − 200.10 × 1.001)
  const r = walkBooks(input({ lotDigits: 0 }))!;
  assert.equal(toText(r.size), "2");
  assert.equal(toText(r.buyNotional), "200.1");
  assert.equal(toText(r.sellNotional), "201.9");
  assert.equal(toText(r.netAmount), "1.398");
  assert.deepEqual([r.buyLevels, r.sellLevels], [2, 2]);
  // a lot larger than the whole crossing leaves nothing
  assert.equal(walkBooks(input({ asks: lv([["100", "0.4"]]), lotDigits: 0 })), undefined);
});

Deno.test("walk: fees that exceed the crossing leave no opportunity", () => {
  // crossed by 10 bps, charged 20: 100.10 × 0.999 − 100 × 1.001 = −0.1001 per unit
  const x = input({ asks: lv([["100", "1"]]), bids: lv([["100.10", "1"]]) });
  assert.equal(walkBooks(x), undefined);
  // without fees the same books gain 0.10 on 100 = 10 bps
  const free = walkBooks({ ...x, buyFee: dec("0"), sellFee: dec("0") })!;
  assert.equal(toText(free.netAmount), "0.1");
});

Deno.test("walk: a fixed cost larger than the depth's gain leaves no opportunity", () => {
  // the whole crossing earns 1.64755; with 1.6 fixed, 0.04755 on 250.15 is 1.9 bps < 5
  assert.equal(walkBooks(input({ fixedCost: dec("1.6") })), undefined);
  // with 1 fixed: 0.64755 / 250.15 = 25.9 bps, the full size still clears 5 bps
  const r = walkBooks(input({ fixedCost: dec("1") }))!;
  assert.equal(toText(r.netAmount), "0.64755");
});

Deno.test("walk: the threshold limits the size where the average edge would fall below it", () => {
  // no fees, threshold 20 bps (m = 0.002):
  //   1  @ 100 / 101:     u = 1,   slope of P − m·N = 1 − 0.2 = 0.8
  //   10 @ 100.2 / 100.3: u = 0.1, slope 0.1 − 0.2004 = −0.1004
  // the peak (11 units) earns 2 on 1102 = 18.1 bps < 20; the largest size clearing 20 bps:
  //   0.8 / 0.1004 = 7.968127490… → 7.96812749 more, size 8.96812749
  //   notional 100 + 100.2 × 7.96812749 = 898.406374498, net 1 + 0.796812749 = 1.796812749
  const r = walkBooks(input({
    asks: lv([["100", "1"], ["100.2", "10"]]),
    bids: lv([["101", "1"], ["100.3", "10"]]),
    buyFee: dec("0"),
    sellFee: dec("0"),
    thresholdBps: dec("20"),
  }))!;
  assert.equal(toText(r.size), "8.96812749");
  assert.equal(toText(r.buyNotional), "898.406374498");
  assert.equal(toText(r.netAmount), "1.796812749");
  const bps: Dec = divide(mul(r.netAmount, dec("10000")), r.buyNotional, 6);
  assert.ok(Number(toText(bps)) >= 20 && Number(toText(bps)) < 20.0001, toText(bps));
});

Deno.test("walk: books that do not cross give nothing", () => {
  const x = input({ asks: lv([["101", "1"]]), bids: lv([["100", "1"]]) });
  assert.equal(walkBooks(x), undefined);
  assert.equal(walkBooks(input({ asks: exactLevels([]) })), undefined);
});
