/**
 * `deno task stream` — live order books (Binance spot and USDⓈ-M, Bybit v5 spot and linear) kept
 * provably in sync, funding rates from the streams, cached and published, recorded and
 * replayable; a live table on a terminal, one JSON summary with `--json`.
 * @module
 */
import { badFlag, durationFlag, intFlag, listFlag } from "../lib/cli/flags.ts";
import { printJson, stdoutIsTerminal } from "../lib/cli/output.ts";
import { inputFile, outputPath } from "../lib/cli/paths.ts";
import { defineTask, type TaskRun } from "../lib/cli/task.ts";
import { ConfigError, UsageError } from "../lib/core/errors.ts";
import { missingNetPermissions } from "../lib/net/permissions.ts";
import { interruptSignal } from "../lib/services/collect_cli.ts";
import {
  backfillFunding,
  type FundingBackfillReport,
  fundingUrls,
} from "../lib/services/funding_backfill.ts";
import { formatTable } from "../lib/cli/table.ts";
import { safeEcho } from "../lib/core/text.ts";
import {
  checkStreamNet,
  type LiveRunOptions,
  recordedPlan,
  runLive,
  runReplay,
  type StreamResult,
} from "../lib/services/stream_runner.ts";
import { finalTables, StreamScreen } from "../lib/services/stream_table.ts";
import {
  alertLine,
  DETECTOR_FLAGS,
  DETECTOR_HELP,
  detectorOptions,
} from "../lib/services/arbitrage_cli.ts";
import { detectBeside } from "../lib/services/stream_arbitrage.ts";
import type { ArbitrageAlert } from "../lib/streams/arbitrage/alert.ts";
import type { DetectorOptions } from "../lib/streams/arbitrage/settings.ts";
import type { Cache } from "../lib/storage/cache.ts";
import { openCache } from "../lib/storage/open_cache.ts";
import { buildPlan, EXCHANGES, MARKETS, type PlanOptions } from "../lib/streams/plan.ts";
import { PERP_DEPTH_LIMITS } from "../lib/streams/binance/weights.ts";
import type { Exchange, Market } from "../lib/streams/sync.ts";

const HELP = `Usage: deno task stream [options]

Keeps local order books of Binance (spot and USDⓈ-M perpetuals) and Bybit v5 (spot and linear
perpetuals) in sync over WebSocket, with funding rates from the streams, until Ctrl-C or SIGTERM
(or --for). Each book follows its exchange's own rules (docs/streams.md): Binance buffers the
diff stream while a REST snapshot loads (the request's weight taken from a shared budget) and
checks U == prev.u + 1 (spot) or pu == prev.u (USDⓈ-M) on every message; Bybit starts from the
topic's snapshot, checks u == prev.u + 1 on every delta and resets on a new snapshot or u = 1.
A gap, a crossed book or a sequence going backwards resyncs that one book; the other books keep
streaming. A silent connection (--stale-after) is marked stale and reconnected, with backoff and
jitter; Binance connections are replaced before their 24 h limit without a gap.

On a terminal: a live table per book (best bid / ask, spread, levels, update id, age of the last
message, messages/s, resyncs, state) and per perpetual (funding rate, next funding, interval, mark).
Books and funding go to the cache (memory, or Redis with REDIS_URL) under
mts:book:<exchange>:<market>:<symbol> and mts:funding:<exchange>:<symbol>, with a TTL of
REDIS_CACHE_TTL seconds, and every change is published on the channel of the same name. Every
resync (reason, ids missed, duration) is stored in the database (DATABASE_PATH).

What to stream (defaults: REALTIME_EXCHANGES, both markets, REALTIME_SYMBOLS):
  --exchanges E[,E]       binance, bybit
  --markets M[,M]         spot, perp (Binance USDⓈ-M, Bybit linear)
  --symbols S[,S]         exchange symbols, e.g. BTCUSDT,ETHUSDT
  --depth N               levels per side shown, cached, stored and in --json (1-200, default 20;
                          Bybit subscribes orderbook.50, or orderbook.200 above 50)

Run:
  --for D                 stop after D (30s, 5m, 2h) from the start, then print the summary
  --stale-after D         a book silent this long is stale; its silent connection reconnects
                          (default 15s)
  --snapshot-limit N      levels per Binance REST snapshot (default 1000: weight 50 spot, 20
                          USDⓈ-M; spot 1-5000; with USDⓈ-M one of 5, 10, 20, 50, 100, 500,
                          1000)
  --snapshot-every D      also store a top --depth snapshot of every live book every D (default
                          off)
  --max-connection-age D  replace Binance connections this old (default 23h; Binance cuts at 24h)

Record and replay:
  --record FILE           write every raw frame with its receive time, every REST answer and every
                          connection event to FILE (JSON lines; gzip when FILE ends in .gz; the
                          folder is created; rotated into FILE.1, FILE.2 … by size)
  --record-part-mb N      rotate after N MiB of JSON text per part (default 256)
  --replay FILE           feed a recording through the same pipeline, without the network: the
                          books, resyncs, gaps and counts equal the recorded run's (what to stream
                          comes from the recording); nothing is stored in the database

Funding history (instead of streaming):
  --backfill-funding      fill the settled funding rates of the perpetuals of --symbols on
                          --exchanges from the REST history (Binance /fapi/v1/fundingRate, Bybit
                          /v5/market/funding/history) into the database, incrementally and
                          idempotently, then exit (exit 1 when a symbol failed); the same job the
                          scheduler runs every 8 h
  --days N                how many days back the history should be complete (1-3650, default 30)

Arbitrage (the detector of deno task arbitrage, in this process, on the streamed symbols):
  --arbitrage             detect cross-exchange arbitrage on this run's books (docs/arbitrage.md);
                          alerts go to SQLite, mts:alerts:arbitrage on this run's cache and
                          ALERT_WEBHOOK_URL; with --replay, ages follow the recorded times and
                          two runs print the same alerts
${DETECTOR_HELP.split("\n").slice(1).join("\n")}

Output:
  --json                  no table; at the end one JSON object {books, funding, stats} (with
                          --arbitrage also "arbitrage": every alert, in order)
  -h, --help              show this help

Variables: REALTIME_SYMBOLS, REALTIME_EXCHANGES (REALTIME_ENABLED only makes deno task serve
run the streams in-process, as serve --stream does; an explicit deno task stream always runs), BINANCE_WS_URL,
BINANCE_FUTURES_WS_URL, BINANCE_BASE_URL, BINANCE_FUTURES_BASE_URL, BYBIT_WS_URL, BYBIT_BASE_URL,
BINANCE_WEIGHT_LIMIT_PER_MIN, HTTP_TIMEOUT_MS, REDIS_URL, REDIS_CACHE_TTL, DATABASE_PATH.

Examples:
  deno task stream
  deno task stream --exchanges binance,bybit --markets spot,perp --symbols BTCUSDT,ETHUSDT --depth 20
  deno task stream --for 60s --record data/frames/btc.jsonl.gz --json
  deno task stream --replay data/frames/btc.jsonl.gz --json
  deno task stream --arbitrage --symbols BTCUSDT,ETHUSDT --min-net-bps 5 --max-notional 50000
  deno task stream --backfill-funding --days 30 --symbols BTCUSDT,ETHUSDT
`;

