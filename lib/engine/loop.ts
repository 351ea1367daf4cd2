/**
 * The per-timestamp loop of one run (see `engine.ts` for the rules it follows): load each asset's
 * bar at t, fill pending orders, mark to the close, liquidate a wiped-out account, let the
 * strategies and the pipeline decide, record the equity point; after the last timestamp, close
 * what `closeAtEnd` says.
 *
 * The loop allocates nothing per bar on its fast path: per-asset state lives in typed arrays, one
 * reusable bar-prices object per asset, and the strategy and pipeline contexts are built once.
 * @module
 */
import type { EngineEvent } from "../core/events.ts";
import { type Signal, signalProblem } from "../core/signal.ts";
import type { PositionView, Strategy } from "../core/strategy.ts";
import { intervalMs, nextBarTs } from "../core/time.ts";
import { type BarPrices, Broker } from "./broker.ts";
import {
  type AssetSeries,
  type BarFeed,
  barFeed,
  buildTimeline,
  createFeedContext,
  type FeedContext,
  type FeedMacroView,
  macroFeed,
  type MacroInput,
} from "./feed.ts";
import type { EngineSettings } from "./options.ts";
import type { PipelineContext, SignalPipeline } from "./pipeline.ts";
import { Portfolio } from "./portfolio.ts";

/** What one run's loop needs; the series are already validated. */
export interface LoopInput {
  readonly series: readonly AssetSeries[];
  readonly strategies: readonly Strategy[];
  readonly pipeline?: SignalPipeline;
  readonly macro: readonly MacroInput[];
  readonly onEvent?: (event: EngineEvent) => void;
  readonly cfg: EngineSettings;
}

const EMPTY: readonly Signal[] = Object.freeze([]);

