/**
 * Arbitrage detection speed: book updates fed to the detector with 4 books (Binance spot and perp,
 * Bybit spot and perp) × 20 levels of one symbol. Each update re-evaluates the 3 pairs the book is
 * in, in both directions: 6 evaluations. Target (issue 9): ≥ 100,000 evaluations/s.
 *
 * - calm: the books do not cross by more than the fees (the usual case): the double screen
 *   settles every evaluation without an exact walk.
 * - crossing: Binance's books sit 25 bps above Bybit's, then below, flipping every 40 updates:
 *   the cross-exchange pairs cross by about 25 bps over several levels, so their evaluations walk
 *   both books exactly (bigint decimals), and opportunities open, update and close.
 *
 *   deno bench --allow-all bench/arbitrage_bench.ts   # Deno.bench tables
 *   deno run bench/arbitrage_bench.ts                 # evaluations/s from CPU time
 * @module
 */
import process from "node:process";
import { createRng } from "../lib/core/prng.ts";
import { ArbitrageDetector } from "../lib/streams/arbitrage/detector.ts";
import type { PublishedBook, PublishedLevel } from "../lib/streams/published.ts";
import type { Exchange, Market } from "../lib/streams/sync.ts";

const LEVELS = 20;
const UPDATES = 20_000;
const BOOKS: readonly [Exchange, Market][] = [
  ["binance", "spot"],
  ["binance", "perp"],
  ["bybit", "spot"],
  ["bybit", "perp"],
];

/** A book around `mid` with a half spread of `halfBps`, 20 levels 0.5 bps apart. */
function levels(mid: number, halfBps: number, rng: ReturnType<typeof createRng>) {
  const bids: PublishedLevel[] = [], asks: PublishedLevel[] = [];
  for (let i = 0; i < LEVELS; i++) {
    const off = mid * (halfBps + i * 0.5) / 1e4;
    const q = Math.round((0.05 + rng.next()) * 1e4) / 1e4;
    bids.push([Math.round((mid - off) * 100) / 100, q]);
    asks.push([Math.round((mid + off) * 100) / 100, q]);
  }
  return { bids, asks };
}

/** `UPDATES` book updates, books in turn; `crossBps` shifts each updated book's mid. */
function updates(crossBps: number): PublishedBook[] {
  const rng = createRng(crossBps + 7);
  return Array.from({ length: UPDATES }, (_, i) => {
    const [exchange, market] = BOOKS[i % BOOKS.length];
    const drift = (rng.next() - 0.5) * 2; // ±1 bp of noise
    // Binance above Bybit for 40 updates, then below: edges open, update and close
    const side = (exchange === "binance" ? 1 : -1) * (Math.floor(i / 40) % 2 === 0 ? 1 : -1);
    const shift = crossBps === 0 ? 0 : side * crossBps / 2;
    const mid = 30_000 * (1 + (drift + shift) / 1e4);
    return {
      exchange,
      market,
      symbol: "BTCUSDT",
      state: "live",
      updateId: i + 1,
      ...levels(mid, 1, rng),
      eventTimeMs: 1_700_000_000_000 + i * 10,
      receivedAtMs: 1_700_000_000_000 + i * 10,
      resyncs: 0,
      gaps: 0,
      messages: i + 1,
    };
  });
}

const CALM = updates(0);
const CROSSING = updates(25);

function run(list: readonly PublishedBook[]): ArbitrageDetector {
  const d = new ArbitrageDetector({ minNotional: 0 });
  for (const b of list) d.onBook(b, b.receivedAtMs);
  return d;
}

Deno.bench({
  name: `calm books: ${UPDATES} updates × 6 evaluations`,
  group: "arbitrage",
  baseline: true,
  n: 5,
  warmup: 1,
  fn: () => void run(CALM),
});
Deno.bench({
  name: `crossing books: ${UPDATES} updates × 6 evaluations`,
  group: "arbitrage",
  n: 5,
  warmup: 1,
  fn: () => void run(CROSSING),
});

/** Median CPU time of `f` in ms (user + system of this process). */
function median(f: () => void, reps: number): number {
  f();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = process.cpuUsage();
    f();
    const d = process.cpuUsage(t);
    times.push((d.user + d.system) / 1000);
  }
  return times.sort((a, b) => a - b)[Math.floor(reps / 2)];
}

if (import.meta.main) {
  for (const [name, list] of [["calm", CALM], ["crossing", CROSSING]] as const) {
    const d = run(list);
    const ms = median(() => run(list), 5);
    const s = d.stats;
    console.log(
      `${name}: ${(s.evaluations / ms * 1000).toFixed(0)} evaluations/s, ` +
        `${(s.books / ms * 1000).toFixed(0)} updates/s (${
          ms.toFixed(0)
        } ms for ${s.books} updates; ` +
        `${s.walks} exact walks, ${s.alerts} alerts)`,
    );
  }
}
