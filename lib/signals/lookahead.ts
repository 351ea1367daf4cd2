/**
 * The lookahead check (`backtest --check-lookahead`): re-run on data truncated at sampled points
 * and report every signal that differs from the full run. A strategy that never reads the
 * future produces, at every time t <= p, exactly the same signals whether or not data after p
 * exists; any difference means it (or the code feeding it) used data from after p.
 *
 * The check is generic over how a run is done: `run(market)` may replay strategies with
 * {@link replaySignals}, or run the backtest engine and collect its signals. Strategies must be
 * created inside `run` from what it is given, so that anything they precompute from the data
 * (the classic leak: indicators over the whole series) is recomputed on the truncated data.
 * Truncation is {@link Market.truncate}: the same feed the runs read.
 * @module
 */
import type { Signal } from "../core/signal.ts";
import type { Strategy } from "../core/strategy.ts";
import { type BacktestOptions, runBacktest, type SignalPipeline } from "../engine/engine.ts";
import type { Market } from "../engine/market.ts";

/** One signal that differs between the full run and a truncated run. */
export interface LookaheadDifference {
  /** Truncation point (UTC ms): data after it was removed. */
  readonly point: number;
  readonly ts: number;
  readonly asset: string;
  readonly strategy: string;
  /** `missing`: only the full run has it; `extra`: only the truncated run; `changed`: both. */
  readonly kind: "missing" | "extra" | "changed";
  /** Fields that differ (for `changed`). */
  readonly fields: readonly string[];
  readonly full?: Signal;
  readonly truncated?: Signal;
}

/** Outcome of {@link checkLookahead}. */
export interface LookaheadReport {
  readonly ok: boolean;
  readonly points: readonly number[];
  /** Signals of the full run compared (summed over points). */
  readonly compared: number;
  readonly differences: readonly LookaheadDifference[];
}

/**
 * `count` truncation points spread evenly over `times[from..]`, excluding the last time
 * (truncating there removes nothing). Deterministic.
 */
export function samplePoints(times: readonly number[], count: number, from = 0): number[] {
  if (!(Number.isInteger(count) && count >= 1)) {
    throw new RangeError(`Cannot sample ${count} points: expected a positive integer`);
  }
  const lo = Math.max(0, from), hi = times.length - 2;
  if (hi < lo) return [];
  const span = hi - lo + 1;
  const m = Math.min(count, span);
  const out: number[] = [];
  // The middle of each of m equal slices of [lo, hi].
  for (let k = 0; k < m; k++) out.push(times[lo + Math.floor((k + 0.5) * span / m)]);
  return out;
}

/**
 * Runs `strategies` over every decision time of `market` (each bar close time, from `from`
 * on), in time order, and returns their signals.
 */
export function replaySignals(
  market: Market,
  strategies: readonly Strategy[],
  options: { from?: number; to?: number } = {},
): Signal[] {
  const out: Signal[] = [];
  for (const t of market.decisionTimes()) {
    if (t < (options.from ?? -Infinity) || t > (options.to ?? Infinity)) continue;
    const ctx = market.contextAt(t);
    for (const s of strategies) out.push(...s.onBar(ctx));
  }
  return out;
}

function same(a: unknown, b: unknown): boolean {
  if (typeof a === "number" && typeof b === "number") {
    if (Number.isNaN(a) && Number.isNaN(b)) return true;
    return a === b || Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(a), Math.abs(b));
  }
  return a === b;
}

const FIELDS = [
  "direction",
  "size",
  "confidence",
  "stopLoss",
  "takeProfit",
  "orderType",
  "orderPrice",
] as const;

/** Fields (and `inputs.<key>`) on which two signals differ. */
export function signalDifferences(a: Signal, b: Signal): string[] {
  const diff: string[] = FIELDS.filter((f) => !same(a[f], b[f]));
  const ai = a.inputs ?? {}, bi = b.inputs ?? {};
  for (const k of new Set([...Object.keys(ai), ...Object.keys(bi)])) {
    if (!same(ai[k], bi[k])) diff.push(`inputs.${k}`);
  }
  return diff;
}

