/**
 * Funding state per (exchange, symbol): the current rate, the next funding time, the interval in
 * hours and the mark price. Pure.
 *
 * The interval is per symbol and changes (SKL went from 8 h to 1 h), so it is **never assumed**:
 * it comes from the exchange (`/fapi/v1/fundingInfo`, Bybit `fundingIntervalHour`), from the
 * spacing of the last two settlements in the funding history, or from watching the next funding
 * time advance across a settlement; until one of those is known it is `null`. Bybit ticker deltas
 * carry only the fields that changed and are merged into the last snapshot; a delta before any
 * snapshot has nothing to merge into and is dropped.
 * @module
 */
import type { BinanceFundingInfo, BinanceMarkPrice } from "./binance/parse.ts";
import type { BybitTicker, BybitTickerFields } from "./bybit/parse.ts";
import type { Exchange } from "./sync.ts";

const HOUR_MS = 3_600_000;

/** Where a funding interval came from. */
export type IntervalSource = "exchange" | "history" | "observed";

/** The funding state of one symbol on one exchange. Immutable; every change makes a new one. */
export interface FundingEntry {
  /** The exchange. */
  readonly exchange: Exchange;
  /** The symbol. */
  readonly symbol: string;
  /** The current funding rate (decimal string), or `null` when the contract has none. */
  readonly rate: string | null;
  /** When the next funding settles, ms, or `null`. */
  readonly nextFundingTimeMs: number | null;
  /** Hours between settlements, or `null` until known (never assumed). */
  readonly intervalHours: number | null;
  /** Where `intervalHours` came from, or `null`. */
  readonly intervalSource: IntervalSource | null;
  /** Mark price (decimal string), or `null`. */
  readonly markPrice: string | null;
  /** Index price (decimal string), or `null`. */
  readonly indexPrice: string | null;
  /** Exchange time of the observation, ms. */
  readonly updatedAtMs: number;
  /** `ws` (stream) or `rest`. */
  readonly source: "ws" | "rest";
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function sameState(a: FundingEntry, b: FundingEntry): boolean {
  return a.rate === b.rate && a.nextFundingTimeMs === b.nextFundingTimeMs &&
    a.intervalHours === b.intervalHours && a.markPrice === b.markPrice &&
    a.indexPrice === b.indexPrice;
}

/**
 * The interval implied by the next funding time moving from `prevNext` to `next` once the
 * settlement at `prevNext` has passed (`atMs >= prevNext`): a whole number of hours, else `null`.
 */
export function observedIntervalHours(
  prevNext: number | null,
  next: number | null,
  atMs: number,
): number | null {
  if (prevNext === null || next === null || next <= prevNext || atMs < prevNext) return null;
  const hours = (next - prevNext) / HOUR_MS;
  return Number.isInteger(hours) ? hours : null;
}

/**
 * Funding for every tracked symbol. Each `apply…` returns the new {@link FundingEntry} when the
 * observation changed the rate, next time, interval, mark or index price, else `undefined` (so the
 * IO side publishes and stores only changes).
 *
 * @example
 * ```ts
 * import { FundingState } from "./funding.ts";
 * const f = new FundingState();
 * f.applyBinanceMark({
 *   symbol: "BTCUSDT", markPrice: "11794.15", indexPrice: "11784.62", estimatedSettlePrice: null,
 *   fundingRate: "0.00038167", nextFundingTimeMs: 1562306400000, eventTimeMs: 1562305380000,
 * });
 * f.get("binance", "BTCUSDT")?.intervalHours; // null: not known yet, never assumed
 * ```
 */
export class FundingState {
  readonly #entries = new Map<string, FundingEntry>();
  /** Merged Bybit ticker fields per symbol (deltas merge into these). */
  readonly #tickers = new Map<string, BybitTickerFields>();
  /** Bybit ticker deltas dropped because no snapshot had arrived for their symbol. */
  droppedDeltas = 0;

  /** The entry of `symbol` on `exchange`, or `undefined`. */
  get(exchange: Exchange, symbol: string): FundingEntry | undefined {
    return this.#entries.get(`${exchange}:${symbol}`);
  }

  /** Every entry, by exchange then symbol. */
  entries(): FundingEntry[] {
    return [...this.#entries.values()].sort((a, b) =>
      a.exchange === b.exchange
        ? (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0)
        : (a.exchange < b.exchange ? -1 : 1)
    );
  }

  #commit(next: FundingEntry): FundingEntry | undefined {
    const key = `${next.exchange}:${next.symbol}`;
    const prev = this.#entries.get(key);
    this.#entries.set(key, next);
    return prev && sameState(prev, next) ? undefined : next;
  }

