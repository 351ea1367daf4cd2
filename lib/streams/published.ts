/**
 * What the stream publishes for other processes (the API server, the arbitrage detector, a second
 * `stream`): the contract between the stream runner and its consumers, so each can be built and
 * tested on its own. Top of book, the top levels and the latest funding per symbol are cached
 * under {@link bookCacheKey} / {@link fundingCacheKey} (with a TTL) and every change is published
 * on the channel of the same name (memory or Redis pub/sub, `lib/storage/cache.ts`), as the JSON
 * of a {@link PublishedBook} / {@link PublishedFunding}.
 * @module
 */
import type { BookKey, BookState, Exchange, Market } from "./sync.ts";

/** One price level as JSON numbers: `[price, quantity]`. */
export type PublishedLevel = readonly [price: number, quantity: number];

/** A book's published state: its sync state, counters and top levels, best first. */
export interface PublishedBook {
  /** The exchange. */
  readonly exchange: Exchange;
  /** The market. */
  readonly market: Market;
  /** The symbol as the exchange spells it, e.g. `BTCUSDT`. */
  readonly symbol: string;
  /** The book's sync state; consumers treat anything but `live` as not current. */
  readonly state: BookState;
  /** The `u` of the last applied message (Bybit too; never `seq`). */
  readonly updateId: number;
  /** Best bids first, at most the stream's `--depth` levels. */
  readonly bids: readonly PublishedLevel[];
  /** Best asks first, at most the stream's `--depth` levels. */
  readonly asks: readonly PublishedLevel[];
  /** Exchange event time of the last applied message, UTC ms (0 when unknown). */
  readonly eventTimeMs: number;
  /** When the last applied message was received, UTC ms (local clock). */
  readonly receivedAtMs: number;
  /** Rebuilds after the first sync. */
  readonly resyncs: number;
  /** Continuity breaks seen. */
  readonly gaps: number;
  /** Messages received for this book. */
  readonly messages: number;
}

/** A perpetual's published funding state. */
export interface PublishedFunding {
  /** The exchange. */
  readonly exchange: Exchange;
  /** The symbol, e.g. `BTCUSDT`. */
  readonly symbol: string;
  /** The current funding rate as a fraction per interval (0.0001 = 1 bp), or `null`. */
  readonly rate: number | null;
  /** Next settlement, ISO time, or `null`. */
  readonly nextFundingTime: string | null;
  /** Hours between settlements, or `null` until known (never assumed). */
  readonly intervalHours: number | null;
  /** Mark price, or `null`. */
  readonly markPrice: number | null;
  /** When this state was received, UTC ms (local clock). */
  readonly receivedAtMs: number;
}

/** `mts:book:binance:spot:BTCUSDT`: cache key and pub/sub channel of one book. */
export function bookCacheKey(key: BookKey): string {
  return `mts:book:${key.exchange}:${key.market}:${key.symbol}`;
}

/** `mts:funding:bybit:BTCUSDT`: cache key and pub/sub channel of one perpetual's funding. */
export function fundingCacheKey(exchange: Exchange, symbol: string): string {
  return `mts:funding:${exchange}:${symbol}`;
}

/**
 * The channel of the stream's publish points: at each one the stream first publishes a
 * {@link PublishedClock} here, then the books and funding that changed since the previous one
 * (live every 100 ms; a replay at the recorded points, with the recorded times). A consumer in
 * step with the stream (the arbitrage detector beside it) takes `atMs` as its clock, so a live
 * run and a replay of its recording evaluate at the same times. `{ "end": true }` marks the end
 * of the stream (everything before it has been published).
 */
export const STREAM_CLOCK_CHANNEL = "mts:stream:publish";

/** A message on {@link STREAM_CLOCK_CHANNEL}. */
export type PublishedClock =
  /** A publish point: what follows on the book and funding channels was published at `atMs`. */
  | { readonly atMs: number }
  /** The stream ended: every book and funding state it published came before this message. */
  | { readonly end: true };

/** The channel arbitrage alerts are published on. */
export const ARBITRAGE_CHANNEL = "mts:alerts:arbitrage";

/** The index key listing every published book id (a JSON array of `exchange:market:symbol`). */
export const BOOK_INDEX_KEY = "mts:books";

/** The index key listing every published funding id (a JSON array of `exchange:symbol`). */
export const FUNDING_INDEX_KEY = "mts:funding";

/** Reads `market` back from a string, e.g. the path of `GET /books/{exchange}/{market}/{symbol}`. */
export function parseMarket(text: string): Market | undefined {
  return text === "spot" || text === "perp" ? text : undefined;
}

/**
 * Channels other processes (`schedule`, `collect`, `signals`) publish their events on, each
 * message the JSON `{"type": "...", "data": {...}}`; the API server relays them to its WebSocket
 * channel of the same name (`signals`, `collection`, `backtests`).
 */
export const EVENT_CHANNELS = {
  signals: "mts:events:signals",
  collection: "mts:events:collection",
  backtests: "mts:events:backtests",
} as const;

/** One event on an {@link EVENT_CHANNELS} channel. */
export interface PublishedEvent {
  /** What happened: `signal`, `run`, `finished`, `skipped`, … */
  readonly type: string;
  readonly data: unknown;
}
