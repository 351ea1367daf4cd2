/**
 * The Bybit v5 `orderbook.{depth}.{symbol}` rules as a pure state machine, one per (market,
 * symbol).
 *
 * The first message after subscribing is a snapshot; **any later snapshot resets the book** too
 * (counted as a resync: `snapshot`, or `restart` when `u = 1`, the service's restart signal),
 * except a snapshot repeating the last `u` (level 1 re-sends an unchanged book every 3 s). Every
 * delta must continue the last one, `u == prev.u + 1`, checked **on every message**; a gap, a
 * sequence going backwards or a crossed book puts this one book into resync, which here means
 * resubscribing its topic (the next snapshot rebuilds it) while the other topics on the
 * connection keep streaming. Deltas without a snapshot to apply to are dropped. `seq` is never
 * used as the update id. On level-1 topics every message is a snapshot, so snapshots are the
 * normal updates there.
 * @module
 */
import { OrderBook } from "../book.ts";
import {
  type BookKey,
  type BookStatus,
  type BookSync,
  DEFAULT_STALE_AFTER_MS,
  effects,
  type Market,
  NO_EFFECTS,
  type ResyncDetail,
  type ResyncReason,
  SyncCore,
  type SyncEffect,
  type SyncEvent,
} from "../sync.ts";
import type { BybitBookMessage } from "./parse.ts";

/** Default wait for the snapshot after (re)subscribing before subscribing again, ms. */
export const DEFAULT_RESUBSCRIBE_AFTER_MS = 10_000;

/** Options for {@link BybitBookSync}. */
export interface BybitSyncOptions {
  /** `spot` or `perp` (linear). */
  readonly market: Market;
  /** Symbol, upper case. */
  readonly symbol: string;
  /** Topic depth (default 50); on depth 1 every message is a snapshot. */
  readonly depth?: number;
  /** Silence after which the book is marked stale, ms (default 15,000). */
  readonly staleAfterMs?: number;
  /** Wait for a snapshot after (re)subscribing before asking again, ms (default 10,000). */
  readonly resubscribeAfterMs?: number;
}

/**
 * One Bybit book kept in sync with the exchange. Feed it with {@link BybitBookSync.handle}
 * (`snapshot`/`snapshotFailed` events are REST answers, which Bybit books do not use: they are
 * counted as discarded). Read `book` only while `status().state` is `live`.
 *
 * @example
 * ```ts
 * import { BybitBookSync } from "./sync.ts";
 * import { parseBybitFrame } from "./parse.ts";
 * const sync = new BybitBookSync({ market: "perp", symbol: "BTCUSDT" });
 * const f = parseBybitFrame(
 *   '{"topic":"orderbook.50.BTCUSDT","type":"snapshot","ts":1,"data":{"s":"BTCUSDT","b":[["16493.50","0.006"]],"a":[["16611.00","0.029"]],"u":18521288,"seq":7961638724},"cts":1}',
 * );
 * if (f.kind === "book") sync.handle({ type: "depth", atMs: 1, message: f.book });
 * sync.status().state; // "live"
 * ```
 */
export class BybitBookSync implements BookSync<BybitBookMessage> {
  /** Which book. */
  readonly key: BookKey;
  /** The local book (show it as current only while live). */
  readonly book: OrderBook = new OrderBook();
  readonly #core: SyncCore;
  readonly #levelOne: boolean;
  readonly #resubscribeAfterMs: number;
  /** Since when a snapshot is awaited (after opening or resubscribing), or `null`. */
  #awaitingSince: number | null = null;

