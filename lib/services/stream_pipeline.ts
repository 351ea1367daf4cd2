/**
 * The one code path every stream event takes, live or replayed: record it (live), feed it to the
 * {@link StreamEngine}, hand the engine's effects to the executor (live: fetch, resubscribe,
 * reconnect; replay: nothing — the answers are in the recording), log problems, keep the resync
 * records, and publish what changed to the cache (top of book and top N levels under
 * `mts:book:…`, funding under `mts:funding:…`, each set with a TTL and published on the channel
 * of the same name) and the funding observations to the store.
 * @module
 */
import { getLogger } from "../log/logger.ts";
import type { BookResyncRecord, BookSnapshotRecord, BookStore } from "../storage/book_store.ts";
import type { Cache } from "../storage/cache.ts";
import type { FundingStore } from "../storage/funding_store.ts";
import { type EngineEffect, StreamEngine } from "../streams/engine.ts";
import type { StreamEvent } from "../streams/events.ts";
import type { FundingEntry } from "../streams/funding.ts";
import type { StreamPlan } from "../streams/plan.ts";
import {
  BOOK_INDEX_KEY,
  bookCacheKey,
  FUNDING_INDEX_KEY,
  fundingCacheKey,
  type PublishedBook,
  type PublishedClock,
  type PublishedFunding,
  STREAM_CLOCK_CHANNEL,
} from "../streams/published.ts";
import type { Recorder } from "../streams/recording.ts";
import { fundingObservations } from "./funding_rows.ts";
import { bookId, type BookKey } from "../streams/sync.ts";

/** Where a pipeline sends what it produces (every part optional). */
export interface PipelineSinks {
  /** Live runs: every event is written here before the engine sees it. */
  readonly recorder?: Recorder;
  /** Books and funding are published here. */
  readonly cache?: Cache;
  /** Cache TTL, seconds. */
  readonly cacheTtlSeconds?: number;
  /** Resyncs (and snapshots) are stored here. */
  readonly books?: BookStore;
  /** Funding observations are stored here. */
  readonly funding?: FundingStore;
  /** Carries out the engine's effects (live only). */
  readonly execute?: (effect: EngineEffect) => void;
  /** The local clock, for `receivedAt` of stored observations (live: Date.now). */
  readonly now?: () => number;
}

/** Counters of the sinks (not part of the deterministic summary). */
export interface SinkStats {
  /** Cache entries set and messages published. */
  published: number;
  /** Resyncs stored. */
  resyncsStored: number;
  /** Funding observations stored. */
  fundingStored: number;
  /** Book snapshots stored. */
  snapshotsStored: number;
  /** Writes that failed (cache or store; logged, never fatal). */
  sinkErrors: number;
  /** The last problem logged (a malformed frame, an exchange error, a failed snapshot). */
  lastProblem?: string;
}

const log = getLogger("stream");

/** See the module documentation. */
export class StreamPipeline {
  /** The engine. */
  readonly engine: StreamEngine;
  /** Sink counters. */
  readonly stats: SinkStats = {
    published: 0,
    resyncsStored: 0,
    fundingStored: 0,
    snapshotsStored: 0,
    sinkErrors: 0,
  };
  readonly #sinks: PipelineSinks;
  readonly #openResyncs = new Map<string, BookResyncRecord>();
  #finishedResyncs: BookResyncRecord[] = [];
  #pendingFunding: FundingEntry[] = [];
  #work: Promise<void> = Promise.resolve();
  /** A flush is publishing or storing (the next one waits: changes stay marked meanwhile). */
  #flushing = false;
  /** Why recording stopped, when the recorder failed. */
  recordError: string | undefined;

  /** A pipeline for `plan`. */
  constructor(plan: StreamPlan, sinks: PipelineSinks = {}) {
    this.engine = new StreamEngine(plan);
    this.#sinks = sinks;
  }

  /** Takes one event through the whole path. */
  ingest(ev: StreamEvent): void {
    if (this.#sinks.recorder && this.recordError === undefined) {
      try {
        this.#sinks.recorder.write(ev);
      } catch (e) {
        // the run goes on; the runner fails it at the end, naming the file
        this.recordError = (e as Error).message;
        log.error(`cannot record to ${this.#sinks.recorder.path}: ${this.recordError}`);
      }
    }
    const effects = this.engine.handle(ev);
    for (const e of effects) this.#effect(e);
  }

