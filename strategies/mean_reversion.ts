/**
 * Mean reversion after VIX spikes.
 *
 * Entry (LONG) at a decision time when the latest VIX close available then is above
 * `vix_spike_threshold` and the asset's drawdown from its highest close among the last
 * `lookback_days` closes (the current one included), `1 - close / max(closes)`, is deeper than
 * `drawdown_threshold`.
 *
 * - Size: `position_size * min(vix / vix_spike_threshold, max_size_multiplier)` (VIX 25 at the
 *   default threshold gives 1x, VIX 50 gives 2x), capped by `risk_management.max_position_size`;
 *   the risk manager's MAX_POSITION_SIZE caps it again.
 * - Confidence: `0.5 + 0.25 * min(1, (vix - T) / T) + 0.25 * min(1, (dd - D) / D)` for threshold
 *   T and drawdown threshold D: 0.5 at the thresholds, 1 when VIX and drawdown reach twice them.
 * - Exit (FLAT, confidence 0.5), evaluated while the last entry bar lies 1..`exit.max_holding_days`
 *   bars back: when `max_holding_days` bars have passed since the last entry bar (time stop), or
 *   the drawdown has recovered below `exit.drawdown_below`, or VIX has closed below
 *   `exit.vix_below`. In between, no signal (hold).
 *
 * The rule is a function of the data up to `now` only (past entries are recomputed with the VIX
 * that was available at each past bar's close), so the `signals` task and the backtester agree.
 * @module
 */
import { z } from "zod";
import type { Signal } from "../lib/core/signal.ts";
import type { BarView, MacroView, StrategyContext } from "../lib/core/strategy.ts";
import { isoDate } from "../lib/core/time.ts";
import { drawdownFromHigh } from "../lib/indicators/drawdown.ts";
import {
  type Evaluation,
  type ExplainingStrategy,
  fired,
  notFired,
} from "../lib/signals/evaluation.ts";
import { resolveParams } from "../lib/signals/params.ts";
import type { StrategyDefinition } from "../lib/signals/registry.ts";
import { macroIndexAt } from "../lib/signals/views.ts";
import defaults from "./mean_reversion.json" with { type: "json" };
import { riskManagementSchema } from "./vix_correlation.ts";

/** Registry name. */
export const MEAN_REVERSION = "mean_reversion";

/** Parameters of {@link createMeanReversionStrategy}; defaults in `mean_reversion.json`. */
export const meanReversionParamsSchema = z.strictObject({
  name: z.string().optional(),
  assets: z.array(z.string().min(1)).min(1),
  vix_spike_threshold: z.number().gt(0),
  drawdown_threshold: z.number().gt(0).lt(1),
  lookback_days: z.int().min(2).max(2000),
  position_size: z.number().gt(0).lte(1),
  max_size_multiplier: z.number().gte(1).default(2),
  exit: z.strictObject({
    drawdown_below: z.number().gte(0).lt(1),
    vix_below: z.number().gte(0),
    max_holding_days: z.int().min(1).max(2000),
  }),
  vix_series: z.string().min(1).default("VIX"),
  risk_management: riskManagementSchema.optional(),
});

/** Validated parameters. */
export type MeanReversionParams = z.infer<typeof meanReversionParamsSchema>;

/** The defaults shipped in `strategies/mean_reversion.json`. */
export const MEAN_REVERSION_DEFAULTS: unknown = defaults;

