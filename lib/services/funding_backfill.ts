/**
 * Funding-rate backfill: the settled funding rates of perpetuals from the exchanges' REST history
 * (Binance `/fapi/v1/fundingRate`, Bybit `/v5/market/funding/history`) into the store, the way
 * `collect` fills candles — what `deno task stream --backfill-funding --days N` and the
 * scheduler's `funding` job run.
 *
 * - **Incremental**: for each (exchange, symbol) the window is the last `days` before `nowMs`,
 *   starting one ms after the newest stored REST settlement; when that settlement's interval has
 *   not elapsed yet, nothing is requested at all.
 * - **Idempotent**: observations are keyed by (exchange, market, symbol, source, funding time), so
 *   a second run writes nothing new and a corrected rate replaces the old one.
 * - **Exact**: rates and marks are stored as the exchange's decimal strings.
 * - **Intervals are read from the history** (`lib/core/funding.ts`): each settlement's interval is
 *   the spacing to the one before (8 h → 4 h mid-history stays right); the exchange's current
 *   interval (`fundingInfo`, where an absent symbol means Binance's default 8 h, or
 *   `instruments-info`) only fills in where the history cannot tell. Missing settlements are
 *   reported as gaps and recorded in the data-quality ledger (`funding_gap`), never filled.
 * - Each (exchange, symbol) is one transaction; one failing (network, rate limit, a malformed row)
 *   is recorded and the others go on. The run is recorded as a collection run of task `funding`.
 * @module
 */
import { BinanceFundingClient } from "../clients/binance/funding_client.ts";
import { BybitClient } from "../clients/bybit/client.ts";
import type { FundingHistoryClient, FundingRateRow } from "../clients/funding.ts";
import type { ResolvedConfig } from "../config/config.ts";
import { ConfigError } from "../core/errors.ts";
import { type FundingGap, settlementIntervals } from "../core/funding.ts";
import { DAY_MS, isoTime } from "../core/time.ts";
import { getLogger } from "../log/logger.ts";
import type { ConfiguredUrl } from "../net/permissions.ts";
import type { FundingObservation, QualityIssue, RunItem, Store } from "../storage/store.ts";
import { type ApiClientMonitor, apiClientOptions, type RunWiring } from "./api_clients.ts";
import { closeInterruptedRuns } from "./collector.ts";

/** The exchanges with a funding history. */
export const FUNDING_EXCHANGES = ["binance", "bybit"] as const;

/** An exchange with a funding history. */
export type FundingExchange = typeof FUNDING_EXCHANGES[number];

/** The history client of each exchange a run may use. */
export type FundingClients = Partial<Record<FundingExchange, FundingHistoryClient>>;

const HOUR_MS = 3_600_000;
/** The run task name (`deno task status` lists these runs). */
export const FUNDING_TASK = "funding";

/** Options for {@link backfillFunding}. */
export interface FundingBackfillOptions {
  /** `binance` and/or `bybit`. */
  readonly exchanges: readonly string[];
  /** Exchange symbols, e.g. `BTCUSDT` (the same on both). */
  readonly symbols: readonly string[];
  /** How many days back the history should be complete (> 0). */
  readonly days: number;
  /** The end of the window, UTC ms. */
  readonly nowMs: number;
  /** Stops between symbols and aborts the request in flight (through the clients). */
  readonly signal: AbortSignal;
  /** The clients; built from `config` when absent. */
  readonly clients?: FundingClients;
  /** Used to build the clients when `clients` is absent (base URLs, timeouts, retries). */
  readonly config?: ResolvedConfig;
  /** Recorded with the run (e.g. the scheduler's slot). */
  readonly params?: Record<string, unknown>;
  /** Removes configured secrets from an error text. */
  readonly redact?: (text: string) => string;
  /** Receive time of the rows (default `Date.now`). */
  readonly clock?: () => number;
  /** Progress for a terminal display. */
  readonly onProgress?: (p: { exchange: string; symbol: string; rows: number }) => void;
  /** Monitoring of the clients built from `config` (the API server's metrics). */
  readonly monitor?: ApiClientMonitor;
}

