/**
 * The stream's terminal view: a table per book and per perpetual, redrawn in place about once a
 * second (cursor home, clear to the end: no scrolling), and the tables printed at the end.
 * @module
 */
import { formatTable } from "../cli/table.ts";
import { escapeControls, excerpt } from "../core/text.ts";
import type { SummaryBook, SummaryFunding } from "../streams/engine.ts";
import { StreamEngine } from "../streams/engine.ts";
import { bookId } from "../streams/sync.ts";
import type { StreamPipeline } from "./stream_pipeline.ts";
import type { StreamResult } from "./stream_runner.ts";

/** One row of the live book table. */
export interface BookRow {
  readonly book: SummaryBook;
  readonly bid: string;
  readonly ask: string;
  readonly spread: string;
  readonly levels: string;
  readonly ageS: string;
  readonly rate: string;
}

function price(levels: SummaryBook["bids"]): string {
  return levels.length ? String(levels[0][0]) : "-";
}

function spreadOf(b: SummaryBook): string {
  if (!b.bids.length || !b.asks.length) return "-";
  const s = b.asks[0][0] - b.bids[0][0];
  return Number(s.toPrecision(10)).toString();
}

/** The book table. */
export function bookTable(rows: readonly BookRow[]): string {
  return formatTable(rows, [
    { header: "exchange", value: (r) => r.book.exchange },
    { header: "market", value: (r) => r.book.market },
    { header: "symbol", value: (r) => r.book.symbol },
    { header: "bid", value: (r) => r.bid, align: "right" },
    { header: "ask", value: (r) => r.ask, align: "right" },
    { header: "spread", value: (r) => r.spread, align: "right" },
    { header: "levels", value: (r) => r.levels, align: "right" },
    { header: "update id", value: (r) => r.book.updateId ?? "-", align: "right" },
    { header: "age", value: (r) => r.ageS, align: "right" },
    { header: "msg/s", value: (r) => r.rate, align: "right" },
    { header: "msgs", value: (r) => r.book.messages, align: "right" },
    { header: "resyncs", value: (r) => r.book.resyncs, align: "right" },
    { header: "gaps", value: (r) => r.book.gaps, align: "right" },
    { header: "state", value: (r) => r.book.state },
  ]);
}

/** The funding table. */
export function fundingTable(rows: readonly SummaryFunding[]): string {
  return formatTable(rows, [
    { header: "exchange", value: (f) => f.exchange },
    { header: "symbol", value: (f) => f.symbol },
    { header: "funding rate", value: (f) => f.rate ?? "-", align: "right" },
    { header: "next funding", value: (f) => f.nextFundingTime ?? "-" },
    { header: "interval h", value: (f) => f.intervalHours ?? "-", align: "right" },
    { header: "mark price", value: (f) => f.markPrice ?? "-", align: "right" },
  ]);
}

/** Redraws the tables in place on a terminal. */
export class StreamScreen {
  readonly #enc = new TextEncoder();
  readonly #last = new Map<string, { messages: number; at: number }>();
  readonly #write: (bytes: Uint8Array) => void;
  /** Extra lines below the status (`stream --arbitrage`: the latest alerts); escaped by the caller. */
  footer?: () => string;

  /** `write`: where the screen goes (default standard output). */
  constructor(write: (bytes: Uint8Array) => void = (b) => void Deno.stdout.writeSync(b)) {
    this.#write = write;
  }

  /** Draws the current state of `pipeline`'s engine. */
  render(pipeline: StreamPipeline): void {
    const engine = pipeline.engine;
    const now = engine.lastEventAt ?? 0;
    const rows: BookRow[] = engine.plan.books.map((key) => {
      const book = engine.summaryBook(key, 1);
      const s = engine.sync(bookId(key))!.status();
      const prev = this.#last.get(bookId(key));
      const dt = prev ? (now - prev.at) / 1000 : 0;
      const rate = prev && dt > 0 ? ((book.messages - prev.messages) / dt).toFixed(1) : "-";
      this.#last.set(bookId(key), { messages: book.messages, at: now });
      const sync = engine.sync(bookId(key))!;
      return {
        book,
        bid: price(book.bids),
        ask: price(book.asks),
        spread: spreadOf(book),
        levels: `${sync.book.count("bid")}/${sync.book.count("ask")}`,
        ageS: s.lastMessageAtMs === null
          ? "-"
          : `${((now - s.lastMessageAtMs) / 1000).toFixed(1)}s`,
        rate,
      };
    });
    const funding = engine.funding.entries().map(StreamEngine.summaryFunding);
    const st = engine.summary().stats;
    const problem = pipeline.stats.lastProblem;
    const status = `${st.frames} frames, ${st.reconnects} reconnects, ${st.malformed} malformed, ` +
      `${st.exchangeErrors} exchange errors, ${st.unknownSymbols} unknown symbols, ` +
      `${pipeline.stats.published} published` +
      (problem
        ? `\nlast problem: ${escapeControls(excerpt(problem, 160), { singleLine: true })}`
        : "");
    const text = `stream: ${engine.plan.books.length} books, ${
      new Date(now).toISOString().slice(11, 19)
    } UTC (Ctrl-C stops)\n\n${bookTable(rows)}\n${
      funding.length ? `\n${fundingTable(funding)}\n` : ""
    }\n${status}\n${this.footer ? `\n${this.footer()}\n` : ""}`;
    this.#write(this.#enc.encode(`\x1b[H\x1b[J${text}`));
  }

  /** Leaves the screen as it is (the final tables follow below). */
  close(): void {
    this.#write(this.#enc.encode("\n"));
  }
}

/** The tables printed when a run ends (without `--json`). */
export function finalTables(r: StreamResult): string {
  const rows: BookRow[] = r.summary.books.map((book) => ({
    book,
    bid: price(book.bids),
    ask: price(book.asks),
    spread: spreadOf(book),
    levels: `${book.bids.length}/${book.asks.length}`,
    ageS: "-",
    rate: "-",
  }));
  const s = r.summary.stats;
  const lines = [
    bookTable(rows),
    ...(r.summary.funding.length ? ["", fundingTable(r.summary.funding)] : []),
    "",
    `stopped: ${r.stoppedBy}; ${s.frames} frames, ${s.resyncs} resyncs, ${s.gaps} gaps, ` +
    `${s.reconnects} reconnects, ${s.malformed} malformed frames, ${s.exchangeErrors} exchange errors` +
    (s.unknownSymbols > 0 ? `, ${s.unknownSymbols} unknown symbols` : "") +
    (s.symbolCheckFailures > 0 ? `, ${s.symbolCheckFailures} failed symbol checks` : "") +
    (r.recorded !== undefined ? `; ${r.recorded} events recorded` : ""),
    ...r.summary.books.filter((b) => b.error !== undefined).map((b) =>
      `${bookId(b)}: ${escapeControls(excerpt(b.error!, 200), { singleLine: true })}`
    ),
  ];
  return lines.join("\n");
}
