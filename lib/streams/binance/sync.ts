/**
 * The Binance local-order-book rules as a pure state machine, one per (market, symbol).
 *
 * While not in sync, depth events are buffered (bounded) and a REST snapshot is requested under a
 * fresh epoch. The snapshot is used only if it carries the current epoch (a snapshot requested
 * before a reconnect or a resync is discarded) and is not older than the buffer. Buffered events
 * with `u <= lastUpdateId` are dropped; the first applied one must bridge the snapshot —
 * spot `U <= lastUpdateId + 1`, USDⓈ-M `pu <= lastUpdateId` (both with `u > lastUpdateId`) — and
 * every later one, live or replayed, must continue the previous one — spot `U == prev.u + 1`,
 * USDⓈ-M `pu == prev.u` — **on every message**. A gap, a crossed book or a sequence going
 * backwards puts this one book into resync; an event with `u` not past the book's id (a
 * duplicate, as during an overlapping reconnect) is dropped. docs/streams.md has the full rules.
 * @module
 */
import { OrderBook } from "../book.ts";
import {
  type BookKey,
  type BookStatus,
  type BookSync,
  DEFAULT_MAX_BUFFERED,
  DEFAULT_STALE_AFTER_MS,
  type DepthSnapshot,
  effects,
  type Market,
  NO_EFFECTS,
  type ResyncDetail,
  type ResyncReason,
  SyncCore,
  type SyncEffect,
  type SyncEvent,
} from "../sync.ts";
import type { BinanceDepth } from "./parse.ts";
import { snapshotWeight } from "./weights.ts";

/** Options for {@link BinanceBookSync}. */
export interface BinanceSyncOptions {
  /** `spot` (`/api/v3/depth`, `U == prev.u + 1`) or `perp` (USDⓈ-M, `pu == prev.u`). */
  readonly market: Market;
  /** Symbol, upper case. */
  readonly symbol: string;
  /** Levels per REST snapshot (default 1000: weight 50 on spot, 20 on USDⓈ-M). */
  readonly snapshotLimit?: number;
  /** Pre-sync buffer bound (default 10,000 messages); an overflow drops the oldest, a gap. */
  readonly maxBuffered?: number;
  /** Silence after which the book is marked stale, ms (default 15,000). */
  readonly staleAfterMs?: number;
}

/** How a depth event relates to a book whose last update id is `last`. */
type Relation = "duplicate" | "next" | "gap" | "backwards";

function relate(m: BinanceDepth, last: number, bridging: boolean, perp: boolean): Relation {
  if (m.u <= last) return "duplicate";
  if (perp) {
    const pu = m.pu!;
    if (bridging ? pu <= last : pu === last) return "next";
    return pu > last ? "gap" : "backwards";
  }
  if (bridging ? m.U <= last + 1 : m.U === last + 1) return "next";
  return m.U > last + 1 ? "gap" : "backwards";
}

/** Continuity detail of a broken event, for the `resync` effect. */
function breakDetail(m: BinanceDepth, last: number, perp: boolean) {
  return perp
    ? { expected: last, got: m.pu!, missed: m.pu! > last ? m.pu! - last : undefined }
    : { expected: last + 1, got: m.U, missed: m.U > last + 1 ? m.U - last - 1 : undefined };
}

/**
 * One Binance book (spot or USDⓈ-M) kept in sync with the exchange. Feed it with
 * {@link BinanceBookSync.handle}; read `book` only while `status().state` is `live`.
 *
 * @example
 * ```ts
 * import { BinanceBookSync } from "./sync.ts";
 * import { trustLevels } from "../levels.ts";
 * const sync = new BinanceBookSync({ market: "spot", symbol: "BNBBTC" });
 * const depth = (U: number, u: number) => ({
 *   symbol: "BNBBTC", U, u, pu: null, eventTimeMs: 0, transactTimeMs: null,
 *   bids: trustLevels([["0.0024", "10"]]), asks: trustLevels([["0.0026", "100"]]),
 * });
 * const [req] = sync.handle({ type: "depth", atMs: 0, message: depth(157, 160) });
 * // req: { type: "requestSnapshot", epoch: 1, limit: 1000, weight: 50, delayMs: 0 }
 * sync.handle({
 *   type: "snapshot", atMs: 5, epoch: 1,
 *   snapshot: { lastUpdateId: 158, bids: trustLevels([]), asks: trustLevels([]) },
 * });
 * sync.status().state; // "live", lastUpdateId 160
 * ```
 */
