/**
 * A local order book with exact decimal levels. Pure: no IO, no clock.
 *
 * Each side is a sorted `Float64Array` of exact price keys ({@link priceKey}) with, in a parallel
 * `Int32Array`, the slot of each level's wire pair `[price, qty]` (the array the frame's parse made) in
 * a pool where pairs never move, ordered so that the **best level is at the end**: updates
 * cluster near the top of the book, and there an insert or delete shifts only the few levels
 * above it — in typed arrays only (no write barriers, no allocation). A level is found by
 * galloping down from the best. Asks are stored under the negated key so both sides share one
 * code path. The keys (and zero flags) a message's check just computed are reused ({@link keyMemo}).
 *
 * Chosen by measurement (10⁶ level updates near the top of a 5,000-level side, Deno 2.9.6, the
 * project's 2-core machine; docs/streams.md has the table): sorted keys with the best at the end
 * applied 6.3–7.3 M updates/s (7.3–8.9 M after the later speed work) in `bench/streams_bench.ts`, a `Map` with a tracked best 1.8–2.3 M
 * (every delete of the best rescans the side); in a first trial, bigint keys in a
 * `BigInt64Array` ran at 2.5–4.2 M, normalised decimal strings with a digit-wise comparison at
 * 1.9–2.2 M, and strings kept in a `Map` beside the sorted keys at 0.9 M.
 * @module
 */
import { isZeroQty, normalizeDecimal, priceKey, priceProblem, qtyKind } from "./decimal.ts";
import { type CheckedLevels, keyMemo, memoKey, type WireLevel } from "./levels.ts";

/** Which side of the book. */
export type Side = "bid" | "ask";

const INITIAL_CAPACITY = 64;
/** Shifts of up to this many levels are done by a loop rather than `copyWithin`. */
const SHORT_SHIFT = 64;

/**
 * One side: `keys[0..n)` ascending by rank (bid: price, ask: −price), best at `n − 1`, and
 * `slots[i]` the index in `pool` of the wire pair `[price, qty]` at `keys[i]` — the very array
 * the frame's parse made. A removal or an insertion shifts only the two typed arrays (no write barrier,
 * no allocation); `pool` entries never move, freed slots are reused.
 */
class BookSide {
  keys = new Float64Array(INITIAL_CAPACITY);
  slots = new Int32Array(INITIAL_CAPACITY);
  pool: (WireLevel | undefined)[] = [];
  free: number[] = [];
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

  /** The wire pair at index `i` (`0 <= i < n`). */
  at(i: number): WireLevel {
    return this.pool[this.slots[i]]!;
  }

  /**
   * Sets the level of `level[0]` (already validated) to `level[1]`; a zero quantity removes it.
   * `memo`: the entry {@link memoKey} gave — the exact key, negated for a zero quantity — or NaN.
   */
  set(level: WireLevel, memo: number): void {
    let key = memo, zero: boolean;
    if (memo === memo) {
      zero = memo < 0;
      if (zero) key = -memo;
    } else {
      key = Number(level[0]); // validated: Number() is the exact key
      zero = isZeroQty(level[1]);
    }
    const rank = this.sign * key;
    const i = this.find(rank);
    if (zero) {
      if (i >= 0) this.#removeAt(i);
    } else if (i >= 0) {
      this.pool[this.slots[i]] = level;
    } else {
      this.#insertAt(-i - 1, rank, level);
    }
  }

  #removeAt(i: number): void {
    const keys = this.keys, slots = this.slots, n = this.n - 1;
    const slot = slots[i];
    this.pool[slot] = undefined;
    this.free.push(slot);
    // near the best (the end) only a few levels move: a loop beats copyWithin's call
    if (n - i <= SHORT_SHIFT) {
      for (let j = i; j < n; j++) {
        keys[j] = keys[j + 1];
        slots[j] = slots[j + 1];
      }
    } else {
      keys.copyWithin(i, i + 1, n + 1);
      slots.copyWithin(i, i + 1, n + 1);
    }
    this.n = n;
  }

  #insertAt(i: number, rank: number, level: WireLevel): void {
    const n = this.n;
    if (n === this.keys.length) {
      const keys = new Float64Array(n * 2), slots = new Int32Array(n * 2);
      keys.set(this.keys);
      slots.set(this.slots);
      this.keys = keys;
      this.slots = slots;
    }
    let slot = this.free.pop();
    if (slot === undefined) slot = this.pool.push(level) - 1;
    else this.pool[slot] = level;
    const keys = this.keys, slots = this.slots;
    if (n - i <= SHORT_SHIFT) {
      for (let j = n; j > i; j--) {
        keys[j] = keys[j - 1];
        slots[j] = slots[j - 1];
      }
    } else {
      keys.copyWithin(i + 1, i, n);
      slots.copyWithin(i + 1, i, n);
    }
    keys[i] = rank;
    slots[i] = slot;
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
    this.slots = new Int32Array(this.keys.length);
    for (let i = 0; i < ranks.length; i++) this.slots[i] = i;
    this.pool = ranks.map((r) => levels[byRank.get(r)!]);
    this.free = [];
  }

  clear(): void {
    this.n = 0;
    this.pool = [];
    this.free = [];
  }

  /** The best `depth` levels, best first (copies: the caller may keep them). */
  top(depth: number): WireLevel[] {
    const out: WireLevel[] = [];
    for (let i = this.n - 1; i >= 0 && out.length < depth; i--) {
      const l = this.at(i);
      out.push([l[0], l[1]]);
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
    const l = s.at(s.n - 1);
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
        const lx = i >= 0 ? `${x.at(i)[0]} × ${x.at(i)[1]}` : "nothing";
        const ly = j >= 0 ? `${y.at(j)[0]} × ${y.at(j)[1]}` : "nothing";
        if (
          i < 0 || j < 0 || x.keys[i] !== y.keys[j] ||
          normalizeDecimal(x.at(i)[1]) !== normalizeDecimal(y.at(j)[1])
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
