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
 * ## Pipeline: the stage between strategy signals and orders
 *
 * ```ts
 * type SignalPipeline = (signals: readonly Signal[], ctx: PipelineContext) => readonly Signal[];
 * ```
 * Called once per decision time — also when no strategy signalled (`signals` is then empty), so
 * that a risk stage can act on its own — with every signal of every strategy at that time, in
 * strategy order. It returns the final *target* signals (a target position per asset as a
 * fraction of equity, see `lib/core/signal.ts`); the default is the identity. When several final
 * signals name the same asset, the last one wins. `ctx` ({@link PipelineContext}) exposes `now`,
 * the run's `assets`, `equity` (marked at the latest close), `position(asset)`, `price(asset)`
 * (latest close), and the `fills` and `trades` so far (read-only; do not mutate). The context
 * object is reused between calls: read it during the call, do not keep it.
 *
 * How targets become orders: a target whose direction differs from the position's places a market
 * exit (if a position is open) and an entry (if the target is long/short with size > 0). A target
 * in the direction already held changes nothing (no resizing). Every new target for an asset
 * cancels that asset's pending orders first.
 * @module
 */
import type { EngineEvent } from "../core/events.ts";
import type { Fill, OpenPosition, OrderRejection, Trade } from "../core/order.ts";
import { type Signal, signalProblem } from "../core/signal.ts";
import type { PositionView, Strategy } from "../core/strategy.ts";
import { DAY_MS, type Interval, intervalMs, nextBarTs } from "../core/time.ts";
import { type BarPrices, Broker } from "./broker.ts";
import {
  type AssetSeries,
  barFeed,
  buildTimeline,
  createFeedContext,
  type FeedMacroView,
  macroFeed,
  type MacroInput,
  validateSeries,
} from "./feed.ts";
import { buildManifest, type Manifest } from "./manifest.ts";
import { computeMetrics, type Metrics } from "./metrics.ts";
import { Portfolio } from "./portfolio.ts";

/** Version of the engine's rules, recorded in every manifest. Bump when results can change. */
export const ENGINE_VERSION = "1.0.0";

/** What a {@link SignalPipeline} may read. Reused between calls. */
export interface PipelineContext {
  /** Decision time (the close time of the newest bar), UTC ms. */
  readonly now: number;
  /** The run's assets in their fixed order. */
  readonly assets: readonly string[];
  /** Equity marked at the latest close. */
  readonly equity: number;
  /** Current position in `asset`. */
  position(asset: string): PositionView;
  /** Latest close of `asset` (`NaN` before its first bar). */
  price(asset: string): number;
  /** Every fill so far, oldest first. */
  readonly fills: readonly Fill[];
  /** Every closed trade so far, oldest first. */
  readonly trades: readonly Trade[];
}

/** Turns the strategies' signals into final target signals (aggregation, risk, …). */
export type SignalPipeline = (
  signals: readonly Signal[],
  ctx: PipelineContext,
) => readonly Signal[];

/** Options of {@link runBacktest}. Costs default to zero. */
export interface BacktestOptions {
  /** One series per asset, all of the same `interval`; their order is the run's asset order. */
  series: readonly AssetSeries[];
  interval: Interval;
  /** Fresh strategy instances (they keep state). Their signals are concatenated in this order. */
  strategies: readonly Strategy[];
  /** Starting cash (quote currency). */
  capital: number;
  pipeline?: SignalPipeline;
  /**
   * The pipeline's settings (risk limits, weights, …), recorded in the manifest and its config
   * hash. A pipeline is a function, so without these the hash only says that one was used.
   */
  pipelineParams?: Readonly<Record<string, unknown>>;
  /** Macro series the strategies read through `ctx.macro(name)`. */
  macro?: readonly MacroInput[];
  /** Commission rate per side on notional (default 0). */
  commission?: number;
  /** Fixed commission per fill (default 0). */
  commissionFixed?: number;
  /** Slippage against the trader on market and stop fills, in basis points (default 0). */
  slippageBps?: number;
  /** Market orders fill at the next bar's open (default) or at the decision bar's close. */
  fill?: "open" | "close";
  /** Fractional units (default) or whole units. */
  units?: "fractional" | "whole";
  /** Close open positions at the last close (default) or leave them open. */
  closeAtEnd?: "last_close" | "none";
  /** Periods per year for annualised metrics (default: a year of bars, 365 for `1d`). */
  periodsPerYear?: number;
  /** Annual risk-free rate for Sharpe and Sortino (default 0). */
  riskFree?: number;
  /** Receives every event (bar events only exist when this is set). */
  onEvent?: (event: EngineEvent) => void;
  /** Checksum of the input data when the caller already has one; computed otherwise. */
  dataChecksum?: string;
  /** Extra parameters to record in the manifest (data source, date range, …). */
  manifestParams?: Readonly<Record<string, unknown>>;
}

