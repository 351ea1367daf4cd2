/**
 * The contract every order-book sync machine follows (Binance spot, Binance USDⓈ-M, Bybit v5), and
 * the bookkeeping they share. A sync machine is pure and deterministic: it is fed events (a parsed
 * depth message, a REST snapshot with the epoch it was requested under, the connection opening or
 * closing, a timer tick — each carrying its time), updates its book and status, and answers with
 * effects for the IO side to carry out (fetch a snapshot, resubscribe a topic, record a resync).
 * It never reads a clock and never does IO, so a recording replayed through it gives the same
 * books, counters and effects as the live run. The rules per exchange are in docs/streams.md.
 * @module
 */
import type { OrderBook } from "./book.ts";
import type { CheckedLevels } from "./levels.ts";

/** Exchanges with a sync machine. */
export type Exchange = "binance" | "bybit";
/** `spot`, or `perp` (Binance USDⓈ-M perpetuals, Bybit linear perpetuals). */
export type Market = "spot" | "perp";

/** Which book: exchange, market, symbol (upper case, as the exchange spells it). */
export interface BookKey {
  /** The exchange. */
  readonly exchange: Exchange;
  /** The market. */
  readonly market: Market;
  /** The symbol, e.g. `BTCUSDT`. */
  readonly symbol: string;
}

/** `binance:spot:BTCUSDT`: the id used in cache keys and channel names. */
export function bookId(key: BookKey): string {
  return `${key.exchange}:${key.market}:${key.symbol}`;
}

/**
 * `syncing`: never in sync yet. `live`: in sync and checked on every message. `resyncing`: was
 * live, lost sync, rebuilding (its levels are not to be shown as current). `stale`: was live, then
 * went silent or lost its connection; it keeps its levels but they may be old. `unknown-symbol`:
 * terminal — the exchange says it has no such symbol on this market (its message is the status'
 * `error`); the book never gets levels and its events are ignored.
 */
export type BookState = "syncing" | "live" | "resyncing" | "stale" | "unknown-symbol";

/** Every {@link BookState}, in a fixed order (metrics labels, validation). */
export const BOOK_STATES: readonly BookState[] = [
  "syncing",
  "live",
  "resyncing",
  "stale",
  "unknown-symbol",
];

/**
 * Why a live (or stale) book is being rebuilt: a `gap` in the update ids, an id sequence going
 * `backwards`, a `crossed` book, a `reconnect`, a new Bybit `snapshot`, or a Bybit `restart`
 * (`u = 1`).
 */
export type ResyncReason = "gap" | "backwards" | "crossed" | "reconnect" | "snapshot" | "restart";

/** A REST depth snapshot: the last update id it includes and its levels. */
export interface DepthSnapshot {
  /** The last update id included in the snapshot (Binance `lastUpdateId`). */
  readonly lastUpdateId: number;
  /** Bid levels. */
  readonly bids: CheckedLevels;
  /** Ask levels. */
  readonly asks: CheckedLevels;
}

/** An input to a sync machine. `D` is the exchange's parsed depth message. */
export type SyncEvent<D> =
  | { readonly type: "opened"; readonly atMs: number }
  | { readonly type: "closed"; readonly atMs: number }
  | { readonly type: "depth"; readonly atMs: number; readonly message: D }
  | {
    readonly type: "snapshot";
    readonly atMs: number;
    readonly epoch: number;
    readonly snapshot: DepthSnapshot;
  }
  | {
    readonly type: "snapshotFailed";
    readonly atMs: number;
    readonly epoch: number;
    readonly retryAfterMs?: number;
  }
  | { readonly type: "tick"; readonly atMs: number }
  /** The exchange says it has no such symbol (`message`: its words): the book stops for good. */
  | { readonly type: "unknownSymbol"; readonly atMs: number; readonly message: string };

/** What a sync machine asks the IO side to do, or tells it happened. */
export type SyncEffect =
  /** Fetch a REST snapshot of `limit` levels (REST weight `weight`) after `delayMs`; answer with
   * a `snapshot` or `snapshotFailed` event carrying `epoch`. */
  | {
    readonly type: "requestSnapshot";
    readonly epoch: number;
    readonly limit: number;
    readonly weight: number;
    readonly delayMs: number;
  }
  /** Unsubscribe and subscribe this book's topic again after `delayMs` (Bybit: the next
   * snapshot rebuilds the book). */
  | { readonly type: "resubscribe"; readonly epoch: number; readonly delayMs: number }
  /** A live or stale book started rebuilding. `missed`: update ids skipped by a gap (when known);
   * `expected`/`got`: the continuity values that disagreed. */
  | {
    readonly type: "resync";
    readonly reason: ResyncReason;
    readonly atMs: number;
    readonly missed?: number;
    readonly expected?: number;
    readonly got?: number;
  }
  /** The book is in sync; `syncMs` is how long it took since the (re)sync started. */
  | { readonly type: "live"; readonly atMs: number; readonly syncMs: number }
  /** No message for `silentMs` (or the connection closed): reconnect. */
  | { readonly type: "stale"; readonly atMs: number; readonly silentMs: number };