// the detector's flags, except --symbols: beside the stream it watches the streamed symbols
const { symbols: _symbols, ...STREAM_DETECTOR_FLAGS } = DETECTOR_FLAGS;
const DETECTOR_FLAG_NAMES = Object.keys(
  STREAM_DETECTOR_FLAGS,
) as (keyof typeof STREAM_DETECTOR_FLAGS)[];

const FLAGS = {
  exchanges: { type: "string" },
  markets: { type: "string" },
  symbols: { type: "string" },
  depth: { type: "string" },
  for: { type: "string" },
  "stale-after": { type: "string" },
  "snapshot-limit": { type: "string" },
  "snapshot-every": { type: "string" },
  "max-connection-age": { type: "string" },
  record: { type: "string" },
  "record-part-mb": { type: "string" },
  replay: { type: "string" },
  "backfill-funding": { type: "boolean" },
  days: { type: "string" },
  arbitrage: { type: "boolean" },
  ...STREAM_DETECTOR_FLAGS,
} as const;

type Run = TaskRun<typeof FLAGS>;

function positive(value: string | undefined, flag: string, minMs: number): number | undefined {
  const ms = durationFlag(value, flag);
  if (ms !== undefined && ms < minMs) {
    badFlag(flag, `a duration of at least ${minMs} ms (e.g. 30s, 5m)`, value!);
  }
  return ms;
}

function choices<T extends string>(
  raw: string[] | undefined,
  fallback: readonly string[],
  allowed: readonly T[],
  flag: string,
): T[] {
  const items = (raw ?? fallback).flatMap((s) => s.split(",")).map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  for (const i of items) {
    if (!allowed.includes(i as T)) badFlag(flag, `one or more of ${allowed.join(", ")}`, i);
  }
  if (items.length === 0) badFlag(flag, `one or more of ${allowed.join(", ")}`, "");
  return items as T[];
}

function snapshotLimitOf(
  value: string | undefined,
  exchanges: readonly Exchange[],
  markets: readonly Market[],
): number {
  const limit = intFlag(value, "snapshot-limit", { min: 1, max: 5000, fallback: 1000 });
  if (
    exchanges.includes("binance") && markets.includes("perp") && !PERP_DEPTH_LIMITS.includes(limit)
  ) {
    badFlag("snapshot-limit", `one of ${PERP_DEPTH_LIMITS.join(", ")} (USDⓈ-M)`, value!);
  }
  return limit;
}

