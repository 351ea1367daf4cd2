/**
 * A local order book with exact decimal levels. Pure: no IO, no clock.
 *
 * Each side is a sorted `Float64Array` of exact price keys ({@link priceKey}) with the wire
 * strings of the price and quantity in parallel arrays, ordered so that the **best level is at the
 * end**: updates cluster near the top of the book, and there an insert or delete moves only the
 * few levels above it. Asks are stored under the negated key so both sides share one code path.
 *
 * Chosen by measurement (10⁶ level updates near the top of a 5,000-level side, Deno 2.9.6, the
 * project's 2-core machine; docs/streams.md has the table): this layout applied 6.3–6.6 M
 * updates/s in `bench/streams_bench.ts`, a `Map` with a tracked best 1.8–2.0 M (every delete of
 * the best rescans the side); in a first trial, bigint keys in a `BigInt64Array` ran at 2.5–4.2 M,
 * normalised decimal strings with a digit-wise comparison at 1.9–2.2 M, and strings kept in a
 * `Map` beside the sorted keys at 0.9 M. Shifting the parallel string arrays (write barriers) is
 * the main cost left.
 * @module
 */
import { isZeroQty, normalizeDecimal, priceKey, priceProblem, qtyKind } from "./decimal.ts";
import { type CheckedLevels, keyMemo, memoKey, type WireLevel } from "./levels.ts";

/** Which side of the book. */
export type Side = "bid" | "ask";

const INITIAL_CAPACITY = 64;

/**
 * One side: `keys[0..n)` ascending by rank (bid: price, ask: −price), best at `n − 1`, and
 * `levels[i]` the wire pair `[price, qty]` at `keys[i]` — the very array `JSON.parse` made, so an
 * update stores one reference and a shift moves one array, not two.
 */
class BookSide {
  keys = new Float64Array(INITIAL_CAPACITY);
  levels: WireLevel[] = [];
  n = 0;

  constructor(readonly sign: 1 | -1) {}

  /**
   * Index of `rank`, or −(insertion point) − 1 when absent. Updates cluster near the best (the
   * end), so the search gallops down from the end (1, 2, 4 … levels) and then bisects the last
   * step: O(log d) for a level d from the top, instead of O(log n).
   */
  find(rank: number): number {
    const keys = this.keys, n = this.n;
    let hi = n, lo = n - 1, step = 1;
    while (lo >= 0 && keys[lo] >= rank) {
      hi = lo;
      lo -= step;
      step <<= 1;
    }
    lo = lo < 0 ? 0 : lo + 1;
    // keys[lo - 1] < rank <= keys[hi] (when those exist): the lower bound is in [lo, hi]
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keys[mid] < rank) lo = mid + 1;
      else hi = mid;
    }
    return lo < n && keys[lo] === rank ? lo : -lo - 1;
  }

  /**
   * Sets the level of `level[0]` (already validated; `key`: its exact key when known, else NaN)
   * to `level[1]`; a zero quantity removes it.
   */
  set(level: WireLevel, key: number): void {
    // validated: Number() is the exact key
    const rank = this.sign * (key === key ? key : Number(level[0]));
    const i = this.find(rank);
    if (isZeroQty(level[1])) {
      if (i >= 0) this.#removeAt(i);
    } else if (i >= 0) {
      this.levels[i] = level;
    } else {
      this.#insertAt(-i - 1, rank, level);
    }
  }

  // Updates cluster at the top (the end): a removal or an insertion shifts the few levels above
  // it, by hand (Array#splice allocates the array of removed elements on every call).
  #removeAt(i: number): void {
    const n = this.n, lv = this.levels;
    this.keys.copyWithin(i, i + 1, n);
    for (let k = i; k < n - 1; k++) lv[k] = lv[k + 1];
    lv.pop();
    this.n = n - 1;
  }

  #insertAt(i: number, rank: number, level: WireLevel): void {
    const n = this.n, lv = this.levels;
    if (n === this.keys.length) {
      const grown = new Float64Array(this.keys.length * 2);
      grown.set(this.keys);
      this.keys = grown;
    }
    this.keys.copyWithin(i + 1, i, n);
    this.keys[i] = rank;
    lv.push(level);
    for (let k = n; k > i; k--) lv[k] = lv[k - 1];
    lv[i] = level;
    this.n = n + 1;
  }

  /**
   * Replaces the side with `levels`: any order, zero quantities skipped, a repeated price keeps
   * its last entry.
   */
  load(levels: CheckedLevels): void {
    const byRank = new Map<number, number>();
    for (let i = 0; i < levels.length; i++) {
      const rank = this.sign * priceKey(levels[i][0]);
      if (isZeroQty(levels[i][1])) byRank.delete(rank);
      else byRank.set(rank, i);
    }
    const ranks = [...byRank.keys()].sort((a, b) => a - b);
    this.keys = new Float64Array(Math.max(INITIAL_CAPACITY, ranks.length * 2));
    this.keys.set(ranks);
    this.n = ranks.length;
    this.levels = ranks.map((r) => levels[byRank.get(r)!]);
  }

  clear(): void {
    this.n = 0;
    this.levels = [];
  }

  /** The best `depth` levels, best first (copies: the caller may keep them). */
  top(depth: number): WireLevel[] {
    const out: WireLevel[] = [];
    for (let i = this.n - 1; i >= 0 && out.length < depth; i--) {
      out.push([this.levels[i][0], this.levels[i][1]]);
    }
    return out;
  }
}

