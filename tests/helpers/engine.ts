/**
 * Helpers for hand-worked engine tests: daily bars from OHLC rows, a strategy that emits a
 * scripted plan of signals, and a runner with the tests' defaults.
 * @module
 */
import assert from "node:assert/strict";
import type { Signal } from "../../lib/core/signal.ts";
import type { Strategy, StrategyContext } from "../../lib/core/strategy.ts";
import { type BacktestOptions, runBacktest } from "../../lib/engine/engine.ts";
import { type AssetSeries, seriesFromCandles } from "../../lib/engine/feed.ts";

/** One day in ms. */
export const DAY = 86_400_000;
/** Date of the first bar: 2024-01-01. */
export const T0 = Date.UTC(2024, 0, 1);
/** An [open, high, low, close] row. */
export type Row = [number, number, number, number];
/** A bar that goes nowhere at 100. */
export const FLAT: Row = [100, 100, 100, 100];
/** Signals to emit at decision k (the close of timestamp k). */
export type Plan = Record<number, Partial<Signal>[]>;

/** Asserts `actual` equals `expected` within a relative tolerance, naming `what`. */
export function near(actual: number, expected: number, what = "value", tol = 1e-9): void {
  assert.ok(
    Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected)),
    `${what}: expected ${expected}, got ${actual}`,
  );
}

/** Daily bars from OHLC rows, the first dated 2024-01-01 + `offset` days (volume 0). */
export function bars(asset: string, rows: readonly Row[], offset = 0): AssetSeries {
  return seriesFromCandles(
    asset,
    rows.map(([open, high, low, close], i) => ({
      ts: T0 + (offset + i) * DAY,
      open,
      high,
      low,
      close,
      volume: 0,
    })),
  );
}

/** Emits the planned signals at decision k; asset defaults to the first, direction to long. */
export class Script implements Strategy {
  readonly name = "script";
  readonly params = {};
  readonly warmup = 0;
  readonly macroSeries: readonly string[] = [];
  #k = 0;
  constructor(readonly plan: Plan) {}
  onBar(ctx: StrategyContext): readonly Signal[] {
    const k = this.#k++;
    return (this.plan[k] ?? []).map((s) => ({
      ts: ctx.now,
      asset: ctx.assets[0],
      direction: "long" as const,
      confidence: 1,
      size: 1,
      strategy: "script",
      reason: `step ${k}`,
      ...s,
    }));
  }
}

/** Runs `plan` over `series` with daily bars and 100,000 capital unless `extra` says otherwise. */
export function run(series: AssetSeries[], plan: Plan, extra: Partial<BacktestOptions> = {}) {
  return runBacktest({
    series,
    interval: "1d",
    strategies: [new Script(plan)],
    capital: 100_000,
    ...extra,
  });
}
