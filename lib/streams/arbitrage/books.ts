/**
 * The books the detector holds: the latest {@link PublishedBook} per book id, its base and quote
 * asset, and its levels as exact decimals (converted once per update, and only when a pair
 * involving the book crosses). Also the veto: a book that is not `live`, older than the age
 * limit, crossed, or empty on a side is never traded against. Pure.
 * @module
 */
import type { PublishedBook, PublishedFunding, PublishedLevel } from "../published.ts";
import { BOOK_STATES, bookId } from "../sync.ts";
import { type FeeKey, splitSymbol } from "./costs.ts";
import { dec } from "./exact.ts";
import type { Dec } from "./exact.ts";
import type { LevelSource } from "./walk.ts";

/** A book as the detector holds it. */
export class HeldBook {
  /** `binance:spot:BTCUSDT`. */
  readonly id: string;
  /** Base asset. */
  readonly base: string;
  /** Quote currency. */
  readonly quote: string;
  /** `binance:spot`. */
  readonly feeKey: FeeKey;
  #asks?: LazyLevels;
  #bids?: LazyLevels;

  /** Holds `book`, whose symbol splits into `base`/`quote`. */
  constructor(readonly book: PublishedBook, base: string, quote: string) {
    this.id = bookId(book);
    this.base = base;
    this.quote = quote;
    this.feeKey = `${book.exchange}:${book.market}`;
  }

  /** The asks, exact, best first (each level converted when first read). */
  get asks(): LevelSource {
    return (this.#asks ??= new LazyLevels(this.book.asks));
  }

  /** The bids, exact, best first. */
  get bids(): LevelSource {
    return (this.#bids ??= new LazyLevels(this.book.bids));
  }

  /** Age of the book at `nowMs` (now − received). */
  ageMs(nowMs: number): number {
    return nowMs - this.book.receivedAtMs;
  }
}

/** Published levels read as exact decimals on demand: a walk touches only the top few. */
class LazyLevels implements LevelSource {
  readonly #src: readonly PublishedLevel[];
  readonly #prices: Dec[] = [];
  readonly #qtys: Dec[] = [];

  constructor(src: readonly PublishedLevel[]) {
    this.#src = src;
  }

  get length(): number {
    return this.#src.length;
  }

  price(i: number): Dec {
    return (this.#prices[i] ??= dec(this.#src[i][0]));
  }

  qty(i: number): Dec {
    return (this.#qtys[i] ??= dec(this.#src[i][1]));
  }
}

/**
 * Why a book must not be traded against at `nowMs`, or `undefined` when it may: `syncing`,
 * `resyncing` or `stale` (its state), `old` (older than `maxAgeMs`), `crossed` (best bid at or
 * above best ask: out of sync), `empty` (a side without levels).
 */
export function veto(book: PublishedBook, nowMs: number, maxAgeMs: number): string | undefined {
  if (book.state !== "live") return book.state;
  if (nowMs - book.receivedAtMs > maxAgeMs) return "old";
  if (book.bids.length === 0 || book.asks.length === 0) return "empty";
  if (book.bids[0][0] >= book.asks[0][0]) return "crossed";
  return undefined;
}

/** Checks a published book's shape; the reason it is unusable, or `undefined`. */
export function bookProblem(v: unknown): string | undefined {
  if (typeof v !== "object" || v === null) return "expected a published book object";
  const b = v as Record<string, unknown>;
  if (b.exchange !== "binance" && b.exchange !== "bybit") {
    return "exchange: expected binance or bybit";
  }
  if (b.market !== "spot" && b.market !== "perp") return "market: expected spot or perp";
  if (typeof b.symbol !== "string" || !splitSymbol(b.symbol)) {
    return `symbol: expected a symbol ending in a known quote currency, got ${String(b.symbol)}`;
  }
  if (!(BOOK_STATES as readonly string[]).includes(String(b.state))) return "state: unknown";
  for (const f of ["updateId", "receivedAtMs"]) {
    if (typeof b[f] !== "number" || !Number.isFinite(b[f])) return `${f}: expected a number`;
  }
  for (const side of ["bids", "asks"] as const) {
    const levels = b[side];
    if (!Array.isArray(levels)) return `${side}: expected a list of [price, quantity]`;
    for (let i = 0; i < levels.length; i++) {
      const l = levels[i];
      if (
        !Array.isArray(l) || !(l[0] > 0) || !(l[1] > 0) || !Number.isFinite(l[0]) ||
        !Number.isFinite(l[1])
      ) {
        return `${side}[${i}]: expected [price > 0, quantity > 0]`;
      }
      const prev = levels[i - 1];
      if (prev && (side === "bids" ? l[0] >= prev[0] : l[0] <= prev[0])) {
        return `${side}[${i}]: levels must be best first, without repeats`;
      }
    }
  }
  return undefined;
}

/** Checks a published funding state's shape; the reason it is unusable, or `undefined`. */
export function fundingProblem(v: unknown): string | undefined {
  if (typeof v !== "object" || v === null) return "expected a published funding object";
  const f = v as Partial<PublishedFunding>;
  if (f.exchange !== "binance" && f.exchange !== "bybit") {
    return "exchange: expected binance or bybit";
  }
  if (typeof f.symbol !== "string") return "symbol: expected a string";
  if (f.rate !== null && !Number.isFinite(f.rate)) return "rate: expected a number or null";
  return undefined;
}
