/**
 * Rows of `optimize_trials` <-> {@link StoredTrial}, shared by the SQLite and PostgreSQL stores:
 * metrics JSON with non-finite numbers as the strings "NaN", "Infinity", "-Infinity" (so they read
 * back exactly); the equity curve as little-endian float64 bytes.
 * @module
 */
import type { Row } from "./sqlite/rows.ts";
import type { StoredTrial } from "./trial_store.ts";

const NON_FINITE: Record<string, number> = { NaN, Infinity, "-Infinity": -Infinity };

/** Metrics as JSON, non-finite numbers as the strings "NaN", "Infinity", "-Infinity". */
export function metricsJson(m: Readonly<Record<string, number>>): string {
  return JSON.stringify(m, (_k, v) => typeof v === "number" && !Number.isFinite(v) ? String(v) : v);
}

/** The inverse of {@link metricsJson}. */
export function parseMetrics(text: string): Record<string, number> {
  return JSON.parse(text, (_k, v) => typeof v === "string" && v in NON_FINITE ? NON_FINITE[v] : v);
}

/** A stored trial from its row (either backend: same columns). */
export function toTrial(r: Row): StoredTrial {
  const blob = r.equity as Uint8Array;
  const bytes = new Uint8Array(blob.byteLength);
  bytes.set(blob);
  return {
    trialKey: String(r.trial_key),
    configHash: String(r.config_hash),
    datasetHash: String(r.dataset_hash),
    dataChecksum: String(r.data_checksum),
    strategy: String(r.strategy),
    params: JSON.parse(String(r.params)),
    metrics: parseMetrics(String(r.metrics)),
    trades: Number(r.trades),
    equity: new Float64Array(bytes.buffer),
    createdAt: Number(r.created_at),
  };
}
