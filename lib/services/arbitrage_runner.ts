/**
 * The arbitrage detector's IO: where books come from and where alerts go.
 *
 * - {@link AlertFanout}: every alert to the caller (terminal), the pub/sub channel
 *   `mts:alerts:arbitrage`, SQLite (`arbitrage_opportunities`) and the webhook — in order per
 *   sink, never blocking the detector; a failing sink is reported, not fatal.
 * - {@link followCache}: live, from the books a running `stream` publishes (the channels of
 *   `lib/streams/published.ts`, discovered through the `mts:books` index or named by symbol).
 * - {@link replayArbitrage} (`arbitrage_replay.ts`): the same detector over a recording.
 * @module
 */
import type { Cache } from "../storage/cache.ts";
import type { ArbitrageStore } from "../storage/arbitrage_store.ts";
import type { ArbitrageAlert } from "../streams/arbitrage/alert.ts";
import { bookProblem, fundingProblem } from "../streams/arbitrage/books.ts";
import type { ArbitrageDetector } from "../streams/arbitrage/detector.ts";
import {
  ARBITRAGE_CHANNEL,
  BOOK_INDEX_KEY,
  bookCacheKey,
  FUNDING_INDEX_KEY,
  fundingCacheKey,
  type PublishedBook,
  type PublishedFunding,
  STREAM_CLOCK_CHANNEL,
} from "../streams/published.ts";
import type { Exchange, Market } from "../streams/sync.ts";
import type { AlertWebhook } from "./alert_webhook.ts";

/** Where alerts go besides the caller. */
export interface AlertSinks {
  /** Publish on {@link ARBITRAGE_CHANNEL}. */
  readonly cache?: Cache;
  /** Record in SQLite. */
  readonly store?: ArbitrageStore;
  /** POST to the webhook. */
  readonly webhook?: AlertWebhook;
  /** `live` or `replay` (stored with each opportunity). */
  readonly source: "live" | "replay";
  /** The caller's view (terminal). */
  readonly onAlert?: (alert: ArbitrageAlert) => void;
  /** A sink failed (message names the sink, never a secret). */
  readonly onError?: (message: string) => void;
}

/** Sends each alert to every sink. */
export class AlertFanout {
  readonly #s: AlertSinks;
  #cacheChain: Promise<unknown> = Promise.resolve();
  #storeChain: Promise<unknown> = Promise.resolve();
  /** Alerts emitted. */
  count = 0;

  /** A fan-out to `sinks`. */
  constructor(sinks: AlertSinks) {
    this.#s = sinks;
  }

  /** Sends `alerts` (in order); returns at once. */
  emit(alerts: readonly ArbitrageAlert[]): void {
    const s = this.#s;
    for (const a of alerts) {
      this.count++;
      s.onAlert?.(a);
      if (s.cache) {
        const cache = s.cache;
        this.#cacheChain = this.#cacheChain.then(() => cache.publish(ARBITRAGE_CHANNEL, a))
          .catch((e) => s.onError?.(`publish on ${ARBITRAGE_CHANNEL}: ${(e as Error).message}`));
      }
      if (s.store) {
        const store = s.store;
        this.#storeChain = this.#storeChain.then(() => store.recordArbitrageEvent(row(a, s.source)))
          .catch((e) => s.onError?.(`store ${a.id}: ${(e as Error).message}`));
      }
      s.webhook?.send(a);
    }
  }

  /** Waits for the cache and the store to take everything emitted so far. */
  async settle(): Promise<void> {
    await this.#cacheChain;
    await this.#storeChain;
  }
}

function row(a: ArbitrageAlert, source: string) {
  return {
    event: a.event,
    id: a.id,
    pair: a.pair,
    symbol: a.symbol,
    openedAtMs: Date.parse(a.openedAt),
    atMs: Date.parse(a.at),
    netBps: a.netBps,
    peakNetBps: a.peakNetBps,
    size: a.size,
    notional: a.notional,
    netAmount: a.netAmount,
    reason: a.reason,
    source,
    alert: a,
  };
}

/** Options for {@link followCache}. */
export interface FollowOptions {
  /** The cache the stream publishes to (Redis, or a memory cache in the same process). */
  readonly cache: Cache;
  /** The detector. */
  readonly detector: ArbitrageDetector;
  /** Where alerts go. */
  readonly fanout: AlertFanout;
  /** Follow these symbols on every exchange and market; default: what `mts:books` lists. */
  readonly symbols?: readonly string[];
  /** Stops following (then open opportunities close as `stopped`). */
  readonly signal: AbortSignal;
  /** Re-evaluation without updates (books age), ms (default 250). */
  readonly tickMs?: number;
  /** Re-reading the index for new books, ms (default 2,000). */
  readonly discoverMs?: number;
  /** The clock (default `Date.now`); ignored with `clock: "data"`. */
  readonly now?: () => number;
  /**
   * `wall` (default): ages are measured on `now`, and pairs are re-checked every `tickMs`.
   * `data` and `stream`: time is the stream's publish points ({@link STREAM_CLOCK_CHANNEL}: each
   * re-checks the pairs, then the books published at it are taken at its time), or the newest
   * `receivedAtMs` seen when that is later (a recording of format 1 has no publish points) — for
   * a publisher in the same process: a replay (`data`, `stream --replay --arbitrage`) or a live
   * run (`stream`, `stream --arbitrage`), so both evaluate at the same points and times. At the
   * stop, the books the stream published before its end message are taken first (at most 5 s).
   */
  readonly clock?: "wall" | "data" | "stream";
  /** A message that is not a usable book or funding state (counted, skipped). */
  readonly onBadMessage?: (channel: string, reason: string) => void;
  /**
   * Called once every channel known at the start is subscribed: a publisher in the same process
   * starts publishing after it, so no update is missed (and a replay is deterministic).
   */
  readonly onReady?: () => void;
}