/** The equity curve: per timestamp, equity at the close and drawdown from the running peak. */
export interface EquityCurve {
  /** Bar open times (UTC ms). */
  readonly ts: Float64Array;
  readonly equity: Float64Array;
  /** 1 − equity / peak (the starting capital counts as a peak), a positive fraction. */
  readonly drawdown: Float64Array;
}

/** Everything a backtest produces. */
export interface BacktestResult {
  readonly assets: readonly string[];
  readonly interval: Interval;
  readonly capital: number;
  /** First bar's open time and last bar's close time. */
  readonly startTs: number;
  readonly endTs: number;
  readonly metrics: Metrics;
  /** Closed trades (those closed at the end with `last_close` included). */
  readonly trades: readonly Trade[];
  readonly openPositions: readonly OpenPosition[];
  readonly fills: readonly Fill[];
  readonly rejections: readonly OrderRejection[];
  readonly equity: EquityCurve;
  /** Per asset: last close / first close − 1 over the run. */
  readonly buyHold: Readonly<Record<string, number>>;
  readonly manifest: Manifest;
}

const EMPTY: readonly Signal[] = Object.freeze([]);

/** Validated, complete engine settings (also what the manifest records). */
export interface EngineSettings {
  capital: number;
  interval: Interval;
  commission: number;
  commissionFixed: number;
  slippageBps: number;
  fill: "open" | "close";
  units: "fractional" | "whole";
  closeAtEnd: "last_close" | "none";
  periodsPerYear: number;
  riskFree: number;
}

/** Checks options and fills in defaults; throws RangeError naming the bad option. */
export function resolveSettings(o: BacktestOptions): EngineSettings {
  const need = (ok: boolean, what: string) => {
    if (!ok) throw new RangeError(`Cannot run backtest: ${what}`);
  };
  need(Number.isFinite(o.capital) && o.capital > 0, `capital must be positive, got ${o.capital}`);
  const s: EngineSettings = {
    capital: o.capital,
    interval: o.interval,
    commission: o.commission ?? 0,
    commissionFixed: o.commissionFixed ?? 0,
    slippageBps: o.slippageBps ?? 0,
    fill: o.fill ?? "open",
    units: o.units ?? "fractional",
    closeAtEnd: o.closeAtEnd ?? "last_close",
    periodsPerYear: o.periodsPerYear ?? 365 * DAY_MS / intervalMs(o.interval),
    riskFree: o.riskFree ?? 0,
  };
  need(s.commission >= 0 && s.commission < 1, `commission must be in [0, 1), got ${s.commission}`);
  need(
    s.commissionFixed >= 0 && Number.isFinite(s.commissionFixed),
    `commissionFixed must be >= 0, got ${s.commissionFixed}`,
  );
  need(
    s.slippageBps >= 0 && s.slippageBps < 10_000,
    `slippageBps must be in [0, 10000), got ${s.slippageBps}`,
  );
  need(s.fill === "open" || s.fill === "close", `fill must be open or close, got ${s.fill}`);
  need(
    s.units === "fractional" || s.units === "whole",
    `units must be fractional or whole, got ${s.units}`,
  );
  need(
    s.closeAtEnd === "last_close" || s.closeAtEnd === "none",
    `closeAtEnd must be last_close or none, got ${s.closeAtEnd}`,
  );
  need(s.periodsPerYear > 0, `periodsPerYear must be positive, got ${s.periodsPerYear}`);
  need(s.riskFree > -1 && s.riskFree < 10, `riskFree must be an annual rate, got ${s.riskFree}`);
  need(o.series.length > 0, "no assets given");
  need(o.strategies.length > 0, "no strategy given");
  const names = new Set<string>();
  for (const ser of o.series) {
    need(!names.has(ser.asset), `asset ${ser.asset} is given twice`);
    names.add(ser.asset);
    need(ser.ts.length > 0, `no bars for ${ser.asset}`);
  }
  return s;
}

