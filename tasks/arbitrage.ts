/**
 * `deno task arbitrage` — cross-exchange arbitrage alerts net of taker fees and depth, from the
 * books a running `deno task stream` publishes (`--from-cache`, through Redis) or over a
 * recording (`--replay FILE`, optionally `--evaluate`). Alerts go to the terminal (`--json`: one
 * line per event), SQLite, the `mts:alerts:arbitrage` channel and `ALERT_WEBHOOK_URL`.
 * @module
 */
import { badFlag, durationFlag, listFlag } from "../lib/cli/flags.ts";
import { inputFile } from "../lib/cli/paths.ts";
import { formatTable } from "../lib/cli/table.ts";
import { defineTask, type TaskRun } from "../lib/cli/task.ts";
import { UsageError } from "../lib/core/errors.ts";
import { escapeControls } from "../lib/core/text.ts";
import {
  DETECTOR_FLAGS,
  DETECTOR_HELP,
  detectorOptions,
  terminalView,
} from "../lib/services/arbitrage_cli.ts";
import { type ArbitrageOutcome, runArbitrage } from "../lib/services/arbitrage_service.ts";
import { interruptSignal } from "../lib/services/collect_cli.ts";
import type { AlertEvaluation } from "../lib/streams/arbitrage/evaluate.ts";
import type { ArbitrageAlert } from "../lib/streams/arbitrage/alert.ts";
import type { ResolvedConfig } from "../lib/config/config.ts";
import { MemoryCache } from "../lib/storage/memory_cache.ts";
import { detectBeside } from "../lib/services/stream_arbitrage.ts";
import { checkStreamNet, runLive, type StreamResult } from "../lib/services/stream_runner.ts";
import { buildPlan, EXCHANGES, MARKETS, type PlanOptions } from "../lib/streams/plan.ts";
import type { Exchange, Market } from "../lib/streams/sync.ts";

const HELP = `Usage: deno task arbitrage [--from-cache | --replay FILE] [options]

Finds cross-exchange arbitrage between Binance spot, Binance perp, Bybit spot and Bybit perp
books of the same asset: for each pair of books, in both directions, the size that maximises net
profit after each leg's taker fee (and --fixed-cost) with the net edge at or above --min-net-bps,
walking both books' depth. Different quote currencies (USDT, USDC, …) pair only at a stated
--rates rate. No alert while either book is not live, crossed, or older than --max-age; an edge
must last --min-duration before it opens, and closes below --min-net-bps − --hysteresis-bps.

Input (one of):
  (neither)               connect to the exchanges in this process (the stream's live run, on an
                          in-process memory cache), until Ctrl-C, SIGTERM or --for
  --from-cache            follow the books a running 'deno task stream' publishes (REDIS_URL)
  --replay FILE           a recording of published books: JSON lines (.gz too) or a JSON array

Connecting (without --from-cache / --replay; the endpoints of deno task stream: BINANCE_WS_URL,
BINANCE_FUTURES_WS_URL, BINANCE_BASE_URL, BINANCE_FUTURES_BASE_URL, BYBIT_WS_URL):
  --exchanges E[,E]       binance, bybit (default REALTIME_EXCHANGES)
  --markets M[,M]         spot, perp (default both)
  (--symbols also chooses what to stream; default REALTIME_SYMBOLS)

Options:
${DETECTOR_HELP}
  --evaluate              with --replay: score each opened alert against the books --latency later
  --latency D             latency for --evaluate (default 100ms)
  --no-store              do not record opportunities in SQLite
  --publish               with --replay: publish the alerts on mts:alerts:arbitrage and post
                          them to ALERT_WEBHOOK_URL too (a replay's alerts are history)
  --for D                 live or --from-cache: stop after D (30s, 5m, 2h), then the summary
  --json                  one JSON line per opened / updated / closed alert (and evaluated)
  -h, --help              show this help

Examples:
  deno task arbitrage --symbols BTCUSDT,ETHUSDT --min-net-bps 5 --max-notional 50000
  deno task stream --symbols BTCUSDT,ETHUSDT &     # publishes the books (REDIS_URL set)
  deno task arbitrage --from-cache --symbols BTCUSDT,ETHUSDT --min-net-bps 5 --max-notional 50000
  deno task arbitrage --replay data/books.jsonl.gz --json
  deno task arbitrage --replay data/books.jsonl --evaluate --latency 100ms
`;