/** One (exchange, symbol) of a backfill. */
export interface FundingItemReport {
  /** `binance` or `bybit`. */
  readonly exchange: string;
  /** The symbol. */
  readonly symbol: string;
  /** `success`, `failed`, or `skipped` (interrupted before it started). */
  status: "success" | "failed" | "skipped";
  /** Settlements fetched in the window. */
  fetched: number;
  /** New rows. */
  inserted: number;
  /** Rows whose stored values changed. */
  updated: number;
  /** HTTP requests this item took (every retry included). */
  requests: number;
  /** The requested range (absent when nothing had to be asked). */
  fromMs?: number;
  /** End of the requested range. */
  toMs?: number;
  /** The exchange's current interval, hours (when asked). */
  intervalHours?: number;
  /** Settlements missing from the history. */
  gaps: FundingGap[];
  /** Newest settlement stored after the run, UTC ms. */
  lastFundingTimeMs?: number;
  /** Why it failed or was skipped. */
  error?: string;
}

/** What a backfill did (a superset of the scheduler's `FundingBackfillReport`). */
export interface FundingBackfillReport {
  /** The collection run it recorded (task `funding`). */
  readonly runId: number;
  /** `success`, `partial` or `failed`. */
  readonly status: "success" | "partial" | "failed";
  /** Rows inserted or updated. */
  readonly rowsWritten: number;
  /** HTTP requests of the whole run. */
  readonly requests: number;
  /** Gaps found (settlements missing at the source), over all items. */
  readonly gaps: number;
  /** The window, UTC ms. */
  readonly window: { readonly fromMs: number; readonly toMs: number };
  /** Per (exchange, symbol), in the order asked. */
  readonly items: readonly FundingItemReport[];
  /** Why it did not succeed. */
  readonly error?: string;
}

/** The hosts a funding backfill of `exchanges` calls, with the variables that set them. */
export function fundingUrls(
  config: ResolvedConfig,
  exchanges: readonly string[],
): ConfiguredUrl[] {
  return [
    ...(exchanges.includes("binance")
      ? [{ variable: "BINANCE_FUTURES_BASE_URL", url: config.binance.futuresBaseUrl }]
      : []),
    ...(exchanges.includes("bybit")
      ? [{ variable: "BYBIT_BASE_URL", url: config.bybit.baseUrl }]
      : []),
  ];
}

/** The history clients of one run, sharing its breakers, abort signal, events and redactor. */
export function fundingClientsFor(config: ResolvedConfig, wiring: RunWiring): FundingClients {
  // one breaker registry for both (they share no host), each named to the run's monitor
  const api = apiClientOptions(config, wiring);
  return {
    binance: new BinanceFundingClient({
      ...apiClientOptions(config, wiring, "binance_futures"),
      breakers: api.breakers,
      baseUrl: config.binance.futuresBaseUrl,
    }),
    bybit: new BybitClient({
      ...apiClientOptions(config, wiring, "bybit"),
      breakers: api.breakers,
      baseUrl: config.bybit.baseUrl,
    }),
  };
}

/** Checks the options before any work: known exchanges, symbols given, `days` > 0. */
export function checkFundingOptions(o: FundingBackfillOptions): void {
  const known: readonly string[] = FUNDING_EXCHANGES;
  const unknown = o.exchanges.filter((e) => !known.includes(e));
  if (unknown.length) {
    throw new ConfigError(
      `funding backfill: unknown exchange ${unknown.map((e) => JSON.stringify(e)).join(", ")} ` +
        `(known: ${FUNDING_EXCHANGES.join(", ")})`,
    );
  }
  if (o.exchanges.length === 0) throw new ConfigError("funding backfill: no exchanges");
  if (o.symbols.length === 0) throw new ConfigError("funding backfill: no symbols");
  if (!(o.days > 0 && Number.isFinite(o.days))) {
    throw new ConfigError(`funding backfill: days must be > 0, got ${o.days}`);
  }
  if (!o.clients && !o.config) {
    throw new TypeError("backfillFunding needs `clients` or `config` to build them from");
  }
}

