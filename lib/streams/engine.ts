/**
 * The stream engine: every {@link StreamEvent} of a run goes through here, live or replayed. It
 * routes frames to the sync machine of their book (one per exchange × market × symbol) and to the
 * funding state, turns REST answers into snapshot events under their epoch, and answers with
 * {@link EngineEffect}s for the IO side (fetch a snapshot, resubscribe a topic, reconnect a
 * silent connection, record a resync). Pure and deterministic: the same events give the same
 * books, counters, effects and summary — which is what makes a recording replayable.
 * @module
 */
import { DataError } from "../core/errors.ts";
import { excerpt } from "../core/text.ts";
import {
  type BinanceDepth,
  parseBinanceDepthSnapshot,
  parseBinanceFrame,
} from "./binance/parse.ts";
import { parseBinanceFundingInfo } from "./binance/parse.ts";
import { BinanceBookSync } from "./binance/sync.ts";
import { type BybitBookMessage, parseBybitFrame } from "./bybit/parse.ts";
import { BybitBookSync } from "./bybit/sync.ts";
import { ExchangeError } from "./errors.ts";
import type { StreamEvent } from "./events.ts";
import { bybitRefusedSymbols, instrumentsPath, instrumentVerdict } from "./instruments.ts";
import { type FundingEntry, FundingState } from "./funding.ts";
import type { ConnectionPlan, StreamPlan } from "./plan.ts";
import {
  bookId,
  type BookKey,
  type BookState,
  type BookSync,
  type Exchange,
  type Market,
  type ResyncReason,
  type SyncEffect,
  type SyncEvent,
} from "./sync.ts";

/** What the engine asks the IO side to do, or tells it happened. */
export type EngineEffect =
  /** GET a depth snapshot for `book` (after `delayMs`, `weight` from the limiter). */
  | {
    readonly type: "snapshot";
    readonly book: BookKey;
    readonly epoch: number;
    readonly limit: number;
    readonly weight: number;
    readonly delayMs: number;
  }
  /** Unsubscribe and subscribe `topic` again on `conn` after `delayMs` (Bybit). */
  | {
    readonly type: "resubscribe";
    readonly book: BookKey;
    readonly conn: string;
    readonly topic: string;
    readonly delayMs: number;
  }
  /** Close `conn` and open it again (`silent`: no data for `--stale-after`; `serverShutdown`). */
  | { readonly type: "reconnect"; readonly conn: string; readonly reason: string }
  /** `book` lost sync and is rebuilding. */
  | {
    readonly type: "resync";
    readonly book: BookKey;
    readonly reason: ResyncReason;
    readonly atMs: number;
    readonly missed?: number;
  }
  /** `book` is live again after the resync that started at `startedAtMs`. */
  | {
    readonly type: "resynced";
    readonly book: BookKey;
    readonly reason: ResyncReason;
    readonly startedAtMs: number;
    readonly durationMs: number;
  }
  /** Something worth a log line: a malformed frame, an exchange error, a failed snapshot. */
  | { readonly type: "problem"; readonly where: string; readonly message: string };

/** One book in the summary: the shape (levels as JSON numbers, best first). */
export interface SummaryBook {
  readonly exchange: Exchange;
  readonly market: Market;
  readonly symbol: string;
  readonly state: BookState;
  readonly updateId: number | null;
  readonly bids: readonly (readonly [number, number])[];
  readonly asks: readonly (readonly [number, number])[];
  readonly resyncs: number;
  readonly gaps: number;
  readonly messages: number;
  /** Only on an `unknown-symbol` book: the exchange's message. */
  readonly error?: string;
}

/** One perpetual's funding in the summary. */
export interface SummaryFunding {
  readonly exchange: Exchange;
  readonly symbol: string;
  readonly rate: number | null;
  readonly nextFundingTime: string | null;
  readonly intervalHours: number | null;
  readonly markPrice: number | null;
}