/**
 * An order book: bids and asks at exact decimal prices. Levels hold absolute quantities; setting a
 * quantity of zero removes the level (removing an absent level is a no-op, as the exchanges
 * expect). Read the state with {@link OrderBook.best}, {@link OrderBook.top},
 * {@link OrderBook.count} and {@link OrderBook.isCrossed}.
 *
 * @example
 * ```ts
 * import { OrderBook } from "./book.ts";
 * const book = new OrderBook();
 * book.set("bid", "100.50", "2");
 * book.set("ask", "100.6", "1.5");
 * book.set("bid", "100.5", "0"); // same price as "100.50": removes it
 * book.count("bid"); // 0
 * book.best("ask"); // ["100.6", "1.5"]
 * ```
 */
export class OrderBook {
  readonly #bids = new BookSide(1);
  readonly #asks = new BookSide(-1);

  #side(side: Side): BookSide {
    return side === "bid" ? this.#bids : this.#asks;
  }

  /**
   * Sets one level, validating both strings first. Throws `RangeError` naming the bad value (the
   * book is then unchanged).
   */
  set(side: Side, price: string, qty: string): void {
    if (!(priceKey(price) > 0)) {
      throw new RangeError(`Cannot set a ${side} level: price "${price}" ${priceProblem(price)}`);
    }
    if (qtyKind(qty) < 0) {
      throw new RangeError(
        `Cannot set a ${side} level at ${price}: quantity "${qty}" is not a decimal`,
      );
    }
    this.#side(side).set([price, qty], NaN);
  }

  /** Applies a message's level updates (validated by {@link checkLevels}), bids then asks. */
  apply(bids: CheckedLevels, asks: CheckedLevels): void {
    const b = this.#bids, a = this.#asks;
    // the keys checkLevels just computed for these very strings, when it did
    const mb = keyMemo(bids), ma = keyMemo(asks);
    for (let i = 0; i < bids.length; i++) b.set(bids[i], memoKey(mb, bids[i], i));
    for (let i = 0; i < asks.length; i++) a.set(asks[i], memoKey(ma, asks[i], i));
  }

  /** Replaces the whole book with a snapshot's levels. */
  replace(bids: CheckedLevels, asks: CheckedLevels): void {
    this.#bids.load(bids);
    this.#asks.load(asks);
  }

  /** Removes every level. */
  clear(): void {
    this.#bids.clear();
    this.#asks.clear();
  }

  /** Number of levels on a side. */
  count(side: Side): number {
    return this.#side(side).n;
  }

  /** The best level of a side as its wire strings, or `undefined` when the side is empty. */
  best(side: Side): WireLevel | undefined {
    const s = this.#side(side);
    if (s.n === 0) return undefined;
    const l = s.levels[s.n - 1];
    return [l[0], l[1]];
  }

  /** The best price of a side as a number (exact key), or `NaN` when the side is empty. */
  bestPrice(side: Side): number {
    const s = this.#side(side);
    return s.n === 0 ? NaN : s.sign * s.keys[s.n - 1];
  }

  /** The best `depth` levels of a side, best first, as wire strings. */
  top(side: Side, depth: number): WireLevel[] {
    return this.#side(side).top(depth);
  }

  /** Every level of a side, best first. */
  levels(side: Side): WireLevel[] {
    return this.#side(side).top(Infinity);
  }

  /** Whether the best bid is at or above the best ask: a book in that state is out of sync. */
  isCrossed(): boolean {
    const b = this.#bids, a = this.#asks;
    return b.n > 0 && a.n > 0 && b.keys[b.n - 1] >= -a.keys[a.n - 1];
  }

  /**
   * The first difference from `other` (same prices, quantities of equal value, on both sides), as
   * a sentence; `undefined` when the books are equal.
   */
  difference(other: OrderBook): string | undefined {
    for (const side of ["bid", "ask"] as const) {
      const x = this.#side(side), y = other.#side(side);
      for (let k = 1; k <= Math.max(x.n, y.n); k++) {
        const i = x.n - k, j = y.n - k;
        const lx = i >= 0 ? `${x.levels[i][0]} × ${x.levels[i][1]}` : "nothing";
        const ly = j >= 0 ? `${y.levels[j][0]} × ${y.levels[j][1]}` : "nothing";
        if (
          i < 0 || j < 0 || x.keys[i] !== y.keys[j] ||
          normalizeDecimal(x.levels[i][1]) !== normalizeDecimal(y.levels[j][1])
        ) {
          return `${side} level ${k}: ${lx} vs ${ly}`;
        }
      }
    }
    return undefined;
  }

  /** Whether `other` holds the same levels (prices and quantity values) on both sides. */
  equals(other: OrderBook): boolean {
    return this.difference(other) === undefined;
  }
}