/** Creates a mean reversion strategy; `overrides` deep-merge onto the JSON defaults. */
export function createMeanReversionStrategy(overrides: unknown = {}): ExplainingStrategy {
  const p = resolveParams(MEAN_REVERSION, meanReversionParamsSchema, defaults, overrides);
  const T = p.vix_spike_threshold, D = p.drawdown_threshold, L = p.lookback_days;
  const H = p.exit.max_holding_days;
  const cap = p.risk_management?.max_position_size ?? 1;
  const stops = p.risk_management
    ? { stopLoss: p.risk_management.stop_loss_pct, takeProfit: p.risk_management.take_profit_pct }
    : {};

  /** Close-time of bar `j`: the next bar's open, or `now` for the newest bar. */
  function closeTime(bars: BarView, j: number, now: number, barMs: number): number {
    return j === bars.length - 1 ? now : Math.min(bars.ts(j) + barMs, bars.ts(j + 1));
  }

  /** Shortest spacing between the bars the rule reads (robust to gaps). */
  function barSpacing(bars: BarView): number {
    let best = Infinity;
    const from = Math.max(1, bars.length - L - H - 1);
    for (let j = from; j < bars.length; j++) best = Math.min(best, bars.ts(j) - bars.ts(j - 1));
    return best;
  }

  /** VIX available at the close of bar `j` and whether the entry condition held there. */
  function entryAt(
    bars: BarView,
    vix: MacroView,
    j: number,
    t: number,
  ): { entry: boolean; vix: number; vixTs: number; dd: number } {
    const vi = macroIndexAt(vix, t);
    const v = vi >= 0 ? vix.value(vi) : NaN;
    const dd = j >= L - 1 ? drawdownFromHigh(lastCloses(bars, j, L), L - 1, L) : NaN;
    return { entry: v > T && dd > D, vix: v, vixTs: vi >= 0 ? vix.ts(vi) : NaN, dd };
  }

  function evaluateAsset(ctx: StrategyContext, asset: string, vix: MacroView | undefined) {
    const base = { ts: ctx.now, asset, strategy: MEAN_REVERSION };
    const bars = ctx.bars(asset);
    const n = bars.length;
    const common = {
      vix_spike_threshold: T,
      drawdown_threshold: D,
      lookback_days: L,
      price: n ? bars.close(-1) : null,
    };
    if (!vix || vix.length === 0) {
      return notFired(base, `no ${p.vix_series} observation available`, common);
    }
    if (n < L) {
      return notFired(base, `insufficient ${asset} history: ${n} of ${L} closes`, {
        ...common,
        closes: n,
      });
    }
    const barMs = n > 1 ? barSpacing(bars) : Infinity;
    const now = entryAt(bars, vix, n - 1, ctx.now);
    const inputs = {
      ...common,
      vix: now.vix,
      vix_date: isoDate(now.vixTs),
      drawdown: now.dd,
      rolling_high: bars.close(-1) / (1 - now.dd),
    };
    if (now.entry) {
      const multiplier = Math.min(now.vix / T, p.max_size_multiplier);
      const confidence = 0.5 + 0.25 * Math.min(1, (now.vix - T) / T) +
        0.25 * Math.min(1, (now.dd - D) / D);
      return fired({
        ...base,
        direction: "long",
        confidence,
        size: Math.min(p.position_size * multiplier, cap),
        ...stops,
        reason: `VIX ${now.vix.toFixed(2)} > ${T} and drawdown ${(now.dd * 100).toFixed(1)}% > ${
          (D * 100).toFixed(1)
        }%: buy the panic`,
        inputs: { ...inputs, size_multiplier: multiplier },
      });
    }
    // Bars since the most recent entry, looking back at most H bars.
    let since = 0;
    for (let k = 1; k <= H && n - 1 - k >= L - 1; k++) {
      const j = n - 1 - k;
      if (entryAt(bars, vix, j, closeTime(bars, j, ctx.now, barMs)).entry) {
        since = k;
        break;
      }
    }
    const exitInputs = { ...inputs, bars_since_entry: since || null };
    const exit = (why: string) =>
      fired({
        ...base,
        direction: "flat",
        confidence: 0.5,
        size: 0,
        reason: `exit: ${why}`,
        inputs: exitInputs,
      });
    if (since > 0) {
      if (since >= H) return exit(`${since} bars since the last entry signal (time stop)`);
      if (now.dd < p.exit.drawdown_below) {
        return exit(
          `drawdown ${(now.dd * 100).toFixed(1)}% recovered below ${
            (p.exit.drawdown_below * 100).toFixed(1)
          }%`,
        );
      }
      if (now.vix < p.exit.vix_below) {
        return exit(`VIX ${now.vix.toFixed(2)} normalised below ${p.exit.vix_below}`);
      }
      return notFired(
        base,
        `holding: ${since} bar(s) since entry, no exit condition yet`,
        exitInputs,
      );
    }
    const why = [
      now.vix > T ? undefined : `VIX ${now.vix.toFixed(2)} <= ${T}`,
      now.dd > D ? undefined : `drawdown ${(now.dd * 100).toFixed(1)}% <= ${(D * 100).toFixed(1)}%`,
    ].filter(Boolean).join(" and ");
    return notFired(base, why, inputs);
  }

  const strategy: ExplainingStrategy = {
    name: MEAN_REVERSION,
    params: p,
    warmup: L + H,
    macroSeries: [p.vix_series],
    evaluate(ctx: StrategyContext): Evaluation[] {
      const vix = ctx.macro(p.vix_series);
      return ctx.assets.map((asset) => evaluateAsset(ctx, asset, vix));
    },
    onBar(ctx: StrategyContext): Signal[] {
      return strategy.evaluate(ctx).flatMap((e) => (e.signal ? [e.signal] : []));
    },
  };
  return strategy;
}

/** The `count` closes of `bars` ending at index `j`. */
function lastCloses(bars: BarView, j: number, count: number): Float64Array {
  const out = new Float64Array(count);
  for (let k = 0; k < count; k++) out[k] = bars.close(j - count + 1 + k);
  return out;
}

/** Registry entry (`mean_reversion`, class-style `MeanReversionStrategy`). */
export const meanReversionDefinition: StrategyDefinition<MeanReversionParams> = {
  name: MEAN_REVERSION,
  className: "MeanReversionStrategy",
  description:
    "LONG after a VIX spike with a deep drawdown; exits on recovery, calmer VIX or a time stop",
  schema: meanReversionParamsSchema,
  defaults: meanReversionParamsSchema.parse(defaults),
  create: (params) => createMeanReversionStrategy(params),
};
