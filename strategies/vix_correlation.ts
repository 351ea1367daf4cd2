/**
 * VIX correlation strategy.
 *
 * For each asset: the Pearson correlation between the asset's log returns and VIX's log changes
 * over the last `lookback_days` intervals between consecutive VIX observations available at
 * `now`; each interval's crypto return uses the asset's closes on the same two dates.
 *
 * - LONG when the correlation is below `correlation_thresholds.strong_negative`,
 *   confidence `0.5 + 0.5 * (strong_negative - r) / (1 + strong_negative)`;
 * - SHORT when above `strong_positive`, confidence `0.5 + 0.5 * (r - strong_positive) /
 *   (1 - strong_positive)`; confidence is 0.5 at the threshold and 1 at |r| = 1;
 * - FLAT (exit, confidence 0.5) when the correlation one VIX observation earlier was past a
 *   threshold and the current one is not;
 * - otherwise no signal. Size is `position_size`, capped by `risk_management.max_position_size`.
 * @module
 */
import { z } from "zod";
import type { Signal } from "../lib/core/signal.ts";
import type { BarView, MacroView, StrategyContext } from "../lib/core/strategy.ts";
import { isoDate } from "../lib/core/time.ts";
import { pearson } from "../lib/indicators/correlation.ts";
import { logReturn } from "../lib/indicators/returns.ts";
import {
  type Evaluation,
  type ExplainingStrategy,
  fired,
  notFired,
} from "../lib/signals/evaluation.ts";
import { resolveParams } from "../lib/signals/params.ts";
import type { StrategyDefinition } from "../lib/signals/registry.ts";
import { barIndexOnDate, utcDayStart } from "../lib/signals/views.ts";
import defaults from "./vix_correlation.json" with { type: "json" };

/** Registry name. */
export const VIX_CORRELATION = "vix_correlation";

/** Optional per-strategy risk settings (seed shape). */
export const riskManagementSchema = z.strictObject({
  max_position_size: z.number().gt(0).lte(1),
  stop_loss_pct: z.number().gt(0).lt(1),
  take_profit_pct: z.number().gt(0),
});

/** Parameters of {@link createVixCorrelationStrategy}; defaults in `vix_correlation.json`. */
export const vixCorrelationParamsSchema = z.strictObject({
  name: z.string().optional(),
  assets: z.array(z.string().min(1)).min(1),
  correlation_thresholds: z.strictObject({
    strong_negative: z.number().gt(-1).lte(0),
    strong_positive: z.number().gte(0).lt(1),
  }),
  lookback_days: z.int().min(3).max(2000),
  position_size: z.number().gt(0).lte(1),
  vix_series: z.string().min(1).default("VIX"),
  risk_management: riskManagementSchema.optional(),
});

/** Validated parameters. */
export type VixCorrelationParams = z.infer<typeof vixCorrelationParamsSchema>;

/** The defaults shipped in `strategies/vix_correlation.json`. */
export const VIX_CORRELATION_DEFAULTS: unknown = defaults;

/** Result of the correlation over one window of VIX observations. */
interface Window {
  readonly r: number;
  readonly from: number;
  readonly to: number;
  /** Set when the asset has no close on one of the VIX dates. */
  readonly missing?: number;
}

/**
 * Correlation over the `intervals` VIX intervals that end at observation `end` (an index into
 * `vix`): pairs (ln(c_k / c_{k-1}), ln(v_k / v_{k-1})).
 */
function windowCorrelation(
  bars: BarView,
  vix: MacroView,
  end: number,
  intervals: number,
): Window {
  const start = end - intervals;
  const x = new Float64Array(intervals);
  const y = new Float64Array(intervals);
  let prevClose = NaN;
  for (let k = start; k <= end; k++) {
    const day = utcDayStart(vix.ts(k));
    const bi = barIndexOnDate(bars, day);
    if (bi < 0) return { r: NaN, from: vix.ts(start), to: vix.ts(end), missing: day };
    const c = bars.close(bi);
    if (k > start) {
      x[k - start - 1] = logReturn(prevClose, c);
      y[k - start - 1] = logReturn(vix.value(k - 1), vix.value(k));
    }
    prevClose = c;
  }
  return { r: pearson(x, y), from: vix.ts(start), to: vix.ts(end) };
}

