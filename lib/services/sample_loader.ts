/**
 * Loads the generated sample market into a store under source `sample` (daily candles for each
 * asset; macro series VIX and DXY). Idempotent: loading it again changes nothing.
 * @module
 */
import { SAMPLE_SOURCE } from "../core/provenance.ts";
import { DAY_MS } from "../core/time.ts";
import { generateSampleMarket, type SampleMarket, type SampleOptions } from "../sample/market.ts";
import type { Store } from "../storage/store.ts";

/** Source name of the sample market in the store (generated data: see `lib/core/provenance.ts`). */
export { SAMPLE_SOURCE };

/** Rows written per series. */
export interface SampleSeriesResult {
  kind: "candles" | "macro";
  subject: string;
  rows: number;
  inserted: number;
  /** Changed rows (candles) or new revisions (macro): non-zero only if the generator changed. */
  updated: number;
  unchanged: number;
}

/** What {@link loadSampleMarket} did. */
export interface SampleLoadResult {
  label: string;
  seed: number;
  start: number;
  end: number;
  series: SampleSeriesResult[];
  inserted: number;
}

/**
 * Generates the sample market and stores it in one transaction. Each macro observation gets the
 * vintage of its publication (the next UTC midnight), so point-in-time queries see sample macro
 * data exactly when a live collector would have.
 */
export async function loadSampleMarket(
  store: Store,
  options: SampleOptions = {},
): Promise<SampleLoadResult> {
  const market: SampleMarket = generateSampleMarket(options);
  return await store.transaction(async () => {
    const series: SampleSeriesResult[] = [];
    for (const [asset, candles] of Object.entries(market.candles)) {
      const r = await store.upsertCandles(
        { source: SAMPLE_SOURCE, asset, interval: "1d" },
        candles,
      );
      series.push({ kind: "candles", subject: asset, rows: candles.length, ...r });
    }
    for (const [name, observations] of Object.entries(market.macro)) {
      const total = { inserted: 0, updated: 0, unchanged: 0 };
      for (const o of observations) {
        const r = await store.upsertMacro(name, SAMPLE_SOURCE, [o], o.ts + DAY_MS);
        total.inserted += r.inserted;
        total.updated += r.revised;
        total.unchanged += r.unchanged;
      }
      series.push({ kind: "macro", subject: name, rows: observations.length, ...total });
    }
    return {
      label: market.label,
      seed: market.seed,
      start: market.start,
      end: market.end,
      series,
      inserted: series.reduce((n, s) => n + s.inserted, 0),
    };
  });
}
