/**
 * Relays what the stream runner and the arbitrage detector publish on the cache channels
 * (`lib/streams/published.ts`: `mts:book:…`, `mts:funding:…`, {@link ARBITRAGE_CHANNEL}, and the
 * other processes' events on `EVENT_CHANNELS`) to the WebSocket hub. The cache has no pattern subscriptions, so the relay subscribes to the books and
 * funding ids listed under the index keys (re-read every `pollMs`) and, on demand, to a book a
 * client asks for before the index lists it. Works the same on the memory cache (one process)
 * and on Redis (another process publishes).
 * @module
 */
import { eventProblem } from "../services/published_events.ts";
import type { Cache } from "../storage/cache.ts";
import {
  ARBITRAGE_CHANNEL,
  BOOK_INDEX_KEY,
  bookCacheKey,
  EVENT_CHANNELS,
  FUNDING_INDEX_KEY,
  parseMarket,
  type PublishedBook,
  type PublishedEvent,
  type PublishedFunding,
} from "../streams/published.ts";
import type { Exchange } from "../streams/sync.ts";
import type { Hub } from "./hub.ts";
import type { ServerMetrics } from "./metrics.ts";

/** Options of {@link CacheRelay}. */
export interface RelayOptions {
  /** How often the index keys are re-read, ms (default 2000). */
  readonly pollMs?: number;
  readonly metrics?: ServerMetrics;
  /** The clock (UTC ms), for book ages. */
  readonly now?: () => number;
  /** Called with every relayed book (alert evaluation). */
  readonly onBook?: (book: PublishedBook) => void;
  /** Called with every event relayed from `EVENT_CHANNELS` (alerts check on `run_finished`). */
  readonly onEvent?: (channel: string, event: PublishedEvent) => void;
  /** Called with a message that is not what the contract says (logged by the caller). */
  readonly onInvalid?: (channel: string, reason: string) => void;
}

const EXCHANGES = new Set(["binance", "bybit"]);

function isBook(m: unknown): m is PublishedBook {
  const b = m as PublishedBook;
  return typeof b === "object" && b !== null && EXCHANGES.has(b.exchange) &&
    parseMarket(String(b.market)) !== undefined && typeof b.symbol === "string" &&
    Array.isArray(b.bids) && Array.isArray(b.asks) && typeof b.state === "string";
}

function isFunding(m: unknown): m is PublishedFunding {
  const f = m as PublishedFunding;
  return typeof f === "object" && f !== null && EXCHANGES.has(f.exchange) &&
    typeof f.symbol === "string";
}

/** The hub channel of a book: `books:binance:spot:BTCUSDT`. */
export function bookChannel(b: { exchange: string; market: string; symbol: string }): string {
  return `books:${b.exchange}:${b.market}:${b.symbol}`;
}

/** Subscribes to the cache channels and republishes their messages on the hub. */
export class CacheRelay {
  readonly #cache: Cache;
  readonly #hub: Hub;
  readonly #options: RelayOptions;
  readonly #subs = new Map<string, Promise<() => Promise<void>>>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #stopped = false;

  /** A relay from `cache` to `hub`; call {@link start}. */
  constructor(cache: Cache, hub: Hub, options: RelayOptions = {}) {
    this.#cache = cache;
    this.#hub = hub;
    this.#options = options;
  }

  /** Cache channels subscribed to. */
  get channels(): string[] {
    return [...this.#subs.keys()];
  }

  /** Subscribes to the arbitrage channel and the indexed books and funding; starts polling. */
  async start(): Promise<void> {
    await this.#subscribe(ARBITRAGE_CHANNEL, (m) => {
      this.#options.metrics?.relayed.inc({ kind: "arbitrage" });
      this.#hub.publish("arbitrage", "arbitrage", m);
    });
    for (const [hubChannel, channel] of Object.entries(EVENT_CHANNELS)) {
      await this.#subscribe(channel, (m) => {
        const e = m as { type?: unknown; data?: unknown };
        if (typeof e !== "object" || e === null || typeof e.type !== "string" || e.type === "") {
          this.#options.onInvalid?.(channel, 'not an event {"type", "data"}');
          return;
        }
        const event = { type: e.type.slice(0, 40), data: e.data ?? null };
        const problem = eventProblem(hubChannel, event);
        if (problem) {
          this.#options.onInvalid?.(channel, problem);
          return;
        }
        this.#options.metrics?.relayed.inc({ kind: "event" });
        this.#hub.publish(hubChannel, event.type, event.data);
        this.#options.onEvent?.(hubChannel, event);
      });
    }
    await this.refresh();
    this.#timer = setInterval(() => {
      this.refresh().catch((e) => this.#options.onInvalid?.("index", (e as Error).message));
    }, this.#options.pollMs ?? 2_000);
  }

  /** Re-reads the index keys and subscribes to new books and funding ids. */
  async refresh(): Promise<void> {
    const books = await this.#cache.get<unknown>(BOOK_INDEX_KEY);
    for (const id of Array.isArray(books) ? books : []) {
      const [exchange, market, symbol] = String(id).split(":");
      if (symbol) await this.ensureBook(exchange, market, symbol);
    }
    const funding = await this.#cache.get<unknown>(FUNDING_INDEX_KEY);
    for (const id of Array.isArray(funding) ? funding : []) {
      const [exchange, symbol] = String(id).split(":");
      if (symbol) await this.#ensureFunding(exchange, symbol);
    }
  }

  /** Subscribes to one book's channel (idempotent). */
  async ensureBook(exchange: string, market: string, symbol: string): Promise<void> {
    const m = parseMarket(market);
    if (!EXCHANGES.has(exchange) || !m) return;
    const channel = bookCacheKey({ exchange: exchange as Exchange, market: m, symbol });
    await this.#subscribe(channel, (msg) => {
      if (!isBook(msg) || msg.symbol !== symbol || msg.exchange !== exchange) {
        this.#options.onInvalid?.(channel, "not a PublishedBook of this channel");
        return;
      }
      const metrics = this.#options.metrics;
      if (metrics) {
        const labels = { exchange, market, symbol };
        metrics.relayed.inc({ kind: "book" });
        const now = this.#options.now?.() ?? Date.now();
        if (msg.receivedAtMs > 0) metrics.bookAge.set(labels, (now - msg.receivedAtMs) / 1000);
        metrics.bookResyncs.set(labels, msg.resyncs);
      }
      this.#hub.publish(bookChannel(msg), "book", msg);
      this.#options.onBook?.(msg);
    });
  }

  async #ensureFunding(exchange: string, symbol: string): Promise<void> {
    if (!EXCHANGES.has(exchange)) return;
    const channel = `mts:funding:${exchange}:${symbol}`;
    await this.#subscribe(channel, (msg) => {
      if (!isFunding(msg)) {
        this.#options.onInvalid?.(channel, "not a PublishedFunding");
        return;
      }
      this.#options.metrics?.relayed.inc({ kind: "funding" });
      this.#hub.publish("funding", "funding", msg);
    });
  }

  async #subscribe(channel: string, handler: (m: unknown) => void): Promise<void> {
    if (this.#stopped) return;
    let sub = this.#subs.get(channel);
    if (!sub) {
      sub = this.#cache.subscribe(channel, handler);
      this.#subs.set(channel, sub);
      sub.catch(() => this.#subs.delete(channel));
    }
    await sub;
  }

  /** Stops polling and unsubscribes from every channel. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    const subs = [...this.#subs.values()];
    this.#subs.clear();
    await Promise.allSettled(subs.map(async (s) => (await s)()));
  }
}