  /** Keeps a known interval unless the next funding time just revealed a (possibly new) one. */
  #interval(
    prev: FundingEntry | undefined,
    next: number | null,
    atMs: number,
  ): Pick<FundingEntry, "intervalHours" | "intervalSource"> {
    const seen = observedIntervalHours(prev?.nextFundingTimeMs ?? null, next, atMs);
    if (seen !== null) return { intervalHours: seen, intervalSource: "observed" };
    return {
      intervalHours: prev?.intervalHours ?? null,
      intervalSource: prev?.intervalSource ?? null,
    };
  }

  /** A Binance `markPriceUpdate` (stream) or `premiumIndex` entry (`source: "rest"`). */
  applyBinanceMark(m: BinanceMarkPrice, source: "ws" | "rest" = "ws"): FundingEntry | undefined {
    const prev = this.get("binance", m.symbol);
    return this.#commit({
      exchange: "binance",
      symbol: m.symbol,
      rate: m.fundingRate,
      nextFundingTimeMs: m.nextFundingTimeMs,
      ...this.#interval(prev, m.nextFundingTimeMs, m.eventTimeMs),
      markPrice: m.markPrice,
      indexPrice: m.indexPrice,
      updatedAtMs: m.eventTimeMs,
      source,
    });
  }

  /**
   * Intervals from `/fapi/v1/fundingInfo` (fetched at `atMs`). Only symbols already tracked or
   * listed get an entry; a listed symbol not yet seen gets one with no rate.
   */
  applyBinanceFundingInfo(infos: readonly BinanceFundingInfo[], atMs: number): FundingEntry[] {
    const changed: FundingEntry[] = [];
    for (const info of infos) {
      const e = this.#setInterval("binance", info.symbol, info.intervalHours, "exchange", atMs);
      if (e) changed.push(e);
    }
    return changed;
  }

  /**
   * The interval implied by the last two settlement times of a funding history (any order, ms),
   * for a symbol the exchange did not list in its funding info.
   */
  applySettlementTimes(
    exchange: Exchange,
    symbol: string,
    timesMs: readonly number[],
    atMs: number,
  ): FundingEntry | undefined {
    if (timesMs.length < 2) return undefined;
    const sorted = [...timesMs].sort((a, b) => b - a);
    const hours = (sorted[0] - sorted[1]) / HOUR_MS;
    if (!(Number.isInteger(hours) && hours >= 1)) return undefined;
    return this.#setInterval(exchange, symbol, hours, "history", atMs);
  }

  #setInterval(
    exchange: Exchange,
    symbol: string,
    hours: number,
    intervalSource: IntervalSource,
    atMs: number,
  ): FundingEntry | undefined {
    const prev = this.get(exchange, symbol);
    return this.#commit({
      exchange,
      symbol,
      rate: prev?.rate ?? null,
      nextFundingTimeMs: prev?.nextFundingTimeMs ?? null,
      intervalHours: hours,
      intervalSource,
      markPrice: prev?.markPrice ?? null,
      indexPrice: prev?.indexPrice ?? null,
      updatedAtMs: prev?.updatedAtMs ?? atMs,
      source: prev?.source ?? "rest",
    });
  }

  /**
   * A Bybit ticker: a snapshot replaces the symbol's fields, a delta merges into them. `atMs` is
   * used when the message has no time of its own (REST entries); REST entries are `source: "rest"`.
   */
  applyBybitTicker(t: BybitTicker, atMs: number): FundingEntry | undefined {
    const last = this.#tickers.get(t.symbol);
    if (t.type === "delta" && !last) {
      this.droppedDeltas++;
      return undefined;
    }
    const merged: Mutable<BybitTickerFields> = t.type === "snapshot"
      ? { ...t.fields }
      : { ...last };
    if (t.type === "delta") {
      for (const [k, v] of Object.entries(t.fields)) {
        if (v !== undefined) (merged as Record<string, unknown>)[k] = v;
      }
    }
    this.#tickers.set(t.symbol, merged);
    const prev = this.get("bybit", t.symbol);
    const when = t.tsMs ?? atMs;
    const next = merged.nextFundingTimeMs ?? null;
    const exchangeHours = merged.fundingIntervalHours ?? null;
    return this.#commit({
      exchange: "bybit",
      symbol: t.symbol,
      rate: merged.fundingRate ?? null,
      nextFundingTimeMs: next,
      ...(exchangeHours !== null
        ? { intervalHours: exchangeHours, intervalSource: "exchange" as const }
        : this.#interval(prev, next, when)),
      markPrice: merged.markPrice ?? null,
      indexPrice: merged.indexPrice ?? null,
      updatedAtMs: when,
      source: t.tsMs === null ? "rest" : "ws",
    });
  }
}
