/**
 * Hand-built market data for the signal tests: daily bars from a list of closes and macro
 * observations from a list of values, dated from a start day.
 * @module
 */
import type { Candle, MacroObservation } from "../../lib/core/candle.ts";
import { DAY_MS, parseUtcDate } from "../../lib/core/time.ts";

/** UTC ms of `YYYY-MM-DD`. */
export function day(iso: string): number {
  const t = parseUtcDate(iso);
  if (Number.isNaN(t)) throw new RangeError(`bad date ${iso}`);
  return t;
}

/** Daily candles with the given closes (open = previous close, high/low bracket both). */
export function dailyBars(start: string, closes: readonly number[]): Candle[] {
  const t0 = day(start);
  return closes.map((c, i) => {
    const o = i === 0 ? c : closes[i - 1];
    return {
      ts: t0 + i * DAY_MS,
      open: o,
      high: Math.max(o, c) * 1.01,
      low: Math.min(o, c) * 0.99,
      close: c,
      volume: 1,
    };
  });
}

/** Daily observations (every calendar day) with the given values. */
export function dailyObs(start: string, values: readonly number[]): MacroObservation[] {
  const t0 = day(start);
  return values.map((value, i) => ({ ts: t0 + i * DAY_MS, value }));
}

/** Observations on the given dates. */
export function obsOn(dates: readonly string[], values: readonly number[]): MacroObservation[] {
  return dates.map((d, i) => ({ ts: day(d), value: values[i] }));
}

/** A small deterministic pseudo-random generator (LCG), for synthetic series. */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
}

/**
 * A synthetic daily market: `assets` crypto random walks and a weekday-only VIX that spikes in
 * `stress` windows while crypto falls, so both shipped strategies fire now and then.
 */
export function syntheticMarket(
  options: { start: string; days: number; assets: readonly string[]; seed?: number },
): { bars: Record<string, Candle[]>; vix: MacroObservation[] } {
  const rnd = lcg(options.seed ?? 7);
  const t0 = day(options.start);
  const vix: MacroObservation[] = [];
  const shocks: number[] = [];
  let v = 18;
  for (let i = 0; i < options.days; i++) {
    const stress = i % 120 >= 60 && i % 120 < 75;
    const shock = (rnd() - 0.5) * 0.12 + (stress ? 0.05 : -0.01 * Math.log(v / 18));
    shocks.push(shock);
    v = Math.max(9, v * Math.exp(shock));
    const dow = new Date(t0 + i * DAY_MS).getUTCDay();
    if (dow !== 0 && dow !== 6) vix.push({ ts: t0 + i * DAY_MS, value: Math.round(v * 100) / 100 });
  }
  const bars: Record<string, Candle[]> = {};
  options.assets.forEach((asset, k) => {
    let p = 100 * (k + 1);
    const closes: number[] = [];
    for (let i = 0; i < options.days; i++) {
      const beta = i % 240 < 120 ? -0.8 : 0.6;
      p *= Math.exp(beta * shocks[i] + (rnd() - 0.5) * 0.04);
      closes.push(p);
    }
    bars[asset] = dailyBars(options.start, closes);
  });
  return { bars, vix };
}
