/**
 * The reproducibility manifest of a backtest: engine version, every parameter, a hash of the
 * configuration and a checksum of the input data. Two runs with equal hashes and checksums and the
 * same engine version produce the same result.
 * @module
 */
import type { AssetSeries, MacroInput } from "./feed.ts";
import { canonicalJson, Sha256, sha256Hex } from "./hash.ts";

/** Per-asset summary of the data a run used. */
export interface DataSummary {
  /** Asset id. */
  readonly asset: string;
  /** Number of bars used. */
  readonly bars: number;
  /** First bar's open time (UTC ms). */
  readonly firstTs: number;
  /** Last bar's open time (UTC ms). */
  readonly lastTs: number;
}

/** What makes a run reproducible. */
export interface Manifest {
  /** `ENGINE_VERSION` of the engine that produced the run. */
  readonly engineVersion: string;
  /** Engine settings, strategies with their complete parameters, and caller extras. */
  readonly parameters: Readonly<Record<string, unknown>>;
  /** SHA-256 of the canonical JSON of `engineVersion` and `parameters`. */
  readonly configHash: string;
  /**
   * SHA-256 over every series (asset name, then the little-endian float64 columns ts, open,
   * high, low, close, volume) and every macro series (name, ts, value, availableAt), in order.
   */
  readonly dataChecksum: string;
  /** What each asset's series contained. */
  readonly data: readonly DataSummary[];
}

/** Computes the data checksum described in {@link Manifest.dataChecksum}. */
export function dataChecksum(
  series: readonly AssetSeries[],
  macro: readonly MacroInput[] = [],
): string {
  const h = new Sha256();
  for (const s of series) {
    h.update(`${s.asset}\n`);
    for (const col of [s.ts, s.open, s.high, s.low, s.close, s.volume]) h.update(col);
  }
  for (const m of macro) {
    h.update(`${m.series}\n`);
    for (const col of [m.ts, m.value, m.availableAt]) h.update(Float64Array.from(col));
  }
  return h.hex();
}

/** Builds the manifest of a run. */
export function buildManifest(input: {
  engineVersion: string;
  settings: object;
  strategies: readonly { name: string; params: Readonly<Record<string, unknown>> }[];
  /** `false` without a pipeline; its settings (or `true`) with one. */
  pipeline: boolean | Readonly<Record<string, unknown>>;
  extra: Readonly<Record<string, unknown>>;
  series: readonly AssetSeries[];
  macro: readonly MacroInput[];
  dataChecksum?: string;
}): Manifest {
  const parameters = {
    ...input.extra,
    ...input.settings,
    strategies: input.strategies,
    pipeline: input.pipeline,
  };
  return {
    engineVersion: input.engineVersion,
    parameters,
    configHash: sha256Hex(canonicalJson({ engineVersion: input.engineVersion, parameters })),
    dataChecksum: input.dataChecksum ?? dataChecksum(input.series, input.macro),
    data: input.series.map((s) => ({
      asset: s.asset,
      bars: s.ts.length,
      firstTs: s.ts[0],
      lastTs: s.ts[s.ts.length - 1],
    })),
  };
}
