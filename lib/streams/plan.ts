/**
 * What a stream run subscribes to, as data: the books (exchange × market × symbol), and the
 * connections that carry them, split by each exchange's limits (Binance: streams per connection,
 * Bybit: topics per connection and args per subscribe request). Pure: the same options always
 * give the same plan, which a recording stores in its first line so a replay rebuilds the same
 * connections and books.
 * @module
 */
import { snapshotWeight } from "./binance/weights.ts";
import type { BookKey, Exchange, Market } from "./sync.ts";

/** The exchanges and markets a run can stream. */
export const EXCHANGES: readonly Exchange[] = ["binance", "bybit"];
/** Markets: spot and perpetual (Binance USDⓈ-M, Bybit linear). */
export const MARKETS: readonly Market[] = ["spot", "perp"];

/** Binance streams per connection (the spot limit is 1,024; nautilus caps futures at 200). */
export const BINANCE_STREAMS_PER_CONNECTION: Readonly<Record<Market, number>> = {
  spot: 1024,
  perp: 200,
};
/** Bybit topics per connection (our own bound, to keep one drop small). */
export const BYBIT_TOPICS_PER_CONNECTION = 100;
/** Bybit spot accepts at most 10 args per subscribe request; the same bound is used on linear. */
export const BYBIT_ARGS_PER_REQUEST = 10;

/** The user's choice, validated by {@link buildPlan}. */
export interface PlanOptions {
  /** Exchanges to stream from. */
  readonly exchanges: readonly Exchange[];
  /** Markets to stream. */
  readonly markets: readonly Market[];
  /** Symbols, as the exchanges spell them (upper case, e.g. `BTCUSDT`). */
  readonly symbols: readonly string[];
  /** Levels shown, cached and stored per side (1–200). */
  readonly depth: number;
  /** Levels per Binance REST snapshot (default 1000). */
  readonly snapshotLimit: number;
  /** Silence after which a book is stale and its connection reconnects, ms. */
  readonly staleAfterMs: number;
}

/** One WebSocket connection: what it carries and how it subscribes. */
export interface ConnectionPlan {
  /** `binance:spot:0`: the id frames and connection events are recorded under. */
  readonly id: string;
  /** The exchange. */
  readonly exchange: Exchange;
  /** The market. */
  readonly market: Market;
  /** Symbols whose book (and, on perpetuals, funding) this connection carries. */
  readonly symbols: readonly string[];
  /**
   * Binance: the stream names of the combined-stream URL (`btcusdt@depth@100ms`,
   * `btcusdt@markPrice@1s`). Bybit: the topics to subscribe (`orderbook.50.BTCUSDT`,
   * `tickers.BTCUSDT`).
   */
  readonly streams: readonly string[];
}

/** A validated plan. */
export interface StreamPlan extends PlanOptions {
  /** Every book, in a fixed order (exchange, market, symbol as given). */
  readonly books: readonly BookKey[];
  /** Every connection. */
  readonly connections: readonly ConnectionPlan[];
  /** The Bybit `orderbook.{depth}` topic depth used (50, or 200 for `depth` > 50). */
  readonly bybitDepth: number;
}

const SYMBOL = /^[A-Z0-9]{2,30}$/;

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The streams (Binance) or topics (Bybit) one symbol needs on one market. */
export function streamsOf(
  exchange: Exchange,
  market: Market,
  symbol: string,
  bybitDepth: number,
): string[] {
  if (exchange === "binance") {
    const s = symbol.toLowerCase();
    return market === "perp" ? [`${s}@depth@100ms`, `${s}@markPrice@1s`] : [`${s}@depth@100ms`];
  }
  const book = `orderbook.${bybitDepth}.${symbol}`;
  return market === "perp" ? [book, `tickers.${symbol}`] : [book];
}

/**
 * Builds the plan. Throws `RangeError` naming the bad option (an unknown exchange or market, a
 * symbol that is not upper-case letters and digits, a depth outside 1–200, no symbols).
 */
export function buildPlan(o: PlanOptions): StreamPlan {
  if (o.exchanges.length === 0) throw new RangeError("no exchange to stream from");
  if (o.markets.length === 0) throw new RangeError("no market to stream");
  if (o.symbols.length === 0) throw new RangeError("no symbol to stream");
  for (const e of o.exchanges) {
    if (!EXCHANGES.includes(e)) throw new RangeError(`unknown exchange "${e}"`);
  }
  for (const m of o.markets) {
    if (!MARKETS.includes(m)) throw new RangeError(`unknown market "${m}"`);
  }
  for (const s of o.symbols) {
    if (!SYMBOL.test(s)) throw new RangeError(`symbol "${s}" is not like BTCUSDT`);
  }
  if (!(Number.isInteger(o.depth) && o.depth >= 1 && o.depth <= 200)) {
    throw new RangeError(`depth must be 1–200, got ${o.depth}`);
  }
  if (o.exchanges.includes("binance")) {
    // throws naming the limits Binance accepts
    for (const m of o.markets) snapshotWeight(m, o.snapshotLimit);
  }
  if (!(o.staleAfterMs > 0)) {
    throw new RangeError(`staleAfterMs must be > 0, got ${o.staleAfterMs}`);
  }
  const exchanges = EXCHANGES.filter((e) => o.exchanges.includes(e));
  const markets = MARKETS.filter((m) => o.markets.includes(m));
  const symbols = [...new Set(o.symbols)];
  const bybitDepth = o.depth <= 50 ? 50 : 200;
  const books: BookKey[] = [];
  const connections: ConnectionPlan[] = [];
  for (const exchange of exchanges) {
    for (const market of markets) {
      for (const symbol of symbols) books.push({ exchange, market, symbol });
      const perSymbol = streamsOf(exchange, market, symbols[0], bybitDepth).length;
      const limit = exchange === "binance"
        ? BINANCE_STREAMS_PER_CONNECTION[market]
        : BYBIT_TOPICS_PER_CONNECTION;
      const groups = chunk(symbols, Math.max(1, Math.floor(limit / perSymbol)));
      groups.forEach((group, i) =>
        connections.push({
          id: `${exchange}:${market}:${i}`,
          exchange,
          market,
          symbols: group,
          streams: group.flatMap((s) => streamsOf(exchange, market, s, bybitDepth)),
        })
      );
    }
  }
  return { ...o, exchanges, markets, symbols, books, connections, bybitDepth };
}

/**
 * Reads the plan of a recording's `start` line back. Throws `RangeError` naming the field when it
 * is not a plan.
 */
export function planFromJson(v: unknown): PlanOptions {
  const o = (typeof v === "object" && v !== null ? v : {}) as Record<string, unknown>;
  const strings = (k: string): string[] => {
    const a = o[k];
    if (!Array.isArray(a) || !a.every((x) => typeof x === "string")) {
      throw new RangeError(`plan.${k}: expected a list of names`);
    }
    return a as string[];
  };
  const number = (k: string): number => {
    if (typeof o[k] !== "number" || !Number.isFinite(o[k])) {
      throw new RangeError(`plan.${k}: expected a number`);
    }
    return o[k] as number;
  };
  const plan: PlanOptions = {
    exchanges: strings("exchanges") as Exchange[],
    markets: strings("markets") as Market[],
    symbols: strings("symbols"),
    depth: number("depth"),
    snapshotLimit: number("snapshotLimit"),
    staleAfterMs: number("staleAfterMs"),
  };
  buildPlan(plan);
  return plan;
}