function planOf(run: Run): PlanOptions {
  const { flags, config } = run;
  const exchanges = choices<Exchange>(
    listFlag(flags.exchanges),
    config.realtime.exchanges,
    EXCHANGES,
    "exchanges",
  );
  const markets = choices<Market>(listFlag(flags.markets), MARKETS, MARKETS, "markets");
  const symbols = (listFlag(flags.symbols) ?? config.realtime.symbols)
    .flatMap((s) => s.split(",")).map((s) => s.trim().toUpperCase()).filter(Boolean);
  for (const s of symbols) {
    if (!/^[A-Z0-9]{2,30}$/.test(s)) badFlag("symbols", "exchange symbols like BTCUSDT", s);
  }
  if (symbols.length === 0) badFlag("symbols", "exchange symbols like BTCUSDT", "");
  const plan: PlanOptions = {
    exchanges,
    markets,
    symbols,
    depth: intFlag(flags.depth, "depth", { min: 1, max: 200, fallback: 20 }),
    snapshotLimit: snapshotLimitOf(flags["snapshot-limit"], exchanges, markets),
    staleAfterMs: positive(flags["stale-after"], "stale-after", 100) ?? 15_000,
  };
  buildPlan(plan); // validated by the flags above; a bug if this throws
  return plan;
}

function refuseWithReplay(run: Run): void {
  for (
    const f of [
      "exchanges",
      "markets",
      "symbols",
      "depth",
      "record",
      "for",
      "snapshot-limit",
      "stale-after",
      "snapshot-every",
      "max-connection-age",
    ] as const
  ) {
    if (run.flags[f] !== undefined) {
      throw new UsageError(`--${f}: not with --replay (the recording decides what was streamed)`);
    }
  }
}

/** What a run printed besides the stream's own result. */
interface Executed {
  readonly result: StreamResult;
  /** `--arbitrage`: every alert, in order. */
  readonly alerts?: ArbitrageAlert[];
}

async function execute(
  run: Run,
  screen: StreamScreen | undefined,
  detector: DetectorOptions | undefined,
): Promise<Executed> {
  const interrupt = interruptSignal();
  const cache = await openCache(run.config.redis);
  try {
    const onTick = screen ? screen.render.bind(screen) : undefined;
    if (run.flags.replay !== undefined) {
      refuseWithReplay(run);
      const path = await inputFile("replay", "a recording made with --record", run.flags.replay);
      const replay = () => runReplay(path, { cache, signal: interrupt.signal, onTick });
      if (!detector) return { result: await replay() };
      const plan = await recordedPlan(path);
      return await withDetector(
        run,
        screen,
        cache,
        { ...detector, symbols: plan.symbols },
        "data",
        replay,
      );
    }
    const plan = planOf(run);
    const forMs = positive(run.flags.for, "for", 100);
    const snapshotEveryMs = positive(run.flags["snapshot-every"], "snapshot-every", 1_000);
    const maxConnectionAgeMs = positive(
      run.flags["max-connection-age"],
      "max-connection-age",
      1_000,
    );
    const partBytes = intFlag(run.flags["record-part-mb"], "record-part-mb", {
      min: 1,
      max: 1_000_000,
      fallback: 256,
    }) * 1024 * 1024;
    const record = run.flags.record === undefined ? undefined : {
      path: outputPath("record", run.flags.record, { task: "stream", dataDir: run.config.dataDir }),
      partBytes,
    };
    await checkStreamNet(run.config, plan);
    const store = run.store();
    const options: LiveRunOptions = {
      plan,
      config: run.config,
      forMs,
      record,
      snapshotEveryMs,
      maxConnectionAgeMs,
      cache,
      books: store,
      funding: store,
      signal: interrupt.signal,
      onTick,
    };
    if (!detector) return { result: await runLive(options) };
    const watched = { ...detector, symbols: plan.symbols };
    return await withDetector(run, screen, cache, watched, "stream", () => runLive(options));
  } finally {
    interrupt.dispose();
    await cache.close();
  }
}

/**
 * `--arbitrage`: the detector follows this run's cache, on the streamed symbols, while `stream`
 * runs. Alerts go to SQLite, the alert channel and the webhook as with `deno task arbitrage`; on
 * a terminal the latest show below the live table, with --json they join the summary, and
 * elsewhere each is one line on stdout.
 */