/** Counters of the whole run. */
export interface EngineStats {
  /** Events handled (every line of the recording but `start`). */
  events: number;
  /** Text frames received. */
  frames: number;
  /** Frames that failed to parse (logged, counted, never applied). */
  malformed: number;
  /** Exchange error messages (a failed subscribe naming an unknown symbol, …). */
  exchangeErrors: number;
  /** Reconnections (opens after the first, handovers excluded). */
  reconnects: number;
  /** Proactive handovers (before Binance's 24 h limit). */
  handovers: number;
  /** `serverShutdown` events. */
  serverShutdowns: number;
  /** REST snapshot answers, and the failed ones among them. */
  snapshots: number;
  snapshotFailures: number;
  /** Funding changes. */
  fundingUpdates: number;
  /** Symbol metadata answers (instrument lists), and the failed ones among them. */
  symbolChecks: number;
  symbolCheckFailures: number;
  /** Books found to have no such symbol on their exchange (state `unknown-symbol`). */
  unknownSymbols: number;
  /** Times a book still syncing had no message for `--stale-after` (a symbol may not exist). */
  silentBooks: number;
  /** Time from the first to the last event, ms. */
  durationMs: number;
}

/** The `--json` summary. */
export interface StreamSummary {
  /** One entry per book, in plan order. */
  readonly books: SummaryBook[];
  /** The latest funding per perpetual. */
  readonly funding: SummaryFunding[];
  /** Event counts of the run, with the resyncs and gaps of all books. */
  readonly stats: EngineStats & { readonly resyncs: number; readonly gaps: number };
}

interface BookSlot {
  readonly key: BookKey;
  readonly id: string;
  readonly conn: ConnectionPlan;
  readonly sync: BookSync<unknown>;
  resync?: { reason: ResyncReason; atMs: number };
  /** Changed since the last {@link StreamEngine.takeChanges} (it is then in the dirty list). */
  dirty: boolean;
}

interface ConnSlot {
  readonly plan: ConnectionPlan;
  readonly books: BookSlot[];
  /** The books a frame of this connection may update, by symbol. */
  readonly bySymbol: Map<string, BookSlot>;
  opened: number;
  lastDataAt: number | null;
  reconnectAsked: boolean;
}

const num = (s: string | null): number | null => (s === null ? null : Number(s));

/** What `handle` returns for an event without effects: one shared, frozen empty list. */
const NO_EFFECTS: readonly EngineEffect[] = Object.freeze([]);