const FLAGS = {
  "from-cache": { type: "boolean" },
  replay: { type: "string" },
  ...DETECTOR_FLAGS,
  evaluate: { type: "boolean" },
  latency: { type: "string" },
  "no-store": { type: "boolean" },
  publish: { type: "boolean" },
  for: { type: "string" },
  exchanges: { type: "string" },
  markets: { type: "string" },
} as const;

type Flags = TaskRun<typeof FLAGS>["flags"];

function checkModes(f: Flags): "live" | "cache" | "replay" {
  if (f["from-cache"] && f.replay !== undefined) {
    throw new UsageError("--from-cache: not with --replay (one input at a time)");
  }
  const replay = f.replay !== undefined;
  if (f.evaluate && !replay) throw new UsageError("--evaluate: only with --replay");
  if (f.latency !== undefined && !f.evaluate) {
    throw new UsageError("--latency: only with --evaluate");
  }
  if (f.publish && !replay) {
    throw new UsageError("--publish: only with --replay (live alerts are always published)");
  }
  if (f.for !== undefined && replay) throw new UsageError("--for: not with --replay");
  const live = !replay && !f["from-cache"];
  for (const name of ["exchanges", "markets"] as const) {
    if (f[name] !== undefined && !live) {
      throw new UsageError(`--${name}: only when connecting (not with --from-cache or --replay)`);
    }
  }
  return replay ? "replay" : live ? "live" : "cache";
}

function choices<T extends string>(
  raw: string | undefined,
  fallback: readonly string[],
  allowed: readonly T[],
  flag: string,
): T[] {
  const items = (listFlag(raw) ?? fallback).map((s) => s.trim().toLowerCase()).filter(Boolean);
  for (const i of items) {
    if (!allowed.includes(i as T)) badFlag(flag, `one or more of ${allowed.join(", ")}`, i);
  }
  if (items.length === 0) badFlag(flag, `one or more of ${allowed.join(", ")}`, "");
  return items as T[];
}

/** What a plain run streams: the stream's defaults (depth 20, Binance snapshots of 1,000). */
function livePlan(f: Flags, config: ResolvedConfig, symbols?: readonly string[]): PlanOptions {
  const list = (symbols ?? config.realtime.symbols).map((s) => s.trim().toUpperCase())
    .filter(Boolean);
  for (const s of list) {
    if (!/^[A-Z0-9]{2,30}$/.test(s)) badFlag("symbols", "exchange symbols like BTCUSDT", s);
  }
  if (list.length === 0) badFlag("symbols", "exchange symbols like BTCUSDT", "");
  const plan: PlanOptions = {
    exchanges: choices<Exchange>(f.exchanges, config.realtime.exchanges, EXCHANGES, "exchanges"),
    markets: choices<Market>(f.markets, MARKETS, MARKETS, "markets"),
    symbols: list,
    depth: 20,
    snapshotLimit: 1000,
    staleAfterMs: 15_000,
  };
  buildPlan(plan); // validated above; a bug if this throws
  return plan;
}

function streamLine(r: StreamResult): string {
  const s = r.summary.stats;
  return `stream stopped: ${clean(r.stoppedBy)}; ${r.summary.books.length} books, ${s.frames} ` +
    `frames, ${s.resyncs} resyncs, ${s.reconnects} reconnects`;
}

const n2 = (v: number) => v.toFixed(2);
const clean = (s: string) => escapeControls(s, { singleLine: true });

