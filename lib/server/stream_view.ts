/**
 * The service's view of streams it runs in its own process (`deno task serve --stream`): each
 * book's state and counters straight from the running stream engine, for `/ready` and
 * `/metrics`. Without `--stream` there is no view and both fall back to what the cache holds.
 * @module
 */
import { BOOK_STATES, type BookState, type Exchange, type Market } from "../streams/sync.ts";
import type { ServerMetrics } from "./metrics.ts";

/** One book of a running stream, at the time it was asked. */
export interface StreamBookView {
  readonly exchange: Exchange;
  readonly market: Market;
  readonly symbol: string;
  /** The sync state. */
  readonly state: BookState;
  /** Messages received for this book. */
  readonly messages: number;
  /** Rebuilds after the first sync. */
  readonly resyncs: number;
  /** Continuity breaks seen. */
  readonly gaps: number;
  /** When the last message for this book was received, UTC ms; null before the first. */
  readonly lastMessageAtMs: number | null;
  /** Why the book is `unknown-symbol` (the exchange's message). */
  readonly error?: string | null;
}

/** What the service asks of streams it runs. */
export interface StreamView {
  /** `starting` until the stream engine exists, `running`, then `stopped` or `failed`. */
  readonly status: "starting" | "running" | "stopped" | "failed";
  /** Why it failed (one line), when it did. */
  readonly error?: string;
  /** Every book of the plan. */
  books(): readonly StreamBookView[];
}

/** The book states a Prometheus `state` label takes. */
export { BOOK_STATES };

/** Sets the `mts_stream_*` metrics from the view, just before a scrape. */
export function refreshStreamMetrics(m: ServerMetrics, view: StreamView, nowMs: number): void {
  m.streamUp.set(view.status === "running" ? 1 : 0);
  m.streamMessages.reset();
  m.streamResyncs.reset();
  m.streamGaps.reset();
  m.streamBookAge.reset();
  m.streamBookState.reset();
  for (const b of view.books()) {
    const labels = { exchange: b.exchange, market: b.market, symbol: b.symbol };
    m.streamMessages.inc(labels, b.messages);
    m.streamResyncs.inc(labels, b.resyncs);
    m.streamGaps.inc(labels, b.gaps);
    if (b.lastMessageAtMs !== null) {
      m.streamBookAge.set(labels, Math.max(0, nowMs - b.lastMessageAtMs) / 1000);
    }
    for (const state of BOOK_STATES) {
      m.streamBookState.set({ ...labels, state }, b.state === state ? 1 : 0);
    }
  }
}

/** What `/ready` says about streams this process runs, and why it is not ready. */
export function streamReadiness(view: StreamView, nowMs: number): {
  readonly report: Record<string, unknown>;
  readonly reasons: string[];
} {
  const books = view.books().map((b) => ({
    id: `${b.exchange}:${b.market}:${b.symbol}`,
    state: b.state,
    ageSeconds: b.lastMessageAtMs === null ? null : Math.round((nowMs - b.lastMessageAtMs) / 1000),
    messages: b.messages,
    resyncs: b.resyncs,
    gaps: b.gaps,
    ...(b.error ? { error: b.error } : {}),
  }));
  const reasons: string[] = [];
  if (view.status === "failed" || view.status === "stopped") {
    reasons.push(`streams ${view.status}${view.error ? `: ${view.error}` : ""}`);
  } else if (!books.some((b) => b.state === "live")) {
    reasons.push(`streams ${view.status}: no book is live yet (${books.length} books)`);
  }
  return {
    report: { status: view.status, ...(view.error ? { error: view.error } : {}), books },
    reasons,
  };
}