async function withDetector(
  run: Run,
  screen: StreamScreen | undefined,
  cache: Cache,
  detector: DetectorOptions,
  clock: "stream" | "data",
  stream: () => Promise<StreamResult>,
): Promise<Executed> {
  const alerts: ArbitrageAlert[] = [];
  const recent: string[] = [];
  if (screen) screen.footer = () => recent.length ? recent.join("\n") : "arbitrage: no alert yet";
  const { result } = await detectBeside(run, {
    cache,
    detector,
    clock,
    store: true,
    onAlert: (a) => {
      alerts.push(a);
      if (run.json) return;
      if (screen) {
        recent.push(alertLine(a));
        if (recent.length > 8) recent.shift();
      } else console.log(alertLine(a));
    },
    onProblem: (m) => console.error(`mts stream: arbitrage: ${m}`),
  }, stream);
  return { result, alerts };
}

function refuseWithoutArbitrage(run: Run): void {
  if (run.flags.arbitrage) return;
  for (const f of DETECTOR_FLAG_NAMES) {
    if (run.flags[f] !== undefined) throw new UsageError(`--${f}: only with --arbitrage`);
  }
}

/** `--backfill-funding`: the REST history into the store; the exit code says whether all went. */
async function backfill(run: Run): Promise<number> {
  const { flags, config } = run;
  for (const f of ["replay", "record", "for", "markets", "depth", "snapshot-every"] as const) {
    if (flags[f] !== undefined) throw new UsageError(`--${f}: not with --backfill-funding`);
  }
  const exchanges = choices<Exchange>(
    listFlag(flags.exchanges),
    config.realtime.exchanges,
    EXCHANGES,
    "exchanges",
  );
  const plan = { ...planOf(run), exchanges, markets: ["perp" as const] };
  const days = intFlag(flags.days, "days", { min: 1, max: 3650, fallback: 30 });
  const missing = await missingNetPermissions(fundingUrls(config, exchanges));
  if (missing.length > 0) throw new ConfigError(missing[0]);
  const interrupt = interruptSignal();
  try {
    const report = await backfillFunding(run.store(), {
      exchanges,
      symbols: plan.symbols,
      days,
      nowMs: Date.now(),
      signal: interrupt.signal,
      config,
      redact: run.redact,
    });
    if (run.json) printJson(report);
    else console.log(backfillTable(report));
    return report.status === "success" ? 0 : 1;
  } finally {
    interrupt.dispose();
  }
}

function backfillTable(r: FundingBackfillReport): string {
  const table = formatTable(r.items, [
    { header: "exchange", value: (i) => i.exchange },
    { header: "symbol", value: (i) => i.symbol },
    { header: "status", value: (i) => i.status },
    { header: "fetched", value: (i) => i.fetched, align: "right" },
    { header: "inserted", value: (i) => i.inserted, align: "right" },
    { header: "updated", value: (i) => i.updated, align: "right" },
    { header: "gaps", value: (i) => i.gaps.length, align: "right" },
    { header: "interval h", value: (i) => i.intervalHours ?? "-", align: "right" },
    { header: "error", value: (i) => (i.error ? safeEcho(i.error, 200) : "") },
  ]);
  return `${table}\nfunding backfill run ${r.runId}: ${r.status}, ${r.rowsWritten} rows written, ` +
    `${r.requests} requests, ${r.gaps} gaps`;
}

const task = defineTask({
  name: "stream",
  help: HELP,
  flags: FLAGS,
  lists: ["exchanges", "markets", "symbols"],
  // the live table owns the terminal: log lines go to LOG_FILE only (the table shows the counts
  // and the last problem)
  machineOutput: (flags) => !flags["backfill-funding"] && stdoutIsTerminal(),
  run: async (run) => {
    if (run.flags["backfill-funding"]) {
      if (run.flags.arbitrage) throw new UsageError("--arbitrage: not with --backfill-funding");
      return await backfill(run);
    }
    refuseWithoutArbitrage(run);
    // checked before anything is opened; the symbols are the stream's
    const detector = run.flags.arbitrage
      ? detectorOptions({ ...run.flags, symbols: undefined })
      : undefined;
    if (run.flags.days !== undefined) {
      throw new UsageError("--days: only with --backfill-funding");
    }
    const screen = !run.json && stdoutIsTerminal() ? new StreamScreen() : undefined;
    let done: Executed;
    try {
      done = await execute(run, screen, detector);
    } finally {
      screen?.close();
    }
    const { result, alerts } = done;
    if (run.json) printJson(alerts ? { ...result.summary, arbitrage: alerts } : result.summary);
    else {
      console.log(finalTables(result));
      if (alerts) console.log(`arbitrage: ${alerts.length} alert(s)`);
    }
    return 0;
  },
});

/** Entry point; returns the exit code. */
export function main(args: string[]): Promise<number> {
  return task(args);
}

if (import.meta.main) Deno.exit(await main(Deno.args));
