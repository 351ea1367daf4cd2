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
import type { BarView, Evaluation, MacroView, StrategyContext } from "../lib/core/strategy.ts";
import { isoDate } from "../lib/core/time.ts";
import { drawdownFromHigh } from "../lib/indicators/drawdown.ts";
import { defineStrategy } from "../lib/signals/define.ts";
import { explainingStrategy, fired, notFired } from "../lib/signals/evaluation.ts";
import { riskManagementSchema, stopsOf } from "../lib/signals/params.ts";
import { macroIndexAt } from "../lib/signals/views.ts";
import defaults from "./mean_reversion.json" with { type: "json" };

const NAME = "mean_reversion";

const schema = z.strictObject({
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

/** Validated parameters of `mean_reversion`. */
export type MeanReversionParams = z.output<typeof schema>;

type Base = { ts: number; asset: string; strategy: string };
type Inputs = Evaluation["inputs"];

/** What the rule sees at the close of one bar. */
interface Point {
  readonly entry: boolean;
  readonly vix: number;
  readonly vixTs: number;
  readonly dd: number;
}

/** The `count` closes of `bars` ending at index `j`. */
function lastCloses(bars: BarView, j: number, count: number): Float64Array {
  const out = new Float64Array(count);
  for (let k = 0; k < count; k++) out[k] = bars.close(j - count + 1 + k);
  return out;
}

/** VIX available at time `t` (the close of bar `j`) and whether the entry condition held there. */
function pointAt(p: MeanReversionParams, bars: BarView, vix: MacroView, j: number, t: number) {
  const L = p.lookback_days;
  const vi = macroIndexAt(vix, t);
  const v = vi >= 0 ? vix.value(vi) : NaN;
  const dd = j >= L - 1 ? drawdownFromHigh(lastCloses(bars, j, L), L - 1, L) : NaN;
  const entry = v > p.vix_spike_threshold && dd > p.drawdown_threshold;
  return { entry, vix: v, vixTs: vi >= 0 ? vix.ts(vi) : NaN, dd } satisfies Point;
}

/** Close time of bar `j`: the next bar's open, or `now` for the newest bar. */
function closeTime(bars: BarView, j: number, now: number, barMs: number): number {
  return j === bars.length - 1 ? now : Math.min(bars.ts(j) + barMs, bars.ts(j + 1));
}

/** Shortest spacing between the bars the rule reads (robust to gaps). */
function barSpacing(p: MeanReversionParams, bars: BarView): number {
  let best = Infinity;
  const from = Math.max(1, bars.length - p.lookback_days - p.exit.max_holding_days - 1);
  for (let j = from; j < bars.length; j++) best = Math.min(best, bars.ts(j) - bars.ts(j - 1));
  return best;
}

/** Bars since the most recent entry bar, looking back at most `max_holding_days`; 0 if none. */
function barsSinceEntry(p: MeanReversionParams, bars: BarView, vix: MacroView, now: number) {
  const n = bars.length;
  const barMs = n > 1 ? barSpacing(p, bars) : Infinity;
  for (let k = 1; k <= p.exit.max_holding_days && n - 1 - k >= p.lookback_days - 1; k++) {
    const j = n - 1 - k;
    if (pointAt(p, bars, vix, j, closeTime(bars, j, now, barMs)).entry) return k;
  }
  return 0;
}

/** The entry signal at `now` (see the module docs for size and confidence). */
function entry(p: MeanReversionParams, base: Base, now: Point, inputs: Inputs): Evaluation {
  const T = p.vix_spike_threshold, D = p.drawdown_threshold;
  const multiplier = Math.min(now.vix / T, p.max_size_multiplier);
  const confidence = 0.5 + 0.25 * Math.min(1, (now.vix - T) / T) +
    0.25 * Math.min(1, (now.dd - D) / D);
  return fired({
    ...base,
    direction: "long",
    confidence,
    size: Math.min(p.position_size * multiplier, p.risk_management?.max_position_size ?? 1),
    ...stopsOf(p.risk_management),
    reason: `VIX ${now.vix.toFixed(2)} > ${T} and drawdown ${(now.dd * 100).toFixed(1)}% > ${
      (D * 100).toFixed(1)
    }%: buy the panic`,
    inputs: { ...inputs, size_multiplier: multiplier },
  });
}

/** While a position may be held (`since` bars after the entry): exit, or hold. */
function exitOrHold(
  p: MeanReversionParams,
  base: Base,
  now: Point,
  since: number,
  inputs: Inputs,
): Evaluation {
  const exitInputs = { ...inputs, bars_since_entry: since };
  const exit = (why: string) =>
    fired({
      ...base,
      direction: "flat",
      confidence: 0.5,
      size: 0,
      reason: `exit: ${why}`,
      inputs: exitInputs,
    });
  const { drawdown_below, vix_below, max_holding_days } = p.exit;
  if (since >= max_holding_days) {
    return exit(`${since} bars since the last entry signal (time stop)`);
  }
  if (now.dd < drawdown_below) {
    return exit(
      `drawdown ${(now.dd * 100).toFixed(1)}% recovered below ${
        (drawdown_below * 100).toFixed(1)
      }%`,
    );
  }
  if (now.vix < vix_below) return exit(`VIX ${now.vix.toFixed(2)} normalised below ${vix_below}`);
  return notFired(base, `holding: ${since} bar(s) since entry, no exit condition yet`, exitInputs);
}

/** One asset's evaluation at `ctx.now`. */
function evaluateAsset(
  p: MeanReversionParams,
  ctx: StrategyContext,
  asset: string,
  vix: MacroView | undefined,
): Evaluation {
  const base = { ts: ctx.now, asset, strategy: NAME };
  const bars = ctx.bars(asset);
  const n = bars.length, L = p.lookback_days;
  const T = p.vix_spike_threshold, D = p.drawdown_threshold;
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
  const now = pointAt(p, bars, vix, n - 1, ctx.now);
  const inputs = {
    ...common,
    vix: now.vix,
    vix_date: isoDate(now.vixTs),
    drawdown: now.dd,
    rolling_high: bars.close(-1) / (1 - now.dd),
  };
  if (now.entry) return entry(p, base, now, inputs);
  const since = barsSinceEntry(p, bars, vix, ctx.now);
  if (since > 0) return exitOrHold(p, base, now, since, inputs);
  const why = [
    now.vix > T ? undefined : `VIX ${now.vix.toFixed(2)} <= ${T}`,
    now.dd > D ? undefined : `drawdown ${(now.dd * 100).toFixed(1)}% <= ${(D * 100).toFixed(1)}%`,
  ].filter(Boolean).join(" and ");
  return notFired(base, why, inputs);
}

/** `mean_reversion` (`MeanReversionStrategy`). */
export const meanReversion = defineStrategy({
  name: NAME,
  className: "MeanReversionStrategy",
  description:
    "LONG after a VIX spike with a deep drawdown; exits on recovery, calmer VIX or a time stop",
  schema,
  defaults,
  make: (p) =>
    explainingStrategy({
      name: NAME,
      params: p,
      warmup: p.lookback_days + p.exit.max_holding_days,
      macroSeries: [p.vix_series],
      evaluate(ctx) {
        const vix = ctx.macro(p.vix_series);
        return ctx.assets.map((asset) => evaluateAsset(p, ctx, asset, vix));
      },
    }),
});
