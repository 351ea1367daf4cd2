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
 *
 * A correlation exactly on a threshold does not fire: "below" and "above" mean beyond the
 * threshold by more than {@link THRESHOLD_TOLERANCE}, because a series whose correlation is
 * exactly −0.6 computes to −0.6000000000000001 or −0.6 depending on the order of its terms.
 * @module
 */
import { z } from "zod";
import type { BarView, Evaluation, MacroView, StrategyContext } from "../lib/core/strategy.ts";
import { isoDate } from "../lib/core/time.ts";
import { pearson } from "../lib/indicators/correlation.ts";
import { logReturn } from "../lib/indicators/returns.ts";
import { defineStrategy } from "../lib/signals/define.ts";
import { explainingStrategy, fired, notFired } from "../lib/signals/evaluation.ts";
import { riskManagementSchema, stopsOf } from "../lib/signals/params.ts";
import { barIndexOnDate, utcDayStart } from "../lib/signals/views.ts";
import defaults from "./vix_correlation.json" with { type: "json" };

const NAME = "vix_correlation";

/**
 * How far past a threshold a correlation must be to count as past it. Far above the rounding
 * error of a correlation over a few thousand terms (~1e-14), far below any meaningful difference.
 */
export const THRESHOLD_TOLERANCE = 1e-12;

/** `r` is below `threshold` by more than the rounding tolerance. */
const below = (r: number, threshold: number) => r < threshold - THRESHOLD_TOLERANCE;
/** `r` is above `threshold` by more than the rounding tolerance. */
const above = (r: number, threshold: number) => r > threshold + THRESHOLD_TOLERANCE;

const schema = z.strictObject({
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

/** Validated parameters of `vix_correlation`. */
export type VixCorrelationParams = z.output<typeof schema>;

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
function windowCorrelation(bars: BarView, vix: MacroView, end: number, intervals: number): Window {
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

type Base = { ts: number; asset: string; strategy: string };
type Inputs = Evaluation["inputs"];

/** The decision for a defined correlation `r` (see the module docs). */
function decide(
  p: VixCorrelationParams,
  ctx: { base: Base; bars: BarView; vix: MacroView; inputs: Inputs },
  r: number,
): Evaluation {
  const { base, bars, vix, inputs } = ctx;
  const { strong_negative: sn, strong_positive: sp } = p.correlation_thresholds;
  const size = Math.min(p.position_size, p.risk_management?.max_position_size ?? 1);
  const stops = stopsOf(p.risk_management);
  if (below(r, sn)) {
    return fired({
      ...base,
      direction: "long",
      confidence: Math.min(1, 0.5 + 0.5 * (sn - r) / (1 + sn)),
      size,
      ...stops,
      reason: `correlation ${r.toFixed(3)} < ${sn}: crypto moves against VIX`,
      inputs,
    });
  }
  if (above(r, sp)) {
    return fired({
      ...base,
      direction: "short",
      confidence: Math.min(1, 0.5 + 0.5 * (r - sp) / (1 - sp)),
      size,
      ...stops,
      reason: `correlation ${r.toFixed(3)} > ${sp}: crypto moves with VIX`,
      inputs,
    });
  }
  const end = vix.length - 1;
  if (end - 1 >= p.lookback_days) {
    const prev = windowCorrelation(bars, vix, end - 1, p.lookback_days);
    if (prev.missing === undefined && (below(prev.r, sn) || above(prev.r, sp))) {
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

/** One asset's evaluation at `ctx.now`. */
function evaluateAsset(
  p: VixCorrelationParams,
  ctx: StrategyContext,
  asset: string,
  vix: MacroView | undefined,
): Evaluation {
  const base = { ts: ctx.now, asset, strategy: NAME };
  const bars = ctx.bars(asset);
  const L = p.lookback_days;
  const common = {
    lookback_days: L,
    strong_negative: p.correlation_thresholds.strong_negative,
    strong_positive: p.correlation_thresholds.strong_positive,
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
  return decide(p, { base, bars, vix, inputs }, w.r);
}

/** `vix_correlation` (`VixCorrelationStrategy`). */
export const vixCorrelation = defineStrategy({
  name: NAME,
  className: "VixCorrelationStrategy",
  description:
    "LONG when crypto returns correlate strongly negatively with VIX changes, SHORT when strongly positively",
  schema,
  defaults,
  make: (p) =>
    explainingStrategy({
      name: NAME,
      params: p,
      // L + 2 VIX observations (weekdays only) span about (L + 2) * 7/5 days, plus holidays.
      warmup: Math.ceil((p.lookback_days + 2) * 7 / 5) + 5,
      macroSeries: [p.vix_series],
      evaluate(ctx) {
        const vix = ctx.macro(p.vix_series);
        return ctx.assets.map((asset) => evaluateAsset(p, ctx, asset, vix));
      },
    }),
});
