/**
 * The depth walk: buy on one book's asks and sell on another's bids, the same base quantity on
 * both, and choose the size that **maximises net profit** while the net edge stays at or above a
 * threshold. Pure and exact ({@link Dec}).
 *
 * Per unit of base bought at ask `a` and sold at bid `b`, with taker fees `fb` (buy) and `fs`
 * (sell) and `r` units of the buy leg's quote per unit of the sell leg's quote, the net gain is
 * `u = b·(1 − fs)·r − a·(1 + fb)`. Walking the asks up and the bids down, `u` only falls, so net
 * profit `P(q)` (minus the fixed cost `F`) is concave and peaks where `u` turns ≤ 0, or where
 * the buy notional reaches the cap. The threshold `m` (net bps / 10⁴) asks
 * `P(q) − m·N(q) ≥ 0`, `N(q)` the buy notional; that function is concave too, so the sizes that
 * clear it form one interval and the answer is its right end or the peak of `P`, whichever is
 * smaller. The size is floored to the lot ({@link WalkInput.lotDigits} digits): the best multiple
 * of the lot below it, since net profit only rises up to the peak.
 * @module
 */
import {
  add,
  cmp,
  type Dec,
  divide,
  divideFloor,
  floorTo,
  mul,
  ONE,
  sign,
  sub,
  ZERO,
} from "./exact.ts";

/** One level, exact: price and quantity. */
export type ExactLevel = readonly [price: Dec, qty: Dec];

/** One side of a book, best first, read level by level (a walk reads only the levels it needs). */
export interface LevelSource {
  /** Number of levels. */
  readonly length: number;
  /** Price of level `i`. */
  price(i: number): Dec;
  /** Quantity of level `i`. */
  qty(i: number): Dec;
}

/** A {@link LevelSource} over exact levels. */
export function exactLevels(levels: readonly ExactLevel[]): LevelSource {
  return { length: levels.length, price: (i) => levels[i][0], qty: (i) => levels[i][1] };
}

/** What {@link walkBooks} needs. */
export interface WalkInput {
  /** Asks of the buy book, best (lowest) first. */
  readonly asks: LevelSource;
  /** Bids of the sell book, best (highest) first. */
  readonly bids: LevelSource;
  /** Taker fee of the buy leg, fraction of notional. */
  readonly buyFee: Dec;
  /** Taker fee of the sell leg. */
  readonly sellFee: Dec;
  /** Units of the buy leg's quote per unit of the sell leg's quote. */
  readonly rate: Dec;
  /** Fixed cost per opportunity, in the buy leg's quote. */
  readonly fixedCost: Dec;
  /** The net edge the size must keep, in bps of the buy notional. */
  readonly thresholdBps: Dec;
  /** Most buy notional (quote), or `undefined` for the whole crossing depth. */
  readonly maxNotional?: Dec;
  /** Fractional digits of a base quantity: the size is a multiple of 10^−lotDigits. */
  readonly lotDigits: number;
}

/** The chosen size and its totals. */
export interface WalkResult {
  /** Base quantity bought and sold. */
  readonly size: Dec;
  /** Buy notional before fees, buy quote: Σ ask × qty. */
  readonly buyNotional: Dec;
  /** Sell notional before fees, sell quote: Σ bid × qty. */
  readonly sellNotional: Dec;
  /** Buy fee paid, buy quote. */
  readonly buyFeeAmount: Dec;
  /** Sell fee paid, sell quote. */
  readonly sellFeeAmount: Dec;
  /** Net profit after both fees, the conversion and the fixed cost, buy quote. */
  readonly netAmount: Dec;
  /** Ask levels touched. */
  readonly buyLevels: number;
  /** Bid levels touched. */
  readonly sellLevels: number;
  /** True when the notional cap, not the books, limited the size. */
  readonly capped: boolean;
}

/** One step of the walk: `qty` at one (ask, bid) pair, and the totals after it. */
interface Step {
  qty: Dec;
  ask: Dec;
  bid: Dec;
  /** Slope of `P − m·N` per unit in this step (`u − m·a`). */
  slope: Dec;
  size: Dec;
  buy: Dec;
  sell: Dec;
  i: number;
  j: number;
}

const BPS = { m: 10000n, s: 0 } as const;

/** `P(q) − m·N(q)` at the totals of a step (before the fixed cost is subtracted, see callers). */
function surplus(sell: Dec, buy: Dec, x: WalkInput, m: Dec): Dec {
  const proceeds = mul(mul(sell, sub(ONE, x.sellFee)), x.rate);
  const cost = mul(buy, add(ONE, x.buyFee));
  return sub(sub(sub(proceeds, cost), x.fixedCost), mul(m, buy));
}

