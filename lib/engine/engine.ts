/**
 * The event-driven backtest loop: {@link runBacktest}.
 *
 * ## Loop (one clock across all assets, assets in the run's fixed order)
 *
 * For each timestamp t of the timeline (the sorted union of every asset's bar times):
 * 1. **fill**: pending orders fill against each asset's bar at t (see `broker.ts`: exits, then
 *    market entries at the open, then SL/TP of those, then limit/stop entries);
 * 2. **mark**: the portfolio is marked at each bar's close → one equity point per timestamp;
 * 3. **decide**: `now` = the bar's close time (t + interval); each strategy's `onBar(ctx)` sees
 *    only bars whose close time is <= now (reading further throws RangeError) and macro
 *    observations published at or before now; their signals go through the pipeline, and each
 *    final signal becomes orders for the asset's next bar (or, with `fill: "close"`, market orders
 *    fill at this bar's close, exits first, and the equity point is re-marked).
 *
 * After the last timestamp, `closeAtEnd: "last_close"` closes open positions at each asset's last
 * close (market costs apply; counted as trades); `"none"` leaves them open, valued at the last
 * close, listed in `openPositions` and left out of the trade statistics.
 *
 * The pipeline between signals and orders is specified in `pipeline.ts`; options and their
 * defaults in `options.ts`; the loop itself in `loop.ts`.
 * @module
 */
import type { Fill, OpenPosition, OrderRejection, Trade } from "../core/order.ts";
import type { Interval } from "../core/time.ts";
import { type AssetSeries, validateSeries } from "./feed.ts";
import { EventLoop } from "./loop.ts";
import { buildManifest, type Manifest } from "./manifest.ts";
import { computeMetrics, type Metrics } from "./metrics.ts";
import { type BacktestOptions, type EngineSettings, resolveSettings } from "./options.ts";

export { type BacktestOptions, type EngineSettings, resolveSettings } from "./options.ts";
export type { PipelineContext, SignalPipeline } from "./pipeline.ts";

/** Version of the engine's rules, recorded in every manifest. Bump when results can change. */
export const ENGINE_VERSION = "1.0.0";

/** The equity curve: per timestamp, equity at the close and drawdown from the running peak. */
export interface EquityCurve {
  /** Bar open times (UTC ms). */
  readonly ts: Float64Array;
  /** Equity at each bar's close (quote currency). */
  readonly equity: Float64Array;
  /** 1 − equity / peak (the starting capital counts as a peak), a positive fraction. */
  readonly drawdown: Float64Array;
}

/** Everything a backtest produces. */
export interface BacktestResult {
  /** The run's assets in their fixed order. */
  readonly assets: readonly string[];
  /** Bar interval of every series. */
  readonly interval: Interval;
  /** Starting cash (quote currency). */
  readonly capital: number;
  /** First bar's open time (UTC ms). */
  readonly startTs: number;
  /** Last bar's close time (UTC ms). */
  readonly endTs: number;
  /** Every metric of the run (see `metrics.ts`). */
  readonly metrics: Metrics;
  /** Closed trades (those closed at the end with `last_close` included). */
  readonly trades: readonly Trade[];
  /** Positions left open at the end (with `closeAtEnd: "none"`), valued at the last close. */
  readonly openPositions: readonly OpenPosition[];
  /** Every fill, in time order. */
  readonly fills: readonly Fill[];
  /** Every rejected or reduced order, with its reason. */
  readonly rejections: readonly OrderRejection[];
  /** Equity and drawdown at each timestamp. */
  readonly equity: EquityCurve;
  /** Per asset: last close / first close − 1 over the run. */
  readonly buyHold: Readonly<Record<string, number>>;
  /** Engine version, parameters, config hash and data checksum: what makes the run reproducible. */
  readonly manifest: Manifest;
}