/** The continuity values of a resync: ids missed by a gap, and the expected and received id. */
export interface ResyncDetail {
  /** Update ids skipped by a gap, when known. */
  readonly missed?: number;
  /** The id continuity expected (spot and Bybit: `prev.u + 1`; USDⓈ-M: `prev.u`). */
  readonly expected?: number;
  /** The id received instead (spot and Bybit: `U`/`u`; USDⓈ-M: `pu`). */
  readonly got?: number;
}

/** Counters of one book since its machine was created. */
export interface BookCounters {
  /** Depth messages received for this book. */
  messages: number;
  /** Messages applied to the book (live, or replayed from the buffer). */
  applied: number;
  /** Messages dropped because the book already holds them (`u` not past the last update id). */
  duplicates: number;
  /** Messages that could not be used: a Bybit delta without a snapshot to apply to. */
  dropped: number;
  /** Sequence gaps: live gaps, gaps inside the buffer, and buffer overflows. */
  gaps: number;
  /** Rebuilds after the first sync (each with a `resync` effect). */
  resyncs: number;
  /** Times the book (or a snapshot) was found crossed. */
  crossed: number;
  /** Snapshots requested (Binance) or resubscriptions (Bybit). */
  snapshotRequests: number;
  /** Snapshots not used: from an older epoch, older than the buffered events, or crossed. */
  snapshotsDiscarded: number;
  /** Buffered messages dropped because the buffer was full (each also counts as a gap). */
  overflows: number;
}

/** A book's state and counters, as the IO side shows, caches and stores them. */
export interface BookStatus {
  /** Which book. */
  readonly key: BookKey;
  /** The sync state. */
  readonly state: BookState;
  /** The `u` of the last applied message (or the snapshot's id); `null` before the first sync. */
  readonly lastUpdateId: number | null;
  /** The current epoch (bumped on every reconnect and every snapshot request). */
  readonly epoch: number;
  /** Messages waiting in the pre-sync buffer. */
  readonly buffered: number;
  /** Time of the last message for this book, or `null`. */
  readonly lastMessageAtMs: number | null;
  /** Time the state last changed. */
  readonly stateSinceMs: number;
  /** Why the book is `unknown-symbol` (the exchange's message), else `null`. */
  readonly error: string | null;
  /** Counters. */
  readonly counters: Readonly<BookCounters>;
}

/** What every sync machine offers. `D` is its exchange's parsed depth message. */
export interface BookSync<D> {
  /** Which book. */
  readonly key: BookKey;
  /** The book (read it; only the machine writes it). Show it as current only when `live`. */
  readonly book: OrderBook;
  /** State and counters now. */
  status(): BookStatus;
  /** Feeds one event; returns the effects to carry out, in order (often none). */
  handle(event: SyncEvent<D>): readonly SyncEffect[];
}

/** The shared empty answer: most messages cause no effect, and allocate none. */
export const NO_EFFECTS: readonly SyncEffect[] = Object.freeze([]);

/** Default silence after which a book is marked stale (`--stale-after`). */
export const DEFAULT_STALE_AFTER_MS = 15_000;
/** Default bound of the pre-sync buffer, in messages. */
export const DEFAULT_MAX_BUFFERED = 10_000;

const BACKOFF_BASE_MS = 250;
const BACKOFF_MAX_MS = 30_000;

/**
 * The state, counters and timing shared by the sync machines: state transitions, resync
 * counting, retry backoff and stale detection. Exchange rules live in the machines.
 */
export class SyncCore {
  /** The sync state. */
  state: BookState = "syncing";
  /** The `u` of the last applied message (set by the machine). */
  lastUpdateId: number | null = null;
  /** The book's epoch (bumped by the machine on reconnects and requests). */
  epoch = 0;
  /** Time of the last message for this book. */
  lastMessageAtMs: number | null = null;
  /** Time the state last changed. */
  stateSinceMs = 0;
  /** Why the book is `unknown-symbol`, else `null`. */
  error: string | null = null;
  /** Counters, updated by the machine. */
  readonly counters: BookCounters = {
    messages: 0,
    applied: 0,
    duplicates: 0,
    dropped: 0,
    gaps: 0,
    resyncs: 0,
    crossed: 0,
    snapshotRequests: 0,
    snapshotsDiscarded: 0,
    overflows: 0,
  };
  /** Requests since the book was last live (drives the backoff). */
  #attempts = 0;
  #syncStartedAtMs: number | null = null;
  #heardAtMs: number | null = null;
  #staleSignalled = false;

