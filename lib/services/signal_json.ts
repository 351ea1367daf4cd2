/**
 * The JSON of a signal run: what `deno task signals --json` prints and what the API's
 * `POST /signals/generate` answers — one function, so the two cannot drift.
 * @module
 */
import type { Signal } from "../core/signal.ts";
import { intervalMs, isoDate, isoTime } from "../core/time.ts";
import type { SignalReport } from "./signal_runner.ts";

/** JSON shape of the report (`deno task signals --json`). */
export function signalsJson(r: SignalReport) {
  const withPrice = (s: Signal) => ({ ...s, time: isoTime(s.ts), price: r.prices[s.asset] });
  return {
    now: isoTime(r.now),
    at: isoDate(r.now - intervalMs(r.interval)),
    interval: r.interval,
    assets: r.assets,
    skipped: r.skipped,
    strategies: r.strategies,
    sources: r.sources,
    ...(r.note ? { note: r.note } : {}),
    warnings: r.warnings,
    data: r.data,
    prices: r.prices,
    signals: r.signals.map(withPrice),
    evaluations: r.evaluations.map((e) => ({
      time: isoTime(e.ts),
      strategy: e.strategy,
      asset: e.asset,
      fired: e.fired,
      direction: e.signal?.direction ?? null,
      reason: e.reason,
      inputs: e.inputs,
    })),
    aggregate: {
      signals: r.final.map(withPrice),
      conflicts: r.conflicts,
      risk: r.riskActions,
    },
    stored: r.stored,
  };
}