export class BinanceBookSync implements BookSync<BinanceDepth> {
  /** Which book. */
  readonly key: BookKey;
  /** The local book (show it as current only while live). */
  readonly book: OrderBook = new OrderBook();
  readonly #core: SyncCore;
  readonly #perp: boolean;
  readonly #limit: number;
  readonly #weight: number;
  readonly #maxBuffered: number;
  #buffer: BinanceDepth[] = [];
  /** A snapshot of the current epoch has been requested and not answered. */
  #awaiting = false;
  /** The book is a snapshot whose first following event has not been applied yet. */
  #bridging = false;

  /** Validates the options (throws `RangeError` naming a bad one) and starts `syncing`. */
  constructor(options: BinanceSyncOptions) {
    this.key = { exchange: "binance", market: options.market, symbol: options.symbol };
    this.#perp = options.market === "perp";
    this.#limit = options.snapshotLimit ?? 1000;
    this.#weight = snapshotWeight(options.market, this.#limit);
    this.#maxBuffered = options.maxBuffered ?? DEFAULT_MAX_BUFFERED;
    if (!(Number.isInteger(this.#maxBuffered) && this.#maxBuffered >= 1)) {
      throw new RangeError(
        `Cannot create a book sync: maxBuffered must be ≥ 1, got ${options.maxBuffered}`,
      );
    }
    this.#core = new SyncCore(this.key, options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS);
  }

  /** State and counters now. */
  status(): BookStatus {
    return this.#core.status(this.#buffer.length);
  }

  /** Feeds one event; returns the effects to carry out. */
  handle(event: SyncEvent<BinanceDepth>): readonly SyncEffect[] {
    if (this.#core.terminal) {
      if (event.type === "depth") this.#core.counters.messages++;
      return NO_EFFECTS;
    }
    switch (event.type) {
      case "depth":
        return this.depth(event.message, event.atMs);
      case "snapshot":
        return this.snapshot(event.epoch, event.snapshot, event.atMs);
      case "snapshotFailed":
        return this.snapshotFailed(event.epoch, event.atMs, event.retryAfterMs);
      case "opened":
        return this.opened(event.atMs);
      case "closed":
        return this.closed(event.atMs);
      case "tick":
        return effects(this.#core.tick(event.atMs));
      case "unknownSymbol":
        // no snapshot is asked for again, an answer in flight is void (new epoch)
        if (this.#core.reject(event.atMs, event.message)) this.#reset();
        return NO_EFFECTS;
    }
  }

  /** A depth event for this book arrived at `atMs`. */
  depth(m: BinanceDepth, atMs: number): readonly SyncEffect[] {
    const c = this.#core;
    c.counters.messages++;
    c.heard(atMs, true);
    return c.hasBook ? this.#live(m, atMs) : this.#buffered(m);
  }

  #live(m: BinanceDepth, atMs: number): readonly SyncEffect[] {
    const c = this.#core, last = c.lastUpdateId!;
    const rel = relate(m, last, this.#bridging, this.#perp);
    if (rel === "duplicate") {
      c.counters.duplicates++;
      return NO_EFFECTS;
    }
    if (rel !== "next") {
      if (rel === "gap") c.counters.gaps++;
      return this.#resync(rel, atMs, breakDetail(m, last, this.#perp), m);
    }
    this.book.apply(m.bids, m.asks);
    c.lastUpdateId = m.u;
    c.counters.applied++;
    this.#bridging = false;
    if (this.book.isCrossed()) {
      c.counters.crossed++;
      return this.#resync("crossed", atMs, {});
    }
    return c.state === "stale" ? effects(c.revive(atMs)) : NO_EFFECTS;
  }

  /** Starts a rebuild: new epoch, a buffer starting with `first` (if any), a snapshot request. */
  #resync(
    reason: ResyncReason,
    atMs: number,
    detail: ResyncDetail,
    first?: BinanceDepth,
  ): readonly SyncEffect[] {
    const lost = this.#core.lose(reason, atMs, detail);
    this.#bridging = false;
    this.#buffer = first ? [first] : [];
    return effects(lost, this.#request());
  }

  #request(delayAtLeastMs = 0): SyncEffect {
    const c = this.#core;
    c.epoch++;
    this.#awaiting = true;
    const delayMs = Math.max(delayAtLeastMs, c.nextDelayMs());
    return {
      type: "requestSnapshot",
      epoch: c.epoch,
      limit: this.#limit,
      weight: this.#weight,
      delayMs,
    };
  }

  /** Not in sync: keep the event (bounded, contiguous) and ask for a snapshot once per epoch. */
  #buffered(m: BinanceDepth): readonly SyncEffect[] {
    const c = this.#core, buf = this.#buffer;
    if (buf.length > 0) {
      const rel = relate(m, buf[buf.length - 1].u, false, this.#perp);
      if (rel === "duplicate") {
        c.counters.duplicates++;
        return NO_EFFECTS;
      }
      if (rel !== "next") {
        // what came before the break can never be bridged to: keep the new run only
        c.counters.gaps++;
        buf.length = 0;
      } else if (buf.length >= this.#maxBuffered) {
        buf.shift();
        c.counters.overflows++;
        c.counters.gaps++;
      }
    }
    buf.push(m);
    return this.#awaiting ? NO_EFFECTS : [this.#request()];
  }

  /** The answer to the request of `epoch`. */
  snapshot(epoch: number, snap: DepthSnapshot, atMs: number): readonly SyncEffect[] {
    const c = this.#core;
    if (epoch !== c.epoch || !this.#awaiting) {
      c.counters.snapshotsDiscarded++;
      return NO_EFFECTS;
    }
    this.#awaiting = false;
    return this.#install(snap, atMs);
  }

  /** Sets the book to the snapshot and replays the buffer, or asks again when they do not fit. */
  #install(snap: DepthSnapshot, atMs: number): readonly SyncEffect[] {
    const c = this.#core, buf = this.#buffer, lid = snap.lastUpdateId;
    let k = 0;
    while (k < buf.length && buf[k].u <= lid) k++;
    c.counters.duplicates += k;
    if (k < buf.length && relate(buf[k], lid, true, this.#perp) !== "next") {
      c.counters.snapshotsDiscarded++; // older than the buffered events
      this.#buffer = buf.slice(k);
      return [this.#request()];
    }
    this.book.replace(snap.bids, snap.asks);
    c.lastUpdateId = lid;
    this.#bridging = true;
    for (let j = k; j < buf.length; j++) {
      const m = buf[j];
      if (relate(m, c.lastUpdateId, this.#bridging, this.#perp) !== "next") {
        c.counters.gaps++;
        this.#buffer = buf.slice(j);
        return [this.#request()];
      }
      this.book.apply(m.bids, m.asks);
      c.lastUpdateId = m.u;
      c.counters.applied++;
      this.#bridging = false;
    }
    this.#buffer = [];
    if (this.book.isCrossed()) {
      c.counters.crossed++;
      c.counters.snapshotsDiscarded++;
      return [this.#request()];
    }
    return [c.goLive(atMs)];
  }

  /** The request of `epoch` failed (HTTP error, 429 with `retryAfterMs`): ask again, later. */
  snapshotFailed(epoch: number, _atMs: number, retryAfterMs?: number): readonly SyncEffect[] {
    if (epoch !== this.#core.epoch || !this.#awaiting) return NO_EFFECTS;
    this.#awaiting = false;
    return [this.#request(retryAfterMs ?? 0)];
  }

  /** The connection (re)opened: a new epoch; a book that was live is rebuilt (`reconnect`). */
  opened(atMs: number): readonly SyncEffect[] {
    this.#core.heard(atMs, false);
    this.#reset();
    return effects(this.#core.lose("reconnect", atMs));
  }

  /** The connection closed: a live book becomes stale; pending snapshots are void. */
  closed(atMs: number): readonly SyncEffect[] {
    this.#reset();
    return effects(this.#core.disconnect(atMs));
  }

  #reset(): void {
    this.#core.epoch++;
    this.#awaiting = false;
    this.#buffer = [];
    this.#bridging = false;
  }
}
