/**
 * The walk's size against an independent brute force in doubles: for random crossing books, fees,
 * thresholds and fixed costs, no size at any level boundary that clears the threshold earns more
 * than the walk's, the walk's own size clears it, and a slightly larger size is either refused
 * by the threshold or earns no more.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { dec, toNumber } from "./exact.ts";
import { exactLevels, walkBooks } from "./walk.ts";

type Lv = [number, number][];

/** Net profit and buy notional of `q` units in doubles, or undefined without the depth. */
function at(asks: Lv, bids: Lv, q: number, fb: number, fs: number, fixed: number) {
  const take = (levels: Lv) => {
    let left = q, total = 0;
    for (const [p, n] of levels) {
      const t = Math.min(n, left);
      total += p * t;
      left -= t;
      if (left <= 1e-12) return total;
    }
    return undefined;
  };
  const buy = take(asks), sell = take(bids);
  if (buy === undefined || sell === undefined) return undefined;
  return { net: sell * (1 - fs) - buy * (1 + fb) - fixed, notional: buy };
}

const level = (base: number, step: number) =>
  fc.array(fc.tuple(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 3000 })), {
    minLength: 1,
    maxLength: 6,
  }).map((xs) => {
    let p = base;
    return xs.map(([d, q]) => {
      p += step * d;
      return [Math.round(p * 100) / 100, q / 1000] as [number, number];
    });
  });

Deno.test("walk: its size earns the most among sizes that clear the threshold (brute force)", () => {
  fc.assert(
    fc.property(
      level(100, 0.01),
      level(100.5, -0.01),
      fc.integer({ min: 0, max: 20 }),
      fc.integer({ min: 0, max: 20 }),
      fc.integer({ min: 0, max: 30 }),
      fc.integer({ min: 0, max: 50 }),
      (asks, bids, fbTenth, fsTenth, bps, fixedCents) => {
        const fb = fbTenth / 10_000, fs = fsTenth / 10_000, fixed = fixedCents / 100;
        const r = walkBooks({
          asks: exactLevels(asks.map(([p, q]) => [dec(p), dec(q)])),
          bids: exactLevels(bids.map(([p, q]) => [dec(p), dec(q)])),
          buyFee: dec(fb),
          sellFee: dec(fs),
          rate: dec(1),
          fixedCost: dec(fixed),
          thresholdBps: dec(bps),
          lotDigits: 8,
        });
        const ok = (x: { net: number; notional: number }) =>
          x.net - bps / 1e4 * x.notional >= -1e-9;
        // candidate sizes: every boundary of either side's cumulative depth
        const cum = (l: Lv) => l.reduce<number[]>((a, [, q]) => [...a, (a.at(-1) ?? 0) + q], []);
        const sizes = [...cum(asks), ...cum(bids)];
        let best = 0;
        for (const q of sizes) {
          const x = at(asks, bids, q, fb, fs, fixed);
          if (x && ok(x) && x.net > best) best = x.net;
        }
        if (!r) {
          assert.ok(best <= 1e-9, `no result, but a boundary size earns ${best}`);
          return;
        }
        const size = toNumber(r.size), net = toNumber(r.netAmount);
        const mine = at(asks, bids, size, fb, fs, fixed)!;
        assert.ok(Math.abs(mine.net - net) < 1e-6, `net ${net} vs ${mine.net}`);
        assert.ok(ok(mine), "the walk's size clears the threshold");
        assert.ok(net >= best - 1e-6, `a boundary earns ${best} > ${net}`);
        const more = at(asks, bids, size + 1e-6, fb, fs, fixed);
        assert.ok(!more || !ok(more) || more.net <= net + 1e-6, "a larger size is no better");
      },
    ),
    { numRuns: 400, seed: 9 },
  );
});