const EXCHANGES: readonly Exchange[] = ["binance", "bybit"];
const MARKETS: readonly Market[] = ["spot", "perp"];

/** The channels for `symbols` on every exchange and market (books) and exchange (funding). */
export function channelsFor(symbols: readonly string[]): { books: string[]; funding: string[] } {
  const books: string[] = [], funding: string[] = [];
  for (const s of symbols.map((x) => x.toUpperCase())) {
    for (const exchange of EXCHANGES) {
      for (const market of MARKETS) books.push(bookCacheKey({ exchange, market, symbol: s }));
      funding.push(fundingCacheKey(exchange, s));
    }
  }
  return { books, funding };
}

async function indexed(cache: Cache): Promise<{ books: string[]; funding: string[] }> {
  const ids = (await cache.get<unknown>(BOOK_INDEX_KEY)) ?? [];
  const fids = (await cache.get<unknown>(FUNDING_INDEX_KEY)) ?? [];
  const strings = (v: unknown) => Array.isArray(v) ? v.filter((x) => typeof x === "string") : [];
  return {
    books: strings(ids).map((id) => `mts:book:${id}`),
    funding: strings(fids).map((id) => `mts:funding:${id}`),
  };
}

/**
 * Follows the published books until `signal` aborts: seeds each book from its cache key, then
 * takes every message on its channel. Resolves after closing open opportunities as `stopped`.
 */
export async function followCache(o: FollowOptions): Promise<void> {
  const byData = o.clock === "data" || o.clock === "stream";
  let seen = -Infinity;
  const now = byData ? () => (seen === -Infinity ? 0 : seen) : o.now ?? Date.now;
  const subs = new Map<string, () => Promise<void>>();
  let ended!: () => void;
  const end = new Promise<void>((resolve) => ended = resolve);
  const onClock = (channel: string, m: unknown) => {
    const c = m as Record<string, unknown> | null;
    if (typeof c === "object" && c !== null && c.end === true) return ended();
    if (typeof c !== "object" || c === null || !Number.isFinite(c.atMs)) {
      return o.onBadMessage?.(channel, "not a publish point ({ atMs } or { end: true })");
    }
    const at = c.atMs as number;
    if (at > seen) {
      seen = at;
      o.fanout.emit(o.detector.tick(seen));
    }
  };
  const onBook = (channel: string, m: unknown) => {
    const why = bookProblem(m);
    if (why) return o.onBadMessage?.(channel, why);
    const book = m as PublishedBook;
    if (byData && book.receivedAtMs > seen) {
      seen = book.receivedAtMs;
      o.fanout.emit(o.detector.tick(seen));
    }
    o.fanout.emit(o.detector.onBook(book, now()));
  };
  const onFunding = (channel: string, m: unknown) => {
    const why = fundingProblem(m);
    if (why) return o.onBadMessage?.(channel, why);
    o.detector.onFunding(m as PublishedFunding);
  };
  const follow = async (channel: string, handle: (c: string, m: unknown) => void) => {
    if (subs.has(channel) || o.signal.aborted) return;
    subs.set(channel, await o.cache.subscribe(channel, (m) => handle(channel, m)));
    const current = await o.cache.get(channel);
    if (current !== undefined) handle(channel, current);
  };
  const discover = async () => {
    const c = o.symbols ? channelsFor(o.symbols) : await indexed(o.cache);
    for (const ch of c.funding) await follow(ch, onFunding);
    for (const ch of c.books) await follow(ch, onBook);
  };
  if (byData) {
    // a publish point, not a state: no current value to seed from
    subs.set(
      STREAM_CLOCK_CHANNEL,
      await o.cache.subscribe(STREAM_CLOCK_CHANNEL, (m) => onClock(STREAM_CLOCK_CHANNEL, m)),
    );
  }
  await discover();
  o.onReady?.();
  const tick = byData
    ? undefined
    : setInterval(() => o.fanout.emit(o.detector.tick(now())), o.tickMs ?? 250);
  const rescan = o.symbols ? undefined : setInterval(() => {
    discover().catch((e) => o.onBadMessage?.(BOOK_INDEX_KEY, (e as Error).message));
  }, o.discoverMs ?? 2000);
  await new Promise<void>((resolve) => {
    if (o.signal.aborted) resolve();
    o.signal.addEventListener("abort", () => resolve(), { once: true });
  });
  clearInterval(tick);
  clearInterval(rescan);
  if (byData) {
    // the stream's last books may still be on their way (Redis): take them before closing
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([end, new Promise<void>((r) => timer = setTimeout(r, 5_000))]);
    clearTimeout(timer);
  }
  // a cache that went away (Redis down) cannot unsubscribe, and need not: its subscriptions
  // ended with the connection, and the stop must still close the open opportunities
  for (const unsubscribe of subs.values()) await unsubscribe().catch(() => {});
  o.fanout.emit(o.detector.closeAll(now(), "stopped"));
  await o.fanout.settle();
}