/**
 * Runs a backtest. Pure and synchronous: same inputs, same result.
 *
 * @example A long bought at the second bar's open (100) and closed at the last close (121)
 * ```ts
 * import assert from "node:assert/strict";
 * import { runBacktest } from "./engine.ts";
 * import { seriesFromCandles } from "./feed.ts";
 *
 * const day = 86_400_000;
 * const bar = (i: number, open: number, close: number) =>
 *   ({ ts: i * day, open, high: close, low: open, close, volume: 1 });
 * const series = seriesFromCandles("bitcoin", [bar(0, 100, 100), bar(1, 100, 110), bar(2, 110, 121)]);
 * const result = runBacktest({
 *   series: [series],
 *   interval: "1d",
 *   capital: 100_000,
 *   strategies: [{
 *     name: "all_in",
 *     params: {},
 *     warmup: 1,
 *     macroSeries: [],
 *     onBar: (ctx) => [{
 *       ts: ctx.now, asset: "bitcoin", direction: "long", confidence: 1, size: 1,
 *       strategy: "all_in", reason: "example",
 *     }],
 *   }],
 * });
 * // 1,000 units bought at 100, worth 121 each at the end: +21%.
 * assert.equal(result.trades.length, 1);
 * assert.equal(result.trades[0].entryPrice, 100);
 * assert.ok(Math.abs(result.metrics.totalReturn - 0.21) < 1e-12);
 * ```
 */
export function runBacktest(options: BacktestOptions): BacktestResult {
  const cfg = resolveSettings(options);
  const { series, strategies, pipeline } = options;
  if (!options.seriesValidated) { for (const s of series) validateSeries(s); }
  const loop = new EventLoop({
    series,
    strategies,
    pipeline,
    macro: options.macro ?? [],
    onEvent: options.onEvent,
    cfg,
  });
  loop.run();
  const { assets, timeline, equity: eq, broker, portfolio: pf } = loop;
  const startTs = timeline[0];
  const endTs = loop.closeOf(timeline[timeline.length - 1]);
  const buyHold = buyHoldReturns(series);
  const metrics = computeMetrics({
    capital: cfg.capital,
    ts: timeline,
    equity: eq,
    startTs,
    endTs,
    trades: [],
    tradeColumns: broker.tradeLog.columns(),
    fees: pf.fees,
    exposedBars: loop.exposedBars,
    buyHoldReturn: buyHold.mean,
    periodsPerYear: cfg.periodsPerYear,
    riskFree: cfg.riskFree,
  });
  return {
    assets,
    interval: cfg.interval,
    capital: cfg.capital,
    startTs,
    endTs,
    metrics,
    // Built on first read (logs.ts): a caller that needs only the metrics never builds them.
    get trades() {
      return broker.trades;
    },
    openPositions: pf.openPositions(),
    get fills() {
      return broker.fills;
    },
    rejections: broker.rejections,
    equity: equityCurve(timeline, eq, cfg.capital),
    buyHold: buyHold.perAsset,
    manifest: manifestOf(options, cfg),
  };
}

/** The equity curve; its drawdown series is computed on first read (an optimiser never reads it). */
function equityCurve(ts: Float64Array, equity: Float64Array, capital: number): EquityCurve {
  let drawdown: Float64Array | undefined;
  return {
    ts,
    equity,
    get drawdown() {
      return (drawdown ??= drawdownSeries(equity, capital));
    },
  };
}

/** 1 − equity / running peak at each point; the starting capital is the first peak. */
function drawdownSeries(eq: Float64Array, capital: number): Float64Array {
  const drawdown = new Float64Array(eq.length);
  let peak = capital;
  for (let k = 0; k < eq.length; k++) {
    if (eq[k] > peak) peak = eq[k];
    drawdown[k] = 1 - eq[k] / peak;
  }
  return drawdown;
}

/** Per asset: last close / first close − 1, and their mean (the buy-and-hold benchmark). */
function buyHoldReturns(
  series: readonly AssetSeries[],
): { perAsset: Record<string, number>; mean: number } {
  const perAsset: Record<string, number> = {};
  let sum = 0;
  for (const s of series) {
    const r = s.close[s.close.length - 1] / s.close[0] - 1;
    perAsset[s.asset] = r;
    sum += r;
  }
  return { perAsset, mean: sum / series.length };
}

function manifestOf(options: BacktestOptions, cfg: EngineSettings): Manifest {
  return buildManifest({
    engineVersion: ENGINE_VERSION,
    settings: cfg,
    strategies: options.strategies.map((s) => ({ name: s.name, params: s.params })),
    pipeline: options.pipeline === undefined ? false : options.pipelineParams ?? true,
    extra: options.manifestParams ?? {},
    series: options.series,
    macro: options.macro ?? [],
    dataChecksum: options.dataChecksum,
  });
}