/**
 * Backfills funding history (see the module doc).
 *
 * @example
 * ```ts
 * import { loadConfig } from "../config/config.ts";
 * import { SqliteStore } from "../storage/sqlite_store.ts";
 * import { backfillFunding } from "./funding_backfill.ts";
 * // what a task does; defined, not run here: it reads .env and calls the exchanges
 * async function backfillLastMonth() {
 *   const config = loadConfig();
 *   const store = SqliteStore.open(config.databasePath);
 *   const report = await backfillFunding(store, {
 *     exchanges: ["binance", "bybit"], symbols: ["BTCUSDT"], days: 30,
 *     nowMs: Date.now(), signal: new AbortController().signal, config,
 *   });
 *   return report.items.map((i) => [i.exchange, i.symbol, i.inserted, i.gaps.length]);
 * }
 * ```
 */
export async function backfillFunding(
  store: Store,
  o: FundingBackfillOptions,
): Promise<FundingBackfillReport> {
  checkFundingOptions(o);
  const clients = o.clients ?? fundingClientsFor(o.config!, {
    signal: o.signal,
    onEvent: () => {},
    redact: o.redact ?? ((t) => t),
    monitor: o.monitor,
  });
  const window = { fromMs: o.nowMs - Math.round(o.days * DAY_MS), toMs: o.nowMs };
  const runId = await store.startRun(FUNDING_TASK, {
    exchanges: o.exchanges,
    symbols: o.symbols,
    days: o.days,
    from: isoTime(window.fromMs),
    to: isoTime(window.toMs),
    ...o.params,
  });
  await closeInterruptedRuns(store, FUNDING_TASK, runId);
  const sentBefore = totalSent(clients);
  const items: FundingItemReport[] = [];
  let interrupted: string | undefined;
  for (const exchange of o.exchanges) {
    for (const symbol of o.symbols) {
      const item = emptyItem(exchange, symbol);
      items.push(item);
      if (o.signal.aborted) {
        interrupted ??= abortReason(o.signal);
        item.status = "skipped";
        item.error = `not attempted: ${interrupted}`;
        continue;
      }
      await backfillOne(store, o, clients[exchange as FundingExchange]!, item, { runId, window });
      if (item.status === "failed" && o.signal.aborted) interrupted ??= abortReason(o.signal);
    }
  }
  return await finish(store, runId, items, window, totalSent(clients) - sentBefore, interrupted);
}

function totalSent(clients: FundingClients): number {
  return Object.values(clients).reduce((n, c) => n + (c?.requestsSent ?? 0), 0);
}

function abortReason(signal: AbortSignal): string {
  return String((signal.reason as Error)?.message ?? signal.reason);
}

function emptyItem(exchange: string, symbol: string): FundingItemReport {
  return {
    exchange,
    symbol,
    status: "success",
    fetched: 0,
    inserted: 0,
    updated: 0,
    requests: 0,
    gaps: [],
  };
}

