/**
 * The cross-exchange arbitrage detector: feed it published books (and funding) with the time of
 * each update; it re-evaluates, in both directions, every pair of books on the same base asset
 * that involves the updated book, and answers with alerts along each opportunity's lifecycle:
 *
 * - an edge must clear `minNetBps` on `minDuration` consecutive evaluations (or for that many ms)
 *   before it **opens** — a flickering edge never alerts;
 * - while open it is **updated** when its net bps move by `updateBps` from the last event;
 * - it **closes** once, when the edge falls below `minNetBps − hysteresisBps`, or at once when a
 *   book is vetoed (not live, older than `maxAgeMs`, crossed, empty) or the pair loses its rate.
 *
 * Pure and deterministic: time comes from the caller, so a replay gives the same alerts.
 * @module
 */
import type { PublishedBook, PublishedFunding } from "../published.ts";
import { isoTime } from "../../core/time.ts";
import type { AlertEvent, ArbitrageAlert } from "./alert.ts";
import { bookProblem, HeldBook, veto } from "./books.ts";
import { type Conversion, conversion, splitSymbol } from "./costs.ts";
import { toNumber } from "./exact.ts";
import { fundingOf, legOf, quoteFigures } from "./figures.ts";
import { mayCross, type PairQuote, quotePair } from "./pair.ts";
import { type DetectorOptions, type DetectorSettings, resolveDetector } from "./settings.ts";

/** The detector's counters. */
export interface DetectorStats {
  /** Book updates taken. */
  books: number;
  /** Updates ignored: older than the held book (out of order) or outside `symbols`. */
  ignored: number;
  /** Directed pair evaluations. */
  evaluations: number;
  /** Evaluations that got past the screen to an exact walk. */
  walks: number;
  /** Alerts emitted. */
  alerts: number;
}

interface Tracked {
  phase: "pending" | "open";
  firstMs: number;
  openedAtMs: number;
  count: number;
  buy: HeldBook;
  sell: HeldBook;
  quote: PairQuote;
  nowMs: number;
  peakBps: number;
  lastBps: number;
}

/** The detector. */
export class ArbitrageDetector {
  /** Resolved settings. */
  readonly settings: DetectorSettings;
  /** Counters. */
  readonly stats: DetectorStats = { books: 0, ignored: 0, evaluations: 0, walks: 0, alerts: 0 };
  /** Pairs skipped because their quote currencies have no stated rate (`BTC USDC/USDT`). */
  readonly unpriced = new Set<string>();
  readonly #books = new Map<string, HeldBook>();
  readonly #byBase = new Map<string, HeldBook[]>();
  readonly #funding = new Map<string, PublishedFunding>();
  readonly #pairs = new Map<string, Tracked>();
  readonly #conversions = new Map<string, { conv: Conversion; rate: number } | null>();

  readonly #minBps: number;
  readonly #closeBps: number;

  /** A detector with `options` (see {@link DetectorOptions}; throws on a bad one). */
  constructor(options: DetectorOptions = {}) {
    this.settings = resolveDetector(options);
    this.#minBps = toNumber(this.settings.minNetBps);
    this.#closeBps = toNumber(this.settings.closeNetBps);
  }