/** Runs a backtest. Pure and synchronous: same inputs, same result. */
export function runBacktest(options: BacktestOptions): BacktestResult {
  const cfg = resolveSettings(options);
  const { series, strategies, pipeline, onEvent } = options;
  for (const s of series) validateSeries(s);
  const A = series.length;
  const assets: readonly string[] = Object.freeze(series.map((s) => s.asset));
  const index = new Map(assets.map((a, i) => [a, i]));
  const timeline = buildTimeline(series);
  const T = timeline.length;
  const stepMs = cfg.interval === "1M" ? 0 : intervalMs(cfg.interval);
  const closeOf = (t: number) => (stepMs > 0 ? t + stepMs : nextBarTs(t, cfg.interval));

  const pf = new Portfolio(assets, cfg.capital);
  const broker = new Broker(assets, pf, {
    commission: cfg.commission,
    commissionFixed: cfg.commissionFixed,
    slippageBps: cfg.slippageBps,
    wholeUnits: cfg.units === "whole",
  }, onEvent);
  // The views go to strategies; only the engine holds the functions that move their horizon.
  const feeds = series.map(barFeed);
  const views = feeds.map((f) => f.view);
  const releases = feeds.map((f) => f.release);
  const macroViews = new Map<string, FeedMacroView>();
  const macroAdvance: ((now: number) => void)[] = [];
  for (const m of options.macro ?? []) {
    const f = macroFeed(m);
    macroViews.set(m.series, f.view);
    macroAdvance.push(f.advanceTo);
  }

  const cursor = new Int32Array(A); // next unreleased bar per asset
  const at = new Int32Array(A); // assets with a bar at the current timestamp
  let nAt = 0;
  const lastClose = new Float64Array(A).fill(NaN);
  const lastCloseTs = new Float64Array(A).fill(NaN);
  const eq = new Float64Array(T);
  let exposed = 0;
  let halted = false;

  const assetIndex = (asset: string): number => {
    const i = index.get(asset);
    if (i === undefined) {
      throw new RangeError(`Cannot read ${asset}: not one of this run's assets`);
    }
    return i;
  };
  // One reusable bar-prices object per asset (read by the broker only while it is idle-free).
  const prices: BarPrices[] = assets.map(() => ({ open: NaN, high: NaN, low: NaN, close: NaN }));
  const barOf = (i: number) => prices[i];
  const closeOfAsset = (i: number) => prices[i].close;

  // What strategies see: the feed's context over the views (lib/engine/feed.ts), as everywhere.
  const ctx = createFeedContext({
    assets,
    bars: views,
    macro: macroViews,
    position: (i) => pf.view(i),
  });
  ctx.equity = cfg.capital;
  const pctx = {
    now: NaN,
    assets,
    equity: cfg.capital,
    position: (asset: string): PositionView => pf.view(assetIndex(asset)),
    price: (asset: string): number => lastClose[assetIndex(asset)],
    fills: broker.fills,
    trades: broker.trades,
  } satisfies PipelineContext;

  for (let k = 0; k < T; k++) {
    const t = timeline[k];
    const closeTs = closeOf(t);
    nAt = 0;
    for (let i = 0; i < A; i++) {
      const s = series[i];
      const c = cursor[i];
      if (c < s.ts.length && s.ts[c] === t) {
        at[nAt++] = i;
        const p = prices[i];
        p.open = s.open[c];
        p.high = s.high[c];
        p.low = s.low[c];
        p.close = s.close[c];
        pf.mark[i] = p.open;
        if (onEvent) {
          onEvent({
            type: "bar",
            asset: s.asset,
            ts: t,
            open: p.open,
            high: p.high,
            low: p.low,
            close: p.close,
            volume: s.volume[c],
          });
        }
      }
    }

    // 1. fill pending orders against this bar
    if (!broker.idle) broker.fillBars(at, nAt, barOf, t, closeTs);

    // 2. mark to the close
    for (let j = 0; j < nAt; j++) {
      const i = at[j];
      const c = prices[i].close;
      pf.mark[i] = c;
      lastClose[i] = c;
      lastCloseTs[i] = closeTs;
      releases[i](++cursor[i]);
    }
    let equity = pf.equity();
    if (equity <= 0 && pf.openCount > 0 && !halted) {
      // The account is wiped out: close everything at this close and stop trading.
      broker.closeAll((i) => lastClose[i], (i) => lastCloseTs[i], "liquidation");
      halted = true;
      equity = pf.equity();
    }

    // 3. strategies decide at the bar's close
    if (!halted) {
      ctx.now = closeTs;
      ctx.equity = equity;
      for (let m = 0; m < macroAdvance.length; m++) macroAdvance[m](closeTs);
      let signals: readonly Signal[] = EMPTY;
      for (let s = 0; s < strategies.length; s++) {
        const out = strategies[s].onBar(ctx);
        if (out.length > 0) signals = signals.length === 0 ? out : [...signals, ...out];
      }
      if (pipeline) {
        pctx.now = closeTs;
        pctx.equity = equity;
        signals = pipeline(signals, pctx);
      }
      if (signals.length > 0) {
        for (const sig of signals) {
          const problem = signalProblem(sig);
          if (problem) {
            throw new RangeError(
              `Cannot use signal from ${sig.strategy} for ${sig.asset}: ${problem}`,
            );
          }
          onEvent?.({ type: "signal", signal: sig });
          broker.applyTarget(sig, closeTs);
        }
        if (cfg.fill === "close") {
          broker.fillMarketAtClose(at, nAt, closeOfAsset, closeTs);
          equity = pf.equity();
        }
      }
    }
    eq[k] = equity;
    if (pf.openCount > 0) exposed++;
  }

  if (cfg.closeAtEnd === "last_close" && pf.openCount > 0) {
    broker.closeAll((i) => lastClose[i], (i) => lastCloseTs[i], "end of run");
    eq[T - 1] = pf.equity();
  }

  const drawdown = new Float64Array(T);
  let peak = cfg.capital;
  for (let k = 0; k < T; k++) {
    if (eq[k] > peak) peak = eq[k];
    drawdown[k] = 1 - eq[k] / peak;
  }
  const buyHold: Record<string, number> = {};
  let bhSum = 0;
  for (const s of series) {
    const r = s.close[s.close.length - 1] / s.close[0] - 1;
    buyHold[s.asset] = r;
    bhSum += r;
  }
  const startTs = timeline[0];
  const endTs = closeOf(timeline[T - 1]);
  const metrics = computeMetrics({
    capital: cfg.capital,
    ts: timeline,
    equity: eq,
    startTs,
    endTs,
    trades: broker.trades,
    fees: pf.fees,
    exposedBars: exposed,
    buyHoldReturn: bhSum / A,
    periodsPerYear: cfg.periodsPerYear,
    riskFree: cfg.riskFree,
  });
  const manifest = buildManifest({
    engineVersion: ENGINE_VERSION,
    settings: cfg,
    strategies: strategies.map((s) => ({ name: s.name, params: s.params })),
    pipeline: pipeline === undefined ? false : options.pipelineParams ?? true,
    extra: options.manifestParams ?? {},
    series,
    macro: options.macro ?? [],
    dataChecksum: options.dataChecksum,
  });
  return {
    assets,
    interval: cfg.interval,
    capital: cfg.capital,
    startTs,
    endTs,
    metrics,
    trades: broker.trades,
    openPositions: pf.openPositions(),
    fills: broker.fills,
    rejections: broker.rejections,
    equity: { ts: timeline, equity: eq, drawdown },
    buyHold,
    manifest,
  };
}