/** See the module documentation. */
export class StreamEngine {
  /** The plan the engine was built from. */
  readonly plan: StreamPlan;
  /** Funding state of the perpetuals. */
  readonly funding: FundingState = new FundingState();
  readonly #books = new Map<string, BookSlot>();
  readonly #conns = new Map<string, ConnSlot>();
  /** The connection last looked up (the map never changes after construction). */
  #lastConnId: string | undefined;
  #lastConn: ConnSlot | undefined;
  /** The effects of the event being handled (see {@link StreamEngine.handle}). */
  readonly #out: EngineEffect[] = [];
  /** Books changed since the last takeChanges, in the order they first changed. */
  #dirty: BookSlot[] = [];
  #dirtyFunding: FundingEntry[] = [];
  #startAt: number | null = null;
  #lastAt: number | null = null;
  readonly #stats: EngineStats = {
    events: 0,
    frames: 0,
    malformed: 0,
    exchangeErrors: 0,
    reconnects: 0,
    handovers: 0,
    serverShutdowns: 0,
    snapshots: 0,
    snapshotFailures: 0,
    fundingUpdates: 0,
    symbolChecks: 0,
    symbolCheckFailures: 0,
    unknownSymbols: 0,
    silentBooks: 0,
    durationMs: 0,
  };

  /** One sync machine per book of `plan`. */
  constructor(plan: StreamPlan) {
    this.plan = plan;
    for (const conn of plan.connections) {
      const slot: ConnSlot = {
        plan: conn,
        books: [],
        bySymbol: new Map(),
        opened: 0,
        lastDataAt: null,
        reconnectAsked: false,
      };
      for (const symbol of conn.symbols) {
        const key: BookKey = { exchange: conn.exchange, market: conn.market, symbol };
        const sync: BookSync<unknown> = conn.exchange === "binance"
          ? new BinanceBookSync({
            market: conn.market,
            symbol,
            snapshotLimit: plan.snapshotLimit,
            staleAfterMs: plan.staleAfterMs,
          }) as BookSync<unknown>
          : new BybitBookSync({
            market: conn.market,
            symbol,
            depth: plan.bybitDepth,
            staleAfterMs: plan.staleAfterMs,
          }) as BookSync<unknown>;
        const book: BookSlot = { key, id: bookId(key), conn, sync, dirty: false };
        slot.books.push(book);
        this.#books.set(book.id, book);
      }
      this.#conns.set(conn.id, slot);
    }
    // a frame updates the book of its symbol only when the book is this connection's
    for (const slot of this.#conns.values()) {
      for (const symbol of slot.plan.symbols) {
        const b = this.#books.get(`${slot.plan.exchange}:${slot.plan.market}:${symbol}`);
        if (b && b.conn.id === slot.plan.id) slot.bySymbol.set(symbol, b);
      }
    }
  }

  /** The sync machine of a book (`binance:spot:BTCUSDT`), or `undefined`. */
  sync(id: string): BookSync<unknown> | undefined {
    return this.#books.get(id)?.sync;
  }

  /** Every book's sync machine, in plan order. */
  syncs(): BookSync<unknown>[] {
    return [...this.#books.values()].map((b) => b.sync);
  }

  /** Feeds one event; returns the effects to carry out, in order. */
  handle(ev: StreamEvent): readonly EngineEffect[] {
    if (ev.t === "start" || ev.t === "sent" || ev.t === "stop" || ev.t === "publish") return [];
    this.#stats.events++;
    this.#startAt ??= ev.at;
    this.#lastAt = ev.at;
    this.#stats.durationMs = ev.at - this.#startAt;
    // one reused list: most frames have no effect, and then no array is allocated for them
    const out = this.#out;
    switch (ev.t) {
      case "frame":
        this.#frame(ev.c, ev.d, ev.at, out);
        break;
      case "open":
        this.#open(ev.c, ev.at, ev.handover === true, out);
        break;
      case "close":
        this.#close(ev.c, ev.at, ev.handover === true, out);
        break;
      case "snapshot":
        this.#snapshot(ev, out);
        break;
      case "fundingInfo":
        this.#fundingInfo(ev.body, ev.error, ev.at, out);
        break;
      case "instruments":
        this.#instruments(ev, out);
        break;
      case "tick":
        this.#tick(ev.at, out);
        break;
    }
    return out.length === 0 ? NO_EFFECTS : out.splice(0);
  }

  #conn(id: string): ConnSlot {
    // frames come in runs from one connection: the last one found is tried first
    if (id === this.#lastConnId) return this.#lastConn!;
    const c = this.#conns.get(id);
    if (c) {
      this.#lastConnId = id;
      this.#lastConn = c;
    }
    if (!c) throw new DataError(`unknown connection "${excerpt(id, 40)}"`, "stream event");
    return c;
  }

  #feed(book: BookSlot, event: SyncEvent<unknown>, out: EngineEffect[]): void {
    for (const e of book.sync.handle(event)) this.#translate(book, e, out);
    if (event.type === "depth" || event.type === "snapshot") this.#markDirty(book);
  }

  #markDirty(book: BookSlot): void {
    if (book.dirty) return;
    book.dirty = true;
    this.#dirty.push(book);
  }

  #translate(book: BookSlot, e: SyncEffect, out: EngineEffect[]): void {
    switch (e.type) {
      case "requestSnapshot":
        out.push({
          type: "snapshot",
          book: book.key,
          epoch: e.epoch,
          limit: e.limit,
          weight: e.weight,
          delayMs: e.delayMs,
        });
        return;
      case "resubscribe": {
        const topic = book.conn.streams.find((s) =>
          s.startsWith("orderbook.") && s.endsWith(`.${book.key.symbol}`)
        )!;
        out.push({
          type: "resubscribe",
          book: book.key,
          conn: book.conn.id,
          topic,
          delayMs: e.delayMs,
        });
        return;
      }
      case "resync":
        book.resync = { reason: e.reason, atMs: e.atMs };
        out.push({
          type: "resync",
          book: book.key,
          reason: e.reason,
          atMs: e.atMs,
          missed: e.missed,
        });
        return;
      case "live":
        this.#markDirty(book);
        if (book.resync) {
          out.push({
            type: "resynced",
            book: book.key,
            reason: book.resync.reason,
            startedAtMs: book.resync.atMs,
            durationMs: e.atMs - book.resync.atMs,
          });
          book.resync = undefined;
        }
        return;
      case "stale": {
        this.#markDirty(book);
        const s = book.sync.status();
        if (s.state === "syncing" && s.counters.messages === 0) {
          this.#stats.silentBooks++;
          out.push({
            type: "problem",
            where: book.id,
            message: `no message for ${
              Math.round(e.silentMs / 1000)
            } s since subscribing: is ${book.key.symbol} listed on ${book.key.exchange} ${book.key.market}?`,
          });
        }
        return;
      }
    }
  }

  #frame(connId: string, text: string, at: number, out: EngineEffect[]): void {
    const conn = this.#conn(connId);
    this.#stats.frames++;
    try {
      if (conn.plan.exchange === "binance") this.#binanceFrame(conn, text, at, out);
      else this.#bybitFrame(conn, text, at, out);
    } catch (e) {
      if (e instanceof ExchangeError) this.#stats.exchangeErrors++;
      else if (e instanceof DataError) this.#stats.malformed++;
      else throw e;
      out.push({ type: "problem", where: connId, message: (e as Error).message });
    }
  }

  #bookOf(conn: ConnSlot, symbol: string): BookSlot | undefined {
    return conn.bySymbol.get(symbol);
  }

  #binanceFrame(conn: ConnSlot, text: string, at: number, out: EngineEffect[]): void {
    const f = parseBinanceFrame(text, conn.plan.market);
    switch (f.kind) {
      case "depth": {
        conn.lastDataAt = at;
        const book = this.#bookOf(conn, f.depth.symbol);
        if (book) {
          this.#feed(book, { type: "depth", atMs: at, message: f.depth as BinanceDepth }, out);
        }
        return;
      }
      case "markPrice":
        conn.lastDataAt = at;
        for (const m of f.updates) {
          if (!this.#bookOf(conn, m.symbol)) continue;
          this.#fundingChanged(this.funding.applyBinanceMark(m));
        }
        return;
      case "serverShutdown":
        this.#stats.serverShutdowns++;
        out.push({ type: "reconnect", conn: conn.plan.id, reason: "serverShutdown" });
        return;
      case "error":
        this.#stats.exchangeErrors++;
        out.push({
          type: "problem",
          where: conn.plan.id,
          message: `binance error ${f.code}: ${f.message}`,
        });
        return;
      default:
        return;
    }
  }

  #bybitFrame(conn: ConnSlot, text: string, at: number, out: EngineEffect[]): void {
    const f = parseBybitFrame(text);
    if (f.kind === "book") {
      conn.lastDataAt = at;
      const book = this.#bookOf(conn, f.book.symbol);
      if (book) {
        this.#feed(book, { type: "depth", atMs: at, message: f.book as BybitBookMessage }, out);
      }
    } else if (f.kind === "ticker") {
      conn.lastDataAt = at;
      if (conn.plan.market === "perp" && this.#bookOf(conn, f.ticker.symbol)) {
        this.#fundingChanged(this.funding.applyBybitTicker(f.ticker, at));
      }
    } else if (f.kind === "op" && !f.success) {
      this.#stats.exchangeErrors++;
      const message = `bybit ${f.op} failed: ${f.message}`;
      out.push({ type: "problem", where: conn.plan.id, message });
      if (f.op !== "subscribe") return;
      for (const symbol of bybitRefusedSymbols(f.message)) {
        const book = this.#bookOf(conn, symbol);
        if (book) this.#unknownSymbol(book, message, at, out);
      }
    }
  }

  #fundingChanged(entry: FundingEntry | undefined): void {
    if (!entry) return;
    this.#stats.fundingUpdates++;
    this.#dirtyFunding.push(entry);
  }

  #open(connId: string, at: number, handover: boolean, out: EngineEffect[]): void {
    const conn = this.#conn(connId);
    conn.lastDataAt = at;
    conn.reconnectAsked = false;
    if (handover) {
      this.#stats.handovers++;
      return;
    }
    if (conn.opened++ > 0) this.#stats.reconnects++;
    for (const b of conn.books) this.#feed(b, { type: "opened", atMs: at }, out);
  }

  #close(connId: string, at: number, handover: boolean, out: EngineEffect[]): void {
    const conn = this.#conn(connId);
    if (handover) return;
    for (const b of conn.books) this.#feed(b, { type: "closed", atMs: at }, out);
  }

  #snapshot(ev: Extract<StreamEvent, { t: "snapshot" }>, out: EngineEffect[]): void {
    const book = this.#books.get(ev.book);
    if (!book) throw new DataError(`unknown book "${excerpt(ev.book, 40)}"`, "stream event");
    this.#stats.snapshots++;
    const where = `binance ${
      book.key.market === "spot" ? "/api/v3/depth" : "/fapi/v1/depth"
    } ${book.key.symbol}`;
    let failure = ev.error;
    if (failure === undefined) {
      try {
        const snapshot = parseBinanceDepthSnapshot(JSON.parse(ev.body ?? ""), where);
        this.#feed(book, { type: "snapshot", atMs: ev.at, epoch: ev.epoch, snapshot }, out);
        return;
      } catch (e) {
        failure = (e as Error).message;
      }
    }
    this.#stats.snapshotFailures++;
    out.push({ type: "problem", where, message: failure });
    this.#feed(book, {
      type: "snapshotFailed",
      atMs: ev.at,
      epoch: ev.epoch,
      retryAfterMs: ev.retryAfterMs,
    }, out);
  }

  #fundingInfo(
    body: string | undefined,
    error: string | undefined,
    at: number,
    out: EngineEffect[],
  ): void {
    const where = "binance /fapi/v1/fundingInfo";
    if (error !== undefined) {
      out.push({ type: "problem", where, message: error });
      return;
    }
    try {
      const symbols = new Set(
        this.plan.books.filter((b) => b.exchange === "binance" && b.market === "perp").map((b) =>
          b.symbol
        ),
      );
      const infos = parseBinanceFundingInfo(JSON.parse(body ?? ""), where).filter((i) =>
        symbols.has(i.symbol)
      );
      for (const e of this.funding.applyBinanceFundingInfo(infos, at)) this.#fundingChanged(e);
    } catch (e) {
      out.push({ type: "problem", where, message: (e as Error).message });
    }
  }

  /** A book the exchange says it does not have: terminal, unless its stream says otherwise. */
  #unknownSymbol(book: BookSlot, message: string, at: number, out: EngineEffect[]): void {
    const s = book.sync.status();
    if (s.state === "unknown-symbol") return;
    if (s.counters.messages > 0) {
      // the stream carries it: the metadata is wrong (another host, a listing just now)
      out.push({
        type: "problem",
        where: book.id,
        message: `${message} — but its stream carries it: kept`,
      });
      return;
    }
    this.#feed(book, { type: "unknownSymbol", atMs: at, message }, out);
    this.#stats.unknownSymbols++;
    this.#markDirty(book);
    out.push({ type: "problem", where: book.id, message: `unknown symbol: ${message}` });
  }

  #instruments(ev: Extract<StreamEvent, { t: "instruments" }>, out: EngineEffect[]): void {
    if (
      !(ev.exchange === "binance" || ev.exchange === "bybit") ||
      !(ev.market === "spot" || ev.market === "perp") || !Array.isArray(ev.symbols)
    ) {
      throw new DataError("instruments event without exchange, market and symbols", "stream event");
    }
    this.#stats.symbolChecks++;
    const wanted = this.plan.books.filter((b) =>
      b.exchange === ev.exchange && b.market === ev.market
    ).map((b) => b.symbol);
    const v = instrumentVerdict({ ...ev, wanted });
    const where = `${ev.exchange} ${instrumentsPath(ev.exchange, ev.market)}`;
    if (v.failure !== undefined) {
      this.#stats.symbolCheckFailures++;
      out.push({
        type: "problem",
        where,
        message: `cannot check symbols (streaming without the check): ${v.failure}`,
      });
      return;
    }
    for (const u of v.unknown) {
      const book = this.#books.get(`${ev.exchange}:${ev.market}:${u.symbol}`);
      if (book) this.#unknownSymbol(book, `${where}: ${u.message}`, ev.at, out);
    }
    if (v.notTrading.length > 0) {
      out.push({
        type: "problem",
        where,
        message: `listed but not trading (their books may stay silent): ${v.notTrading.join(", ")}`,
      });
    }
  }

  #tick(at: number, out: EngineEffect[]): void {
    for (const b of this.#books.values()) this.#feed(b, { type: "tick", atMs: at }, out);
    for (const c of this.#conns.values()) {
      if (c.opened === 0 || c.reconnectAsked || c.lastDataAt === null) continue;
      // a connection of unknown symbols only is silent by nature: reconnecting cannot help
      if (c.books.every((b) => b.sync.status().state === "unknown-symbol")) continue;
      if (at - c.lastDataAt >= this.plan.staleAfterMs) {
        c.reconnectAsked = true;
        out.push({ type: "reconnect", conn: c.plan.id, reason: "silent" });
      }
    }
  }

  /** Books changed since the last call (ids), and funding entries that changed, in order. */
  takeChanges(): { books: BookKey[]; funding: FundingEntry[] } {
    const books = this.#dirty.map((b) => b.key);
    for (const b of this.#dirty) b.dirty = false;
    this.#dirty = [];
    const funding = this.#dirtyFunding;
    this.#dirtyFunding = [];
    return { books, funding };
  }

  /** The time of the last event handled, or `null`. */
  get lastEventAt(): number | null {
    return this.#lastAt;
  }

  /** One book in the summary's shape (levels only while live or stale). */
  summaryBook(key: BookKey, depth = this.plan.depth): SummaryBook {
    const slot = this.#books.get(bookId(key))!;
    const s = slot.sync.status();
    const shown = s.state === "live" || s.state === "stale";
    const levels = (side: "bid" | "ask") =>
      shown ? slot.sync.book.top(side, depth).map(([p, q]) => [Number(p), Number(q)] as const) : [];
    return {
      exchange: key.exchange,
      market: key.market,
      symbol: key.symbol,
      state: s.state,
      updateId: s.lastUpdateId,
      bids: levels("bid"),
      asks: levels("ask"),
      resyncs: s.counters.resyncs,
      gaps: s.counters.gaps,
      messages: s.counters.messages,
      ...(s.error === null ? {} : { error: s.error }),
    };
  }

  /** One perpetual's funding in the summary's shape. */
  static summaryFunding(e: FundingEntry): SummaryFunding {
    return {
      exchange: e.exchange,
      symbol: e.symbol,
      rate: num(e.rate),
      nextFundingTime: e.nextFundingTimeMs === null
        ? null
        : new Date(e.nextFundingTimeMs).toISOString(),
      intervalHours: e.intervalHours,
      markPrice: num(e.markPrice),
    };
  }

  /** The summary: every book of the plan, every funding entry, the run's counters. */
  summary(): StreamSummary {
    const books = this.plan.books.map((k) => this.summaryBook(k));
    const funding = this.funding.entries().map(StreamEngine.summaryFunding);
    const resyncs = books.reduce((n, b) => n + b.resyncs, 0);
    const gaps = books.reduce((n, b) => n + b.gaps, 0);
    return { books, funding, stats: { ...this.#stats, resyncs, gaps } };
  }
}