  /** `staleAfterMs`: silence after which the book is signalled stale (must be > 0). */
  constructor(readonly key: BookKey, readonly staleAfterMs: number) {
    if (!(staleAfterMs > 0)) {
      throw new RangeError(
        `Cannot create a book sync: staleAfterMs must be > 0, got ${staleAfterMs}`,
      );
    }
  }

  /** Whether the book has levels that were in sync (live now, or stale). */
  get hasBook(): boolean {
    return this.state === "live" || this.state === "stale";
  }

  #enter(state: BookState, atMs: number): void {
    if (this.state !== state) this.stateSinceMs = atMs;
    this.state = state;
  }

  /** Whether the book stopped for good (`unknown-symbol`): the machines then ignore events. */
  get terminal(): boolean {
    return this.state === "unknown-symbol";
  }

  /**
   * The exchange has no such symbol: enter the terminal `unknown-symbol` state with its message.
   * Returns whether the state changed (a second verdict changes nothing).
   */
  reject(atMs: number, message: string): boolean {
    if (this.terminal) return false;
    this.#enter("unknown-symbol", atMs);
    this.error = message;
    return true;
  }

  /** A message or a connection event was heard at `atMs` (resets the silence timer). */
  heard(atMs: number, isMessage: boolean): void {
    this.#heardAtMs = atMs;
    this.#staleSignalled = false;
    this.#syncStartedAtMs ??= atMs;
    if (isMessage) this.lastMessageAtMs = atMs;
  }

  /** The book is in sync: go live and say how long the (re)sync took. */
  goLive(atMs: number): SyncEffect {
    const syncMs = atMs - (this.#syncStartedAtMs ?? atMs);
    this.#enter("live", atMs);
    this.#attempts = 0;
    return { type: "live", atMs, syncMs };
  }

  /**
   * The book is out of sync. From live or stale this is a resync (counted, and returned as an
   * effect); while already (re)syncing it only continues the rebuild.
   */
  lose(
    reason: ResyncReason,
    atMs: number,
    detail: ResyncDetail = {},
  ): SyncEffect | undefined {
    if (!this.hasBook) return undefined;
    this.counters.resyncs++;
    this.#syncStartedAtMs = atMs;
    this.#enter("resyncing", atMs);
    const effect: { -readonly [K in keyof ResyncDetail]: ResyncDetail[K] } = {};
    if (detail.missed !== undefined) effect.missed = detail.missed;
    if (detail.expected !== undefined) effect.expected = detail.expected;
    if (detail.got !== undefined) effect.got = detail.got;
    return { type: "resync", reason, atMs, ...effect };
  }

  /** The connection closed: a live book becomes stale (levels kept). */
  disconnect(atMs: number): SyncEffect | undefined {
    const silentMs = atMs - (this.#heardAtMs ?? atMs);
    this.#heardAtMs = atMs;
    if (this.state !== "live") return undefined;
    this.#enter("stale", atMs);
    this.#staleSignalled = true;
    return { type: "stale", atMs, silentMs };
  }

  /**
   * Back to live from stale after a message that passed the continuity check; `syncMs` is then
   * how long the book was stale.
   */
  revive(atMs: number): SyncEffect | undefined {
    if (this.state !== "stale") return undefined;
    this.#syncStartedAtMs = this.stateSinceMs;
    return this.goLive(atMs);
  }

  /** Delay before the next snapshot request or resubscription: 0, then 250 ms doubling to 30 s. */
  nextDelayMs(): number {
    const n = this.#attempts++;
    this.counters.snapshotRequests++;
    return n === 0 ? 0 : Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (n - 1));
  }

  /**
   * Timer tick: a book silent for `staleAfterMs` is signalled once (`stale` effect) so the IO
   * side reconnects; a live one also becomes `stale`.
   */
  tick(atMs: number): SyncEffect | undefined {
    if (this.#heardAtMs === null) this.#heardAtMs = atMs;
    const silentMs = atMs - this.#heardAtMs;
    if (silentMs < this.staleAfterMs || this.#staleSignalled) return undefined;
    this.#staleSignalled = true;
    if (this.state === "live") this.#enter("stale", atMs);
    return { type: "stale", atMs, silentMs };
  }

  /** The status snapshot of {@link BookSync.status}. */
  status(buffered: number): BookStatus {
    return {
      key: this.key,
      state: this.state,
      lastUpdateId: this.lastUpdateId,
      epoch: this.epoch,
      buffered,
      lastMessageAtMs: this.lastMessageAtMs,
      stateSinceMs: this.stateSinceMs,
      error: this.error,
      counters: { ...this.counters },
    };
  }
}

/** Collects effects into the shared empty array when there are none. */
export function effects(...list: (SyncEffect | undefined)[]): readonly SyncEffect[] {
  const out = list.filter((e): e is SyncEffect => e !== undefined);
  return out.length === 0 ? NO_EFFECTS : out;
}