  #effect(e: EngineEffect): void {
    switch (e.type) {
      case "resync": {
        const rec: BookResyncRecord = {
          ...keyFields(e.book),
          reason: e.reason,
          ...(e.missed === undefined ? {} : { missed: e.missed }),
          startedAt: e.atMs,
        };
        const prev = this.#openResyncs.get(bookId(e.book));
        if (prev) this.#finishedResyncs.push(prev);
        this.#openResyncs.set(bookId(e.book), rec);
        log.info(`${bookId(e.book)}: resync (${e.reason})`, e.missed ? { missed: e.missed } : {});
        return;
      }
      case "resynced": {
        const rec = this.#openResyncs.get(bookId(e.book));
        if (rec) {
          this.#openResyncs.delete(bookId(e.book));
          this.#finishedResyncs.push({ ...rec, durationMs: e.durationMs });
        }
        return;
      }
      case "problem":
        log.warn(`${e.where}: ${e.message}`);
        this.stats.lastProblem = `${e.where}: ${e.message}`;
        this.#sinks.execute?.(e);
        return;
      default:
        this.#sinks.execute?.(e);
    }
  }

  /**
   * A publish point at `atMs` (live: the publish timer; a replay: a recorded `publish` event):
   * records it as a `publish` event, then {@link flush}es with the clock message first. A point
   * that finds the previous flush still running is skipped — and not recorded, so a replay
   * publishes only where the live run did.
   */
  publishAt(atMs: number): Promise<void> {
    if (this.#flushing) return this.#work;
    this.ingest({ t: "publish", at: atMs });
    return this.flush(atMs);
  }

  /**
   * Publishes the books and funding that changed (their state now, taken before any await), and
   * stores finished resyncs and funding. With `atMs` (a publish point), the
   * {@link STREAM_CLOCK_CHANNEL} message goes first.
   */
  flush(atMs?: number): Promise<void> {
    if (this.recordError === undefined) void this.#sinks.recorder?.flush();
    // a slow cache or database must not pile up flushes: the changes wait in the engine
    if (this.#flushing) return this.#work;
    this.#flushing = true;
    const { books, funding } = this.engine.takeChanges();
    // the states at this point: frames that arrive while the cache is written wait for the next
    const values = books.map((k) => ({ key: k, value: this.published(k) }));
    this.#pendingFunding.push(...funding);
    const resyncs = this.#finishedResyncs;
    this.#finishedResyncs = [];
    const pendingFunding = this.#pendingFunding;
    this.#pendingFunding = [];
    this.#work = this.#work.then(async () => {
      if (atMs !== undefined) await this.#publishClock({ atMs });
      await this.#publishBooks(values);
      await this.#publishFunding(pendingFunding);
      await this.#store(resyncs, pendingFunding);
    }).finally(() => {
      this.#flushing = false;
    });
    return this.#work;
  }

  async #publishClock(message: PublishedClock): Promise<void> {
    const cache = this.#sinks.cache;
    if (!cache) return;
    // not counted in `published` (that counts books and funding)
    await this.#guard(
      `publish on ${STREAM_CLOCK_CHANNEL}`,
      () => cache.publish(STREAM_CLOCK_CHANNEL, message),
    );
  }

  async #guard(what: string, fn: () => Promise<unknown>): Promise<boolean> {
    try {
      await fn();
      return true;
    } catch (e) {
      this.stats.sinkErrors++;
      log.warn(`cannot ${what}: ${(e as Error).message}`);
      return false;
    }
  }

  /** Writes the index keys listing every book and funding id of the plan. */
  publishIndex(): Promise<void> {
    const cache = this.#sinks.cache;
    if (!cache) return Promise.resolve();
    const plan = this.engine.plan;
    const ttl = this.#sinks.cacheTtlSeconds;
    const funding = plan.books.filter((b) => b.market === "perp").map((b) =>
      `${b.exchange}:${b.symbol}`
    );
    this.#work = this.#work.then(async () => {
      await this.#guard("write the cache index", async () => {
        await cache.set(BOOK_INDEX_KEY, plan.books.map(bookId), ttl);
        await cache.set(FUNDING_INDEX_KEY, funding, ttl);
      });
    });
    return this.#work;
  }

  /** What a book publishes: its state, counters and top levels. */
  published(key: BookKey): PublishedBook | undefined {
    const sync = this.engine.sync(bookId(key))!;
    const s = sync.status();
    if (s.lastUpdateId === null) return undefined;
    const b = this.engine.summaryBook(key);
    return {
      exchange: key.exchange,
      market: key.market,
      symbol: key.symbol,
      state: s.state,
      updateId: s.lastUpdateId,
      bids: b.bids,
      asks: b.asks,
      eventTimeMs: 0,
      receivedAtMs: s.lastMessageAtMs ?? 0,
      resyncs: s.counters.resyncs,
      gaps: s.counters.gaps,
      messages: s.counters.messages,
    };
  }

  async #publishBooks(
    books: readonly { key: BookKey; value: PublishedBook | undefined }[],
  ): Promise<void> {
    const cache = this.#sinks.cache;
    if (!cache) return;
    for (const { key, value } of books) {
      if (!value) continue;
      const name = bookCacheKey(key);
      const ok = await this.#guard(`publish ${name}`, async () => {
        await cache.set(name, value, this.#sinks.cacheTtlSeconds);
        await cache.publish(name, value);
      });
      if (ok) this.stats.published++;
    }
  }

  async #publishFunding(entries: readonly FundingEntry[]): Promise<void> {
    const cache = this.#sinks.cache;
    if (!cache || entries.length === 0) return;
    const latest = new Map<string, FundingEntry>();
    for (const e of entries) latest.set(`${e.exchange}:${e.symbol}`, e);
    for (const e of latest.values()) {
      const s = StreamEngine.summaryFunding(e);
      const value: PublishedFunding = { ...s, receivedAtMs: e.updatedAtMs };
      const name = fundingCacheKey(e.exchange, e.symbol);
      const ok = await this.#guard(`publish ${name}`, async () => {
        await cache.set(name, value, this.#sinks.cacheTtlSeconds);
        await cache.publish(name, value);
      });
      if (ok) this.stats.published++;
    }
  }

  async #store(resyncs: BookResyncRecord[], funding: readonly FundingEntry[]): Promise<void> {
    const { books, funding: fundingStore } = this.#sinks;
    if (books && resyncs.length > 0) {
      const ok = await this.#guard("store resyncs", () => books.recordResyncs(resyncs));
      if (ok) this.stats.resyncsStored += resyncs.length;
    }
    if (fundingStore && funding.length > 0) {
      const rows = fundingObservations(funding, this.#sinks.now?.() ?? 0);
      if (rows.length === 0) return;
      const ok = await this.#guard("store funding", () => fundingStore.recordFunding(rows));
      if (ok) this.stats.fundingStored += rows.length;
    }
  }

  /** Stores a top-N snapshot of every live book (`--snapshot-every`). */
  snapshotBooks(atMs: number): Promise<void> {
    const store = this.#sinks.books;
    if (!store) return Promise.resolve();
    const rows: BookSnapshotRecord[] = [];
    for (const key of this.engine.plan.books) {
      const sync = this.engine.sync(bookId(key))!;
      const s = sync.status();
      if (s.state !== "live" || s.lastUpdateId === null) continue;
      const depth = this.engine.plan.depth;
      rows.push({
        ...keyFields(key),
        ts: atMs,
        updateId: s.lastUpdateId,
        bids: sync.book.top("bid", depth),
        asks: sync.book.top("ask", depth),
      });
    }
    this.#work = this.#work.then(async () => {
      if (await this.#guard("store book snapshots", () => store.recordBookSnapshots(rows))) {
        this.stats.snapshotsStored += rows.length;
      }
    });
    return this.#work;
  }

  /**
   * Final flush: publishes and stores everything, resyncs still open included (no duration),
   * then `{ end: true }` on {@link STREAM_CLOCK_CHANNEL}.
   */
  async close(): Promise<void> {
    this.#finishedResyncs.push(...this.#openResyncs.values());
    this.#openResyncs.clear();
    await this.#work;
    await this.flush();
    await this.#publishClock({ end: true });
  }
}

function keyFields(k: BookKey): { exchange: string; market: string; symbol: string } {
  return { exchange: k.exchange, market: k.market, symbol: k.symbol };
}
