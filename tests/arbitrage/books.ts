/**
 * Published books for arbitrage tests: the JSON a `stream` publishes (`PublishedBook`), built from
 * a few levels.
 * @module
 */
import type { PublishedBook, PublishedLevel } from "../../lib/streams/published.ts";
import type { BookState, Exchange, Market } from "../../lib/streams/sync.ts";

/** A published book: `live`, received at `atMs`, with the given levels. */
export function book(
  exchange: Exchange,
  market: Market,
  symbol: string,
  levels: { bids: PublishedLevel[]; asks: PublishedLevel[] },
  o: { atMs?: number; updateId?: number; state?: BookState; resyncs?: number } = {},
): PublishedBook {
  return {
    exchange,
    market,
    symbol,
    state: o.state ?? "live",
    updateId: o.updateId ?? 1,
    bids: levels.bids,
    asks: levels.asks,
    eventTimeMs: o.atMs ?? 0,
    receivedAtMs: o.atMs ?? 0,
    resyncs: o.resyncs ?? 0,
    gaps: 0,
    messages: 1,
  };
}