/** Creates a VIX correlation strategy; `overrides` deep-merge onto the JSON defaults. */
export function createVixCorrelationStrategy(overrides: unknown = {}): ExplainingStrategy {
  const p = resolveParams(VIX_CORRELATION, vixCorrelationParamsSchema, defaults, overrides);
  const sn = p.correlation_thresholds.strong_negative;
  const sp = p.correlation_thresholds.strong_positive;
  const L = p.lookback_days;
  const size = Math.min(p.position_size, p.risk_management?.max_position_size ?? 1);

  function evaluateAsset(ctx: StrategyContext, asset: string, vix: MacroView | undefined) {
    const base = { ts: ctx.now, asset, strategy: VIX_CORRELATION };
    const bars = ctx.bars(asset);
    const common = {
      lookback_days: L,
      strong_negative: sn,
      strong_positive: sp,
      price: bars.length ? bars.close(-1) : null,
    };
    if (!vix || vix.length < L + 1) {
      return notFired(
        base,
        `insufficient ${p.vix_series} history: ${vix?.length ?? 0} of ${L + 1} observations`,
        { ...common, vix_observations: vix?.length ?? 0 },
      );
    }
    const end = vix.length - 1;
    const w = windowCorrelation(bars, vix, end, L);
    const inputs = {
      ...common,
      correlation: Number.isFinite(w.r) ? w.r : null,
      vix: vix.value(end),
      vix_date: isoDate(vix.ts(end)),
      window_start: isoDate(w.from),
      window_end: isoDate(w.to),
    };
    if (w.missing !== undefined) {
      return notFired(base, `no ${asset} close on ${isoDate(w.missing)} (a VIX date)`, {
        ...inputs,
        missing_date: isoDate(w.missing),
      });
    }
    if (!Number.isFinite(w.r)) {
      return notFired(base, "correlation undefined (constant series)", inputs);
    }
    const stops = p.risk_management
      ? { stopLoss: p.risk_management.stop_loss_pct, takeProfit: p.risk_management.take_profit_pct }
      : {};
    const r = w.r;
    if (r < sn) {
      const confidence = Math.min(1, 0.5 + 0.5 * (sn - r) / (1 + sn));
      return fired({
        ...base,
        direction: "long",
        confidence,
        size,
        ...stops,
        reason: `correlation ${r.toFixed(3)} < ${sn}: crypto moves against VIX`,
        inputs,
      });
    }
    if (r > sp) {
      const confidence = Math.min(1, 0.5 + 0.5 * (r - sp) / (1 - sp));
      return fired({
        ...base,
        direction: "short",
        confidence,
        size,
        ...stops,
        reason: `correlation ${r.toFixed(3)} > ${sp}: crypto moves with VIX`,
        inputs,
      });
    }
    if (end - 1 >= L) {
      const prev = windowCorrelation(bars, vix, end - 1, L);
      if (prev.missing === undefined && (prev.r < sn || prev.r > sp)) {
        return fired({
          ...base,
          direction: "flat",
          confidence: 0.5,
          size: 0,
          reason: `correlation ${r.toFixed(3)} back inside [${sn}, ${sp}] (was ${
            prev.r.toFixed(3)
          }): exit`,
          inputs: { ...inputs, previous_correlation: prev.r },
        });
      }
    }
    return notFired(base, `correlation ${r.toFixed(3)} inside [${sn}, ${sp}]`, inputs);
  }

  const strategy: ExplainingStrategy = {
    name: VIX_CORRELATION,
    params: p,
    // L + 2 VIX observations (weekdays only) span about (L + 2) * 7/5 calendar days, plus holidays.
    warmup: Math.ceil((L + 2) * 7 / 5) + 5,
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

/** Registry entry (`vix_correlation`, class-style `VixCorrelationStrategy`). */
export const vixCorrelationDefinition: StrategyDefinition<VixCorrelationParams> = {
  name: VIX_CORRELATION,
  className: "VixCorrelationStrategy",
  description:
    "LONG when crypto returns correlate strongly negatively with VIX changes, SHORT when strongly positively",
  schema: vixCorrelationParamsSchema,
  defaults: vixCorrelationParamsSchema.parse(defaults),
  create: (params) => createVixCorrelationStrategy(params),
};