  /** Validates the options (throws `RangeError` naming a bad one) and starts `syncing`. */
  constructor(options: BybitSyncOptions) {
    this.key = { exchange: "bybit", market: options.market, symbol: options.symbol };
    this.#levelOne = (options.depth ?? 50) === 1;
    this.#resubscribeAfterMs = options.resubscribeAfterMs ?? DEFAULT_RESUBSCRIBE_AFTER_MS;
    if (!(this.#resubscribeAfterMs > 0)) {
      throw new RangeError(
        `Cannot create a book sync: resubscribeAfterMs must be > 0, got ${options.resubscribeAfterMs}`,
      );
    }
    this.#core = new SyncCore(this.key, options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS);
  }

  /** State and counters now. */
  status(): BookStatus {
    return this.#core.status(0);
  }

  /** Feeds one event; returns the effects to carry out. */
  handle(event: SyncEvent<BybitBookMessage>): readonly SyncEffect[] {
    if (this.#core.terminal) {
      if (event.type === "depth") this.#core.counters.messages++;
      return NO_EFFECTS;
    }
    switch (event.type) {
      case "depth":
        return this.depth(event.message, event.atMs);
      case "opened":
        return this.opened(event.atMs);
      case "closed":
        return this.closed(event.atMs);
      case "tick":
        return this.tick(event.atMs);
      case "snapshot":
      case "snapshotFailed":
        this.#core.counters.snapshotsDiscarded++;
        return NO_EFFECTS;
      case "unknownSymbol":
        // no more resubscriptions: the topic is refused
        if (this.#core.reject(event.atMs, event.message)) this.#awaitingSince = null;
        return NO_EFFECTS;
    }
  }

  /** An `orderbook` message for this book arrived at `atMs`. */
  depth(m: BybitBookMessage, atMs: number): readonly SyncEffect[] {
    const c = this.#core;
    c.counters.messages++;
    c.heard(atMs, true);
    if (m.type === "snapshot") return this.#snapshot(m, atMs);
    if (!c.hasBook) {
      c.counters.dropped++;
      this.#awaitingSince ??= atMs;
      return NO_EFFECTS;
    }
    const last = c.lastUpdateId!;
    if (m.u !== last + 1) {
      const gap = m.u > last + 1;
      if (gap) c.counters.gaps++;
      return this.#resync(gap ? "gap" : "backwards", atMs, {
        expected: last + 1,
        got: m.u,
        missed: gap ? m.u - last - 1 : undefined,
      });
    }
    this.book.apply(m.bids, m.asks);
    c.lastUpdateId = m.u;
    c.counters.applied++;
    if (this.book.isCrossed()) {
      c.counters.crossed++;
      return this.#resync("crossed", atMs, {});
    }
    return c.state === "stale" ? effects(c.revive(atMs)) : NO_EFFECTS;
  }

  #snapshot(m: BybitBookMessage, atMs: number): readonly SyncEffect[] {
    const c = this.#core, last = c.lastUpdateId;
    let lost: SyncEffect | undefined;
    if (c.hasBook && m.u !== last) {
      const restart = m.u === 1;
      // on level 1 every message is a snapshot: only a restart is a rebuild
      if (!this.#levelOne || restart) {
        lost = c.lose(restart ? "restart" : "snapshot", atMs, { expected: last! + 1, got: m.u });
      }
    }
    this.book.replace(m.bids, m.asks);
    c.lastUpdateId = m.u;
    c.counters.applied++;
    this.#awaitingSince = null;
    if (this.book.isCrossed()) {
      c.counters.crossed++;
      return effects(lost, ...this.#resync("crossed", atMs, {}));
    }
    if (c.state === "live") return NO_EFFECTS;
    return effects(lost, c.goLive(atMs));
  }

  #resync(
    reason: ResyncReason,
    atMs: number,
    detail: ResyncDetail,
  ): readonly SyncEffect[] {
    return effects(this.#core.lose(reason, atMs, detail), this.#resubscribe(atMs));
  }

  #resubscribe(atMs: number): SyncEffect {
    const c = this.#core;
    c.epoch++;
    this.#awaitingSince = atMs;
    return { type: "resubscribe", epoch: c.epoch, delayMs: c.nextDelayMs() };
  }

  /** The connection (re)opened (and subscribes): a book that was live is rebuilt (`reconnect`). */
  opened(atMs: number): readonly SyncEffect[] {
    const c = this.#core;
    c.heard(atMs, false);
    c.epoch++;
    this.#awaitingSince = atMs;
    return effects(c.lose("reconnect", atMs));
  }

  /** The connection closed: a live book becomes stale. */
  closed(atMs: number): readonly SyncEffect[] {
    this.#core.epoch++;
    this.#awaitingSince = null;
    return effects(this.#core.disconnect(atMs));
  }

  /** Timer tick: stale detection, and a new subscription when a snapshot is overdue. */
  tick(atMs: number): readonly SyncEffect[] {
    const stale = this.#core.tick(atMs);
    const overdue = !this.#core.hasBook && this.#awaitingSince !== null &&
      atMs - this.#awaitingSince >= this.#resubscribeAfterMs;
    return effects(stale, overdue ? this.#resubscribe(atMs) : undefined);
  }
}