/** The steps of the walk while each unit still gains (`u > 0`), up to the notional cap. */
function steps(x: WalkInput): { steps: Step[]; capped: boolean } {
  const out: Step[] = [];
  const buyMul = add(ONE, x.buyFee), sellMul = mul(sub(ONE, x.sellFee), x.rate);
  const m = divide(x.thresholdBps, BPS, x.thresholdBps.s + 4);
  if (x.asks.length === 0 || x.bids.length === 0) return { steps: out, capped: false };
  let i = 0, j = 0, remA = x.asks.qty(0), remB = x.bids.qty(0);
  let size = ZERO, buy = ZERO, sell = ZERO;
  while (i < x.asks.length && j < x.bids.length) {
    const a = x.asks.price(i), b = x.bids.price(j);
    const u = sub(mul(b, sellMul), mul(a, buyMul));
    if (sign(u) <= 0) break;
    let q = cmp(remA, remB) <= 0 ? remA : remB;
    let capped = false;
    if (x.maxNotional) {
      const room = sub(x.maxNotional, buy);
      if (cmp(mul(a, q), room) > 0) {
        q = divideFloor(room, a, x.lotDigits);
        capped = true;
      }
    }
    if (sign(q) > 0) {
      size = add(size, q);
      buy = add(buy, mul(a, q));
      sell = add(sell, mul(b, q));
      out.push({ qty: q, ask: a, bid: b, slope: sub(u, mul(m, a)), size, buy, sell, i, j });
    }
    if (capped) return { steps: out, capped: true };
    remA = sub(remA, q);
    remB = sub(remB, q);
    if (sign(remA) === 0 && ++i < x.asks.length) remA = x.asks.qty(i);
    if (sign(remB) === 0 && ++j < x.bids.length) remB = x.bids.qty(j);
  }
  return { steps: out, capped: false };
}

function result(
  x: WalkInput,
  size: Dec,
  buy: Dec,
  sell: Dec,
  s: { readonly i: number; readonly j: number },
  capped: boolean,
): WalkResult {
  const buyFeeAmount = mul(buy, x.buyFee), sellFeeAmount = mul(sell, x.sellFee);
  const net = sub(
    sub(mul(sub(sell, sellFeeAmount), x.rate), add(buy, buyFeeAmount)),
    x.fixedCost,
  );
  return {
    size,
    buyNotional: buy,
    sellNotional: sell,
    buyFeeAmount,
    sellFeeAmount,
    netAmount: net,
    buyLevels: s.i + 1,
    sellLevels: s.j + 1,
    capped,
  };
}

/**
 * The size that maximises net profit with the net edge at or above `thresholdBps`, or
 * `undefined` when no size clears it (books not crossed by more than the fees, too little depth
 * for the fixed cost, …).
 *
 * @example
 * ```ts
 * import { dec, toText } from "./exact.ts";
 * import { exactLevels, walkBooks } from "./walk.ts";
 * const r = walkBooks({
 *   asks: exactLevels([[dec("100"), dec("1")]]), bids: exactLevels([[dec("101"), dec("2")]]),
 *   buyFee: dec("0.001"), sellFee: dec("0.001"), rate: dec("1"), fixedCost: dec("0"),
 *   thresholdBps: dec("5"), lotDigits: 8,
 * });
 * toText(r!.netAmount); // "0.799": 101 × 0.999 − 100 × 1.001
 * ```
 */
export function walkBooks(x: WalkInput): WalkResult | undefined {
  const r = bestSize(x);
  if (!r || r.size.s <= x.lotDigits) return r;
  // whole levels can leave finer digits than the lot: floor the size, and walk it again
  return atSize(x, floorTo(r.size, x.lotDigits), r.capped);
}

/** Quote notional of the first `size` units of `levels`, and the levels it reaches. */
function take(levels: LevelSource, size: Dec): { notional: Dec; levels: number } {
  let left = size, total = ZERO, i = 0;
  for (; i < levels.length && sign(left) > 0; i++) {
    const q = levels.qty(i);
    const t = cmp(q, left) < 0 ? q : left;
    total = add(total, mul(levels.price(i), t));
    left = sub(left, t);
  }
  return { notional: total, levels: i };
}

/** The totals of exactly `size` (within the walked depth), if it still clears the threshold. */
function atSize(x: WalkInput, size: Dec, capped: boolean): WalkResult | undefined {
  if (sign(size) <= 0) return undefined;
  const buy = take(x.asks, size), sell = take(x.bids, size);
  const m = divide(x.thresholdBps, BPS, x.thresholdBps.s + 4);
  if (sign(surplus(sell.notional, buy.notional, x, m)) < 0) return undefined;
  return result(x, size, buy.notional, sell.notional, {
    i: buy.levels - 1,
    j: sell.levels - 1,
  }, capped);
}

function bestSize(x: WalkInput): WalkResult | undefined {
  const { steps: all, capped } = steps(x);
  if (all.length === 0) return undefined;
  const m = divide(x.thresholdBps, BPS, x.thresholdBps.s + 4);
  const last = all[all.length - 1];
  if (sign(surplus(last.sell, last.buy, x, m)) >= 0) {
    return result(x, last.size, last.buy, last.sell, last, capped);
  }
  // The peak of P does not clear the threshold: the largest size that does lies before it.
  for (let k = all.length - 2; k >= -1; k--) {
    const at = k >= 0 ? all[k] : undefined;
    const g = at ? surplus(at.sell, at.buy, x, m) : sub(ZERO, x.fixedCost);
    if (sign(g) < 0) continue;
    const next = all[k + 1];
    // extend into the next step while g + slope·extra ≥ 0 (the slope is negative there)
    const extra = sign(next.slope) < 0
      ? divideFloor(g, sub(ZERO, next.slope), x.lotDigits)
      : next.qty;
    const q = cmp(extra, next.qty) < 0 ? extra : next.qty;
    const size = add(at?.size ?? ZERO, q);
    if (sign(size) === 0) return undefined;
    const buy = add(at?.buy ?? ZERO, mul(next.ask, q));
    const sell = add(at?.sell ?? ZERO, mul(next.bid, q));
    return result(x, size, buy, sell, next, false);
  }
  return undefined;
}