const keyOf = (s: Signal) => `${s.ts}\u0000${s.asset}\u0000${s.strategy}`;

/** Differences between the full run's signals up to `point` and a truncated run's. */
export function compareAt(
  point: number,
  full: readonly Signal[],
  truncated: readonly Signal[],
): { compared: number; differences: LookaheadDifference[] } {
  const group = (list: readonly Signal[]) => {
    const m = new Map<string, Signal[]>();
    for (const s of list) {
      if (s.ts > point) continue;
      const k = keyOf(s);
      const g = m.get(k);
      if (g) g.push(s);
      else m.set(k, [s]);
    }
    return m;
  };
  const f = group(full), t = group(truncated);
  const differences: LookaheadDifference[] = [];
  let compared = 0;
  const base = (s: Signal) => ({ point, ts: s.ts, asset: s.asset, strategy: s.strategy });
  for (const [k, fs] of f) {
    const ts = t.get(k) ?? [];
    compared += fs.length;
    for (let i = 0; i < Math.max(fs.length, ts.length); i++) {
      const a = fs[i], b = ts[i];
      if (a && !b) differences.push({ ...base(a), kind: "missing", fields: [], full: a });
      else if (!a && b) differences.push({ ...base(b), kind: "extra", fields: [], truncated: b });
      else {
        const fields = signalDifferences(a, b);
        if (fields.length) {
          differences.push({ ...base(a), kind: "changed", fields, full: a, truncated: b });
        }
      }
    }
  }
  for (const [k, ts] of t) {
    if (f.has(k)) continue;
    for (const b of ts) differences.push({ ...base(b), kind: "extra", fields: [], truncated: b });
  }
  differences.sort((x, y) => x.ts - y.ts || x.asset.localeCompare(y.asset));
  return { compared, differences };
}

/**
 * Runs `run` on the full market and on the market truncated at each of `points`, and reports
 * every signal at or before a point that differs.
 */
export function checkLookahead(options: {
  market: Market;
  points: readonly number[];
  run: (market: Market) => readonly Signal[];
}): LookaheadReport {
  const full = options.run(options.market);
  const differences: LookaheadDifference[] = [];
  let compared = 0;
  for (const p of options.points) {
    const r = compareAt(p, full, options.run(options.market.truncate(p)));
    compared += r.compared;
    differences.push(...r.differences);
  }
  return { ok: differences.length === 0, points: [...options.points], compared, differences };
}

/** What {@link engineRun} needs besides the data. */
export interface EngineRunOptions
  extends
    Omit<BacktestOptions, "series" | "macro" | "strategies" | "pipeline" | "onEvent" | "interval"> {
  /** Fresh strategy instances for one run (given the data of that run). */
  readonly makeStrategies: (market: Market) => readonly Strategy[];
  /** A fresh pipeline for one run (aggregation and risk keep per-run state). */
  readonly makePipeline?: () => SignalPipeline;
}

/**
 * A `run` for {@link checkLookahead} that backtests with the engine and returns the signals it
 * acts on (after the pipeline). Macro availability is the market's publication times.
 */
export function engineRun(options: EngineRunOptions): (market: Market) => Signal[] {
  const { makeStrategies, makePipeline, ...settings } = options;
  return (market) => {
    const series = market.series.filter((s) => s.ts.length > 0);
    if (series.length === 0) return [];
    const signals: Signal[] = [];
    runBacktest({
      ...settings,
      series,
      interval: market.interval,
      macro: market.macro,
      strategies: makeStrategies(market),
      pipeline: makePipeline?.(),
      onEvent: (e) => {
        if (e.type === "signal") signals.push(e.signal);
      },
    });
    return signals;
  };
}