  /** The conversion from `from` into `to` (computed once per pair of currencies). */
  #conversion(from: string, to: string): { conv: Conversion; rate: number } | null {
    const key = `${from}/${to}`;
    let c = this.#conversions.get(key);
    if (c === undefined) {
      const conv = conversion(this.settings.rates, from, to);
      c = conv ? { conv, rate: toNumber(conv.rate) } : null;
      this.#conversions.set(key, c);
    }
    return c;
  }

  /**
   * Takes one book update at `nowMs` and re-evaluates its pairs. Throws a `RangeError` when the
   * book is malformed (the held books are then unchanged).
   */
  onBook(book: PublishedBook, nowMs: number): ArbitrageAlert[] {
    const problem = bookProblem(book);
    if (problem) throw new RangeError(`Cannot use book: ${problem}`);
    const s = this.settings;
    if (s.symbols && !s.symbols.has(book.symbol.toUpperCase())) {
      this.stats.ignored++;
      return [];
    }
    const assets = splitSymbol(book.symbol)!;
    const held = new HeldBook(book, assets.base, assets.quote);
    const before = this.#books.get(held.id);
    if (before && book.updateId < before.book.updateId && book.resyncs === before.book.resyncs) {
      this.stats.ignored++;
      return [];
    }
    this.stats.books++;
    this.#books.set(held.id, held);
    const group = this.#byBase.get(held.base) ?? [];
    const i = group.findIndex((b) => b.id === held.id);
    if (i >= 0) group[i] = held;
    else group.push(held);
    this.#byBase.set(held.base, group);
    const out: ArbitrageAlert[] = [];
    for (const other of group) {
      if (other.id === held.id) continue;
      this.#evaluate(held, other, nowMs, out);
      this.#evaluate(other, held, nowMs, out);
    }
    return out;
  }

  /** Takes a perpetual's funding state (shown beside the edges of its pairs). */
  onFunding(funding: PublishedFunding): void {
    this.#funding.set(`${funding.exchange}:${funding.symbol.toUpperCase()}`, funding);
  }

  /**
   * Re-evaluates every pair at `nowMs` without a new book: books age, so an open opportunity
   * whose book went silent closes (`old`), and a `--min-duration` in ms can elapse.
   */
  tick(nowMs: number): ArbitrageAlert[] {
    const out: ArbitrageAlert[] = [];
    for (const group of this.#byBase.values()) {
      for (const a of group) {
        for (const b of group) if (a !== b) this.#evaluate(a, b, nowMs, out, true);
      }
    }
    return out;
  }

  /** Closes every open opportunity (`reason`, e.g. `stopped`) and forgets the pending ones. */
  closeAll(nowMs: number, reason: string): ArbitrageAlert[] {
    const out: ArbitrageAlert[] = [];
    for (const [key, t] of this.#pairs) {
      if (t.phase === "open") out.push(this.#alert("closed", t, nowMs, reason));
      this.#pairs.delete(key);
    }
    return out;
  }

  /** The open opportunities as `updated` alerts at `nowMs` (the live table's rows). */
  openAlerts(nowMs: number): ArbitrageAlert[] {
    return [...this.#pairs.values()].filter((t) => t.phase === "open")
      .map((t) => this.#view("updated", t, nowMs));
  }

  /** The held book `exchange:market:symbol`, if any. */
  book(id: string): PublishedBook | undefined {
    return this.#books.get(id)?.book;
  }

  /** One direction; `fromTick`: no new book, so it does not count as an update. */
  #evaluate(
    buy: HeldBook,
    sell: HeldBook,
    nowMs: number,
    out: ArbitrageAlert[],
    fromTick = false,
  ): void {
    this.stats.evaluations++;
    const key = `${buy.base} ${buy.id}>${sell.id}`;
    const t = this.#pairs.get(key);
    const s = this.settings;
    const vetoed = veto(buy.book, nowMs, s.maxAgeMs) ?? veto(sell.book, nowMs, s.maxAgeMs);
    if (vetoed) return this.#miss(key, t, nowMs, vetoed, out);
    const c = this.#conversion(sell.quote, buy.quote);
    if (!c) {
      this.unpriced.add(`${buy.base} ${sell.quote}/${buy.quote}`);
      return this.#miss(key, t, nowMs, "unpriced", out);
    }
    // sized to clear --min-net-bps; an open one whose edge fell below it is kept (at the size
    // that clears the close threshold) until it falls below min − hysteresis
    const quote = this.#quote(buy, sell, c, s.minNetBps, this.#minBps) ??
      (t?.phase === "open" ? this.#quote(buy, sell, c, s.closeNetBps, this.#closeBps) : undefined);
    if (!quote) return this.#miss(key, t, nowMs, "edge", out);
    this.#hit(key, t, { buy, sell, quote, nowMs }, out, fromTick);
  }

  /** The double screen, then the exact walk at `threshold`. */
  #quote(
    buy: HeldBook,
    sell: HeldBook,
    c: { conv: Conversion; rate: number },
    threshold: DetectorSettings["minNetBps"],
    thresholdBps: number,
  ): PairQuote | undefined {
    if (!mayCross(buy, sell, this.settings, c.rate, thresholdBps)) return undefined;
    this.stats.walks++;
    return quotePair(buy, sell, c.conv, this.settings, threshold);
  }

  #miss(key: string, t: Tracked | undefined, nowMs: number, why: string, out: ArbitrageAlert[]) {
    if (!t) return;
    this.#pairs.delete(key);
    if (t.phase === "open") out.push(this.#alert("closed", t, nowMs, why));
  }

  #hit(
    key: string,
    t: Tracked | undefined,
    e: { buy: HeldBook; sell: HeldBook; quote: PairQuote; nowMs: number },
    out: ArbitrageAlert[],
    fromTick: boolean,
  ): void {
    const bps = toNumber(e.quote.netBps);
    if (!t) {
      t = {
        phase: "pending",
        firstMs: e.nowMs,
        openedAtMs: 0,
        count: 0,
        peakBps: bps,
        lastBps: bps,
        ...e,
      };
      this.#pairs.set(key, t);
    }
    Object.assign(t, e);
    if (!fromTick) t.count++;
    t.peakBps = Math.max(t.peakBps, bps);
    const d = this.settings.minDuration;
    if (t.phase === "pending") {
      const ready = "updates" in d ? t.count >= d.updates : e.nowMs - t.firstMs >= d.ms;
      if (!ready) return;
      t.phase = "open";
      t.openedAtMs = e.nowMs;
      t.peakBps = bps;
      out.push(this.#alert("opened", t, e.nowMs));
    } else {
      // a move of at least --update-bps; with --update-bps 0, any move (an unchanged edge is no
      // update, or every tick would send one)
      const moved = Math.abs(bps - t.lastBps);
      if (moved === 0 || moved < this.settings.updateBps) return;
      out.push(this.#alert("updated", t, e.nowMs));
    }
  }

  #alert(event: AlertEvent, t: Tracked, nowMs: number, reason?: string): ArbitrageAlert {
    this.stats.alerts++;
    t.lastBps = toNumber(t.quote.netBps);
    return this.#view(event, t, nowMs, reason);
  }

  #view(event: AlertEvent, t: Tracked, nowMs: number, reason?: string): ArbitrageAlert {
    const { buy, sell, quote } = t;
    const pair =
      `${buy.base} ${buy.book.exchange}:${buy.book.market}>${sell.book.exchange}:${sell.book.market}`;
    const fb = this.#funding.get(`${buy.book.exchange}:${buy.book.symbol.toUpperCase()}`);
    const fs = this.#funding.get(`${sell.book.exchange}:${sell.book.symbol.toUpperCase()}`);
    const f = quoteFigures(quote, this.settings.fixedCost);
    return {
      event,
      id: `${buy.base} ${buy.id}>${sell.id}@${t.openedAtMs}`,
      pair,
      symbol: buy.book.symbol,
      base: buy.base,
      buy: legOf(buy, "buy", quote, t.nowMs, fb),
      sell: legOf(sell, "sell", quote, t.nowMs, fs),
      ...f,
      funding: fundingOf(buy, sell, quote, fb, fs),
      peakNetBps: Math.max(t.peakBps, f.netBps),
      evaluations: t.count,
      openedAt: isoTime(t.openedAtMs),
      at: isoTime(nowMs),
      durationMs: nowMs - t.openedAtMs,
      ...(reason === undefined ? {} : { reason }),
    };
  }
}