/** One run's state and its loop; {@link EventLoop.run} executes it once. */
export class EventLoop {
  /** The run's assets in their fixed order. */
  readonly assets: readonly string[];
  /** The sorted union of every asset's bar times (bar open times). */
  readonly timeline: Float64Array;
  /** Equity at each timestamp's close. */
  readonly equity: Float64Array;
  readonly portfolio: Portfolio;
  readonly broker: Broker;
  /** Timestamps at whose close some position was open. */
  exposedBars = 0;
  readonly #in: LoopInput;
  readonly #index: ReadonlyMap<string, number>;
  readonly #stepMs: number;
  readonly #feeds: BarFeed[];
  readonly #macroAdvance: ((now: number) => void)[] = [];
  /** Next unreleased bar per asset. */
  readonly #cursor: Int32Array;
  /** The assets with a bar at the current timestamp, and how many. */
  readonly #at: Int32Array;
  #nAt = 0;
  /** One reusable bar-prices object per asset (read by the broker during the fill phase). */
  readonly #prices: BarPrices[];
  #halted = false;
  readonly #ctx: FeedContext;
  readonly #pctx: PipelineContext & { now: number; equity: number };
  readonly #barOf = (i: number): BarPrices => this.#prices[i];
  /** Asset i's latest released close (NaN before its first bar). */
  readonly #lastClose = (i: number): number => {
    const c = this.#cursor[i];
    return c > 0 ? this.#in.series[i].close[c - 1] : NaN;
  };
  /** Close time of asset i's latest released bar (NaN before its first bar). */
  readonly #lastCloseTs = (i: number): number => {
    const c = this.#cursor[i];
    return c > 0 ? this.closeOf(this.#in.series[i].ts[c - 1]) : NaN;
  };

  constructor(input: LoopInput) {
    const { series, cfg } = input;
    this.#in = input;
    const A = series.length;
    this.assets = Object.freeze(series.map((s) => s.asset));
    this.#index = new Map(this.assets.map((a, i) => [a, i]));
    this.timeline = buildTimeline(series);
    this.equity = new Float64Array(this.timeline.length);
    this.#stepMs = cfg.interval === "1M" ? 0 : intervalMs(cfg.interval);
    this.portfolio = new Portfolio(this.assets, cfg.capital);
    this.broker = new Broker(this.assets, this.portfolio, {
      commission: cfg.commission,
      commissionFixed: cfg.commissionFixed,
      slippageBps: cfg.slippageBps,
      wholeUnits: cfg.units === "whole",
    }, input.onEvent);
    // The views go to strategies; only the loop holds the functions that move their horizon.
    const feeds = series.map(barFeed);
    this.#feeds = feeds;
    const macroViews = new Map<string, FeedMacroView>();
    for (const m of input.macro) {
      const f = macroFeed(m);
      macroViews.set(m.series, f.view);
      this.#macroAdvance.push(f.advanceTo);
    }
    this.#cursor = new Int32Array(A);
    this.#at = new Int32Array(A);
    this.#prices = this.assets.map(() => ({ open: NaN, high: NaN, low: NaN, close: NaN }));
    // What strategies see: the feed's context over the views (feed.ts), as in every runner.
    this.#ctx = createFeedContext({
      assets: this.assets,
      bars: feeds.map((f) => f.view),
      macro: macroViews,
      position: (i) => this.portfolio.view(i),
    });
    this.#ctx.equity = cfg.capital;
    this.#pctx = this.#pipelineContext();
  }

  /** Close time of the bar opening at `t`. */
  closeOf(t: number): number {
    return this.#stepMs > 0 ? t + this.#stepMs : nextBarTs(t, this.#in.cfg.interval);
  }

  /** Runs every timestamp, then the end-of-run close. */
  run(): void {
    this.#steps();
    this.#finish();
  }

  /**
   * Every timestamp. A method of its own, with nothing after the loop: the loop is optimised while
   * it runs (on stack replacement), before the end-of-run code ever ran, and any code after it
   * reached without type feedback would throw the optimised loop away at the end of every run.
   */
  #steps(): void {
    const n = this.timeline.length;
    for (let k = 0; k < n; k++) this.#step(k);
  }

  /** The end-of-run close. */
  #finish(): void {
    if (this.#in.cfg.closeAtEnd === "last_close" && this.portfolio.openCount > 0) {
      this.#closeAll("end of run");
      this.equity[this.timeline.length - 1] = this.portfolio.equity();
    }
  }

  #assetIndex(asset: string): number {
    const i = this.#index.get(asset);
    if (i === undefined) throw new RangeError(`Cannot read ${asset}: not one of this run's assets`);
    return i;
  }

  #pipelineContext(): PipelineContext & { now: number; equity: number } {
    const broker = this.broker;
    return {
      now: NaN,
      assets: this.assets,
      equity: this.#in.cfg.capital,
      position: (asset: string): PositionView => this.portfolio.view(this.#assetIndex(asset)),
      price: (asset: string): number => this.#lastClose(this.#assetIndex(asset)),
      get fills() {
        return broker.fills;
      },
      get trades() {
        return broker.trades;
      },
    };
  }

  /**
   * Timestamp k: fill, mark, liquidate if wiped out, decide, record equity. The common case — no
   * event listener, nothing to fill, no signal — runs in this one function: a call that passes or
   * returns a double boxes it when it is not inlined, so the per-bar path avoids such calls and
   * leaves the rare work (fills, events, liquidation, signals) to the methods it calls then.
   */
  #step(k: number): void {
    const t = this.timeline[k];
    const closeTs = this.#stepMs > 0 ? t + this.#stepMs : nextBarTs(t, this.#in.cfg.interval);
    const { series, onEvent } = this.#in;
    const pf = this.portfolio, mark = pf.mark, at = this.#at, cursor = this.#cursor;
    // the assets with a bar at t; their prices are loaded, and marked at the open, only when an
    // order can fill or a listener wants the bar (else the close below is all the bar needs)
    const load = onEvent !== undefined || !this.broker.idle;
    let nAt = 0;
    for (let i = 0; i < series.length; i++) {
      const s = series[i];
      const c = cursor[i];
      if (c >= s.ts.length || s.ts[c] !== t) continue;
      at[nAt++] = i;
      if (load) this.#load(i, c);
    }
    this.#nAt = nAt;
    // 1. fill pending orders against this bar
    if (!this.broker.idle) this.broker.fillBars(at, nAt, this.#barOf, t, closeTs);
    // 2. mark to the close and release the bar to the strategies
    for (let j = 0; j < nAt; j++) {
      const i = at[j];
      const c = cursor[i];
      mark[i] = series[i].close[c];
      this.#feeds[i].release(c + 1);
      cursor[i] = c + 1;
    }
    // pf.equity(), inlined: a call returning a double would box it on every bar
    let equity = pf.cash;
    const qty = pf.qty;
    for (let i = 0; i < qty.length; i++) if (qty[i] !== 0) equity += qty[i] * mark[i];
    if (equity <= 0 && pf.openCount > 0 && !this.#halted) {
      // The account is wiped out: close everything at this close and stop trading.
      this.#closeAll("liquidation");
      this.#halted = true;
      equity = pf.equity();
    }
    // 3. strategies decide at the bar's close
    if (!this.#halted) {
      const ctx = this.#ctx;
      ctx.now = closeTs;
      ctx.equity = equity;
      for (let m = 0; m < this.#macroAdvance.length; m++) this.#macroAdvance[m](closeTs);
      const strategies = this.#in.strategies;
      let signals: readonly Signal[] = EMPTY;
      for (let s = 0; s < strategies.length; s++) {
        const out = strategies[s].onBar(ctx);
        if (out.length > 0) signals = signals.length === 0 ? out : [...signals, ...out];
      }
      if (this.#in.pipeline || signals.length > 0) {
        this.#act(signals, k);
        equity = this.equity[k];
      }
    }
    this.equity[k] = equity;
    if (pf.openCount > 0) this.exposedBars++;
  }

  /** Loads asset `i`'s bar `c` into its prices object, marks it at the open, emits its event. */
  #load(i: number, c: number): void {
    const s = this.#in.series[i], p = this.#prices[i];
    p.open = s.open[c];
    p.high = s.high[c];
    p.low = s.low[c];
    p.close = s.close[c];
    this.portfolio.mark[i] = p.open;
    if (this.#in.onEvent) this.#emitBar(i, c);
  }

  /** The bar event of asset `i`'s bar `c` (only with a listener). */
  #emitBar(i: number, c: number): void {
    const s = this.#in.series[i], p = this.#prices[i];
    this.#in.onEvent!({
      type: "bar",
      asset: s.asset,
      ts: s.ts[c],
      open: p.open,
      high: p.high,
      low: p.low,
      close: p.close,
      volume: s.volume[c],
    });
  }

  /**
   * The pipeline, then orders from the final signals; with `fill: "close"` the market orders
   * fill at this close and `equity[k]` is re-marked (else it is the equity the strategies saw).
   */
  #act(strategySignals: readonly Signal[], k: number): void {
    const { pipeline, onEvent, cfg } = this.#in;
    const closeTs = this.#ctx.now, equity = this.#ctx.equity;
    this.equity[k] = equity;
    let signals = strategySignals;
    if (pipeline) {
      this.#pctx.now = closeTs;
      this.#pctx.equity = equity;
      signals = pipeline(signals, this.#pctx);
    }
    if (signals.length === 0) return;
    for (const sig of signals) {
      const problem = signalProblem(sig);
      if (problem) {
        throw new RangeError(`Cannot use signal from ${sig.strategy} for ${sig.asset}: ${problem}`);
      }
      onEvent?.({ type: "signal", signal: sig });
      this.broker.applyTarget(sig, closeTs);
    }
    if (cfg.fill !== "close") return;
    this.broker.fillMarketAtClose(this.#at, this.#nAt, this.#lastClose, closeTs);
    this.equity[k] = this.portfolio.equity();
  }

  #closeAll(reason: string): void {
    this.broker.closeAll(this.#lastClose, this.#lastCloseTs, reason);
  }
}
