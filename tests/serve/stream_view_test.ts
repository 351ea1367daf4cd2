/**
 * The in-process stream view (`serve --stream`): `/ready`'s verdict from the books' states and
 * the run's status, and the `mts_stream_*` metrics set from the view (values by hand).
 */
import assert from "node:assert/strict";
import { createMetrics } from "../../lib/server/metrics.ts";
import {
  refreshStreamMetrics,
  type StreamBookView,
  streamReadiness,
  type StreamView,
} from "../../lib/server/stream_view.ts";

const book = (o: Partial<StreamBookView>): StreamBookView => ({
  exchange: "binance",
  market: "spot",
  symbol: "BTCUSDT",
  state: "live",
  messages: 10,
  resyncs: 0,
  gaps: 0,
  lastMessageAtMs: 1_000,
  ...o,
});
const view = (status: StreamView["status"], books: StreamBookView[], error?: string) => ({
  status,
  error,
  books: () => books,
});

Deno.test("streamReadiness: ready with one live book; not while none is live, nor once failed", () => {
  const ok = streamReadiness(
    view("running", [book({}), book({ market: "perp", state: "syncing", lastMessageAtMs: null })]),
    4_400,
  );
  assert.deepEqual(ok.reasons, []);
  assert.deepEqual((ok.report.books as { ageSeconds: number | null }[]).map((b) => b.ageSeconds), [
    3, // (4400 - 1000) / 1000 = 3.4, rounded
    null,
  ]);
  const none = streamReadiness(view("running", [book({ state: "resyncing" })]), 2_000);
  assert.deepEqual(none.reasons, ["streams running: no book is live yet (1 books)"]);
  const failed = streamReadiness(view("failed", [book({})], "boom"), 2_000);
  assert.deepEqual(failed.reasons, ["streams failed: boom"]);
  assert.equal(failed.report.error, "boom");
});

Deno.test("refreshStreamMetrics: counters, age and one-hot state per book", async () => {
  const m = createMetrics();
  const v = view("running", [
    book({ messages: 150, resyncs: 2, gaps: 1, lastMessageAtMs: 10_000 }),
    book({ exchange: "bybit", state: "stale", messages: 7, lastMessageAtMs: null }),
  ]);
  refreshStreamMetrics(m, v, 12_500);
  refreshStreamMetrics(m, v, 12_500); // a second scrape sets, never adds
  const text = await m.registry.metrics();
  const spot = 'exchange="binance",market="spot",symbol="BTCUSDT"';
  const bybit = 'exchange="bybit",market="spot",symbol="BTCUSDT"';
  for (
    const line of [
      "mts_stream_up 1",
      `mts_stream_book_messages_total{${spot}} 150`,
      `mts_stream_book_resyncs_total{${spot}} 2`,
      `mts_stream_book_gaps_total{${spot}} 1`,
      `mts_stream_book_age_seconds{${spot}} 2.5`,
      `mts_stream_book_messages_total{${bybit}} 7`,
      `mts_stream_book_state{${spot},state="live"} 1`,
      `mts_stream_book_state{${spot},state="stale"} 0`,
      `mts_stream_book_state{${bybit},state="stale"} 1`,
      `mts_stream_book_state{${bybit},state="live"} 0`,
    ]
  ) {
    assert.ok(text.split("\n").includes(line), `missing ${line}`);
  }
  assert.ok(!text.includes(`mts_stream_book_age_seconds{${bybit}}`), "no age before a message");
  refreshStreamMetrics(m, view("stopped", []), 13_000);
  assert.ok((await m.registry.metrics()).split("\n").includes("mts_stream_up 0"));
});