/** Fetches what is missing of one (exchange, symbol) and stores it with its gaps (one transaction). */
async function backfillOne(
  store: Store,
  o: FundingBackfillOptions,
  client: FundingHistoryClient,
  item: FundingItemReport,
  run: { runId: number; window: { fromMs: number; toMs: number } },
): Promise<void> {
  const log = getLogger("funding");
  const key = { exchange: item.exchange, symbol: item.symbol };
  const sentBefore = client.requestsSent;
  try {
    const last = await store.lastFunding(key);
    item.lastFundingTimeMs = last?.fundingTimeMs;
    const contiguous = last !== undefined && last.fundingTimeMs >= run.window.fromMs;
    const fromMs = contiguous ? last.fundingTimeMs + 1 : run.window.fromMs;
    // the next settlement cannot be out yet: nothing to ask
    if (
      contiguous && last.intervalHours &&
      last.fundingTimeMs + last.intervalHours * HOUR_MS > o.nowMs
    ) {
      log.info("up to date", { exchange: item.exchange, symbol: item.symbol });
      return;
    }
    item.fromMs = fromMs;
    item.toMs = run.window.toMs;
    item.intervalHours = await client.intervalHours(item.symbol);
    const rows = await client.history(
      item.symbol,
      fromMs,
      run.window.toMs,
      (n) => o.onProgress?.({ exchange: item.exchange, symbol: item.symbol, rows: n }),
    );
    item.fetched = rows.length;
    const previous = contiguous
      ? { timeMs: last.fundingTimeMs, intervalHours: last.intervalHours }
      : undefined;
    const derived = settlementIntervals(
      rows.map((r) => r.fundingTimeMs),
      item.intervalHours,
      previous,
    );
    item.gaps = derived.gaps;
    const receivedAtMs = (o.clock ?? Date.now)();
    const observations = rows.map((r, i) =>
      toObservation(item.exchange, r, derived.intervals[i], receivedAtMs)
    );
    const result = await store.transaction(async () => {
      const w = await store.recordFunding(observations);
      if (derived.gaps.length) {
        await store.recordQualityIssues(gapIssues(item, derived.gaps), run.runId);
      }
      return w;
    });
    item.inserted = result.inserted;
    item.updated = result.updated;
    if (rows.length) item.lastFundingTimeMs = rows[rows.length - 1].fundingTimeMs;
    log.info("funding backfilled", {
      exchange: item.exchange,
      symbol: item.symbol,
      inserted: result.inserted,
      gaps: derived.gaps.length,
    });
  } catch (e) {
    item.status = "failed";
    const message = (e as Error).message;
    item.error = o.signal.aborted
      ? `interrupted: ${abortReason(o.signal)}`
      : o.redact
      ? o.redact(message)
      : message;
    log.warn("funding backfill failed", {
      exchange: item.exchange,
      symbol: item.symbol,
      error: item.error,
    });
  } finally {
    item.requests = client.requestsSent - sentBefore;
  }
}

function toObservation(
  exchange: string,
  r: FundingRateRow,
  intervalHours: number,
  receivedAtMs: number,
): FundingObservation {
  return {
    exchange,
    market: "perp",
    symbol: r.symbol,
    fundingTimeMs: r.fundingTimeMs,
    observedAtMs: r.fundingTimeMs,
    rate: r.rate,
    markPrice: r.markPrice,
    intervalHours,
    source: "rest",
    receivedAtMs,
  };
}

/** The ledger entries of an item's gaps (kind `funding_gap`, source `<exchange>:perp`). */
function gapIssues(item: FundingItemReport, gaps: readonly FundingGap[]): QualityIssue[] {
  return gaps.map((g) => ({
    source: `${item.exchange}:perp`,
    subject: item.symbol,
    interval: "funding",
    kind: "funding_gap",
    ts: g.afterMs + g.intervalHours * HOUR_MS,
    tsEnd: g.beforeMs,
    missingBars: g.missing,
    detail:
      `${item.exchange} has no funding settlement of ${item.symbol} between ${
        isoTime(g.afterMs)
      } ` +
      `and ${
        isoTime(g.beforeMs)
      } (${g.missing} missing at ${g.intervalHours} h); never filled with 0`,
    location: `${item.exchange} funding history`,
  }));
}

async function finish(
  store: Store,
  runId: number,
  items: readonly FundingItemReport[],
  window: { fromMs: number; toMs: number },
  requests: number,
  interrupted: string | undefined,
): Promise<FundingBackfillReport> {
  const rowsWritten = items.reduce((n, i) => n + i.inserted + i.updated, 0);
  const failed = items.filter((i) => i.status !== "success");
  const status = failed.length === 0
    ? "success"
    : failed.length === items.length || (interrupted && rowsWritten === 0)
    ? "failed"
    : "partial";
  const error = interrupted
    ? `interrupted: ${interrupted}`
    : failed.length
    ? failed.map((i) => `${i.exchange} ${i.symbol}: ${i.error}`).join("; ")
    : undefined;
  const gaps = items.reduce((n, i) => n + i.gaps.length, 0);
  await store.finishRun(runId, {
    status,
    rowsWritten,
    issues: gaps,
    error,
    items: items.map((i): RunItem => ({
      source: i.exchange,
      subject: i.symbol,
      interval: "funding",
      status: i.status,
      rowsWritten: i.inserted + i.updated,
      error: i.error,
    })),
  });
  return { runId, status, rowsWritten, requests, gaps, window, items, error };
}
