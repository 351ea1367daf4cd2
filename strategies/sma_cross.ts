/**
 * SMA crossover. With SMA_n(t) the plain mean of the last n closes up to bar t:
 * - cross up at t: fast(t−1) < slow(t−1) and fast(t) > slow(t) (both strict) → close any short
 *   and go long with all equity;
 * - cross down at t: fast(t−1) > slow(t−1) and fast(t) < slow(t) → close any long and, with
 *   `allow_short`, go short with all equity, else go flat.
 * Nothing is signalled on other bars; the first possible cross is at the `slow + 1`-th bar. "All
 * equity" is per asset sleeve: with N assets each target is 1 / N of equity.
 *
 * The means are incremental ({@link MeanPair}: both means in one window, compared as
 * `compareMeans` does), falling back to exactly summed means near a tie, so the decisions are
 * those of the definition.
 * @module
 */
import { z } from "zod";
import type { Signal } from "../lib/core/signal.ts";
import type { BarView, Strategy, StrategyContext } from "../lib/core/strategy.ts";
import { MeanPair } from "../lib/indicators/rolling_mean.ts";
import { defineStrategy } from "../lib/signals/define.ts";
import defaults from "./sma_cross.json" with { type: "json" };

const schema = z.strictObject({
  /** Bars in the fast mean. */
  fast: z.int().min(1),
  /** Bars in the slow mean (more than `fast`). */
  slow: z.int().min(2),
  /** Go short on a cross down instead of flat. */
  allow_short: z.boolean(),
}).refine((p) => p.fast < p.slow, { message: "fast must be smaller than slow", path: ["fast"] });

/** The answer on bars without a cross: one shared empty list, not a new one per bar. */
const NONE: readonly Signal[] = Object.freeze([]);

/** One asset's means and the sign of fast − slow at the newest bar fed (NaN before both fill). */
interface Track {
  readonly means: MeanPair;
  sign: number;
}

/** The reasons, built once (not a new string per signal). */
const REASON_UP = "fast SMA crossed above slow SMA";
const REASON_DOWN = "fast SMA crossed below slow SMA";

/** Feeds the bars not seen yet; +1 for a cross up at the newest bar, −1 for a cross down, else 0. */
function advance(t: Track, bars: BarView): number {
  const means = t.means, n = bars.length;
  let prev = NaN, sign = t.sign;
  for (let j = means.count; j < n; j++) {
    means.push(bars.close(j));
    prev = sign;
    sign = means.ready ? means.sign() : NaN;
  }
  t.sign = sign;
  return prev < 0 && sign > 0 ? 1 : prev > 0 && sign < 0 ? -1 : 0;
}

/** The parameters of `sma_cross`. */
type SmaCrossParams = z.output<typeof schema>;

/**
 * One run of `sma_cross`. A class, so that every run's `onBar` is the same function: an engine
 * that calls thousands of fresh instances (an optimiser's trials) keeps one optimised call site.
 */
class SmaCrossRun implements Strategy {
  readonly name = "sma_cross";
  readonly params: SmaCrossParams;
  readonly warmup: number;
  readonly macroSeries: readonly string[] = [];
  #assets: readonly string[] = [];
  #tracks: Track[] = [];
  // The views of the context last seen, looked up once per context rather than once per bar.
  #seen: StrategyContext | undefined;
  #views: BarView[] = [];

  constructor(params: SmaCrossParams) {
    this.params = params;
    this.warmup = params.slow + 1;
  }

  onBar(ctx: StrategyContext): readonly Signal[] {
    if (this.#seen !== ctx) this.#prepare(ctx);
    const tracks = this.#tracks, views = this.#views;
    let out: Signal[] | undefined;
    for (let a = 0; a < tracks.length; a++) {
      const cross = advance(tracks[a], views[a]);
      if (cross !== 0) (out ??= []).push(this.#signal(ctx, a, cross));
    }
    return out ?? NONE;
  }

  /**
   * A new context (the first bar, or another run's): fresh tracks when its assets differ, and its
   * views looked up once. Kept out of `onBar`, so the per-bar code stays small enough to inline.
   */
  #prepare(ctx: StrategyContext): void {
    if (this.#assets !== ctx.assets) {
      this.#assets = ctx.assets;
      this.#tracks = ctx.assets.map(() => ({
        means: new MeanPair(this.params.fast, this.params.slow),
        sign: NaN,
      }));
    }
    this.#seen = ctx;
    this.#views = ctx.assets.map((a) => ctx.bars(a));
  }

  #signal(ctx: StrategyContext, a: number, cross: number): Signal {
    const assets = this.#assets, t = this.#tracks[a];
    const direction = cross > 0 ? "long" : this.params.allow_short ? "short" : "flat";
    return {
      ts: ctx.now,
      asset: assets[a],
      direction,
      confidence: 1,
      size: direction === "flat" ? 0 : 1 / assets.length,
      strategy: "sma_cross",
      reason: cross > 0 ? REASON_UP : REASON_DOWN,
      inputs: { sma_fast: t.means.fastExactMean(), sma_slow: t.means.slowExactMean() },
    };
  }
}

/** `sma_cross` (`SmaCrossStrategy`). */
export const smaCross = defineStrategy({
  name: "sma_cross",
  className: "SmaCrossStrategy",
  description: "Long when the fast SMA crosses above the slow SMA; flat or short on a cross down",
  schema,
  defaults,
  make: (params) => new SmaCrossRun(params),
});