function printSummary(o: ArbitrageOutcome): void {
  const s = o.stats;
  console.log(
    `${o.alerts} alert(s); ${s.books} book updates, ${s.evaluations} pair evaluations ` +
      `(${s.walks} depth walks), ${s.ignored} updates ignored`,
  );
  if (o.unpriced.length > 0) {
    console.log(`not compared (no --rates rate): ${o.unpriced.map(clean).join(", ")}`);
  }
  if (o.webhook) {
    const w = o.webhook;
    console.log(
      `webhook: ${w.sent} sent, ${w.failed} failed, ${w.dropped} dropped, ${w.retries} retries`,
    );
  }
  if (o.evaluations && o.evaluations.length > 0) printEvaluations(o.evaluations);
}

function printEvaluations(list: readonly AlertEvaluation[]): void {
  const ok = list.filter((e) => e.executable).length;
  console.log(
    `evaluated ${list.length} opened alert(s): ${ok} still executable after ${
      list[0].latencyMs
    } ms`,
  );
  console.log(formatTable(list, [
    { header: "alert", value: (e) => clean(e.id) },
    { header: "executable", value: (e) => e.executable ? "yes" : `no (${e.reason})` },
    { header: "buy vwap", value: (e) => String(e.buyVwap ?? "-"), align: "right" },
    { header: "sell vwap", value: (e) => String(e.sellVwap ?? "-"), align: "right" },
    { header: "net bps", value: (e) => e.netBps === null ? "-" : n2(e.netBps), align: "right" },
  ]));
}

const task = defineTask({
  name: "arbitrage",
  help: HELP,
  flags: FLAGS,
  lists: ["symbols", "exchanges", "markets"],
  run: async ({ flags, json, config, store, redact }) => {
    const mode = checkModes(flags);
    const detector = detectorOptions(flags);
    const latencyMs = flags.evaluate ? durationFlag(flags.latency, "latency") ?? 100 : undefined;
    const forMs = durationFlag(flags.for, "for");
    if (forMs === 0) badFlag("for", "a duration above 0, such as 10m", flags.for!);
    const plan = mode === "live" ? livePlan(flags, config, detector.symbols) : undefined;
    if (plan) await checkStreamNet(config, plan);
    const replayFile = flags.replay === undefined ? undefined : await inputFile(
      "replay",
      "a recording of published books (JSON lines, .gz, or a JSON array)",
      flags.replay,
    );
    const interrupt = interruptSignal();
    const stop = new AbortController();
    // a live run stops itself after --for (the stream's own timer)
    const timer = forMs === undefined || plan ? undefined : setTimeout(() => stop.abort(), forMs);
    interrupt.signal.addEventListener("abort", () => stop.abort(interrupt.signal.reason), {
      once: true,
    });
    const onAlert = json ? (a: ArbitrageAlert) => console.log(JSON.stringify(a)) : terminalView();
    const onProblem = (m: string) => console.error(`mts arbitrage: ${m}`);
    try {
      let outcome: ArbitrageOutcome;
      if (plan) {
        const cache = new MemoryCache({ ttlSeconds: config.redis.ttlSeconds });
        try {
          const done = await detectBeside({ config, store, redact }, {
            cache,
            detector: { ...detector, symbols: plan.symbols },
            // the stream's publish points: a replay of its recording gives the same alerts
            clock: "stream",
            store: !flags["no-store"],
            onAlert,
            onProblem,
          }, () =>
            runLive({
              plan,
              config,
              cache,
              books: store(),
              funding: store(),
              forMs,
              signal: stop.signal,
            }));
          outcome = done.outcome;
          if (!json) console.log(streamLine(done.result));
        } finally {
          await cache.close();
        }
      } else {
        outcome = await runArbitrage({ config, store, redact }, {
          mode: mode as "cache" | "replay",
          file: replayFile,
          latencyMs,
          detector,
          store: !flags["no-store"],
          publish: flags.publish,
          signal: stop.signal,
          onAlert,
          onProblem,
        });
      }
      if (json) { for (const e of outcome.evaluations ?? []) console.log(JSON.stringify(e)); }
      else printSummary(outcome);
      return 0;
    } finally {
      clearTimeout(timer);
      interrupt.dispose();
    }
  },
});

/** Entry point; returns the exit code. */
export function main(args: string[]): Promise<number> {
  return task(args);
}

if (import.meta.main) Deno.exit(await main(Deno.args));
