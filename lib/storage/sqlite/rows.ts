/**
 * Conversions between SQLite rows and the store's records.
 * @module
 */

/** A row as `node:sqlite` returns it. */
export type Row = Record<string, unknown>;

/** A stored number, or `NaN` for NULL (close-only candles, unknown volume). */
export const num = (v: unknown): number => (v === null || v === undefined ? NaN : Number(v));

/** A number to store, or NULL for `undefined` and `NaN`. */
export const nul = (v: number | undefined): number | null =>
  v === undefined || Number.isNaN(v) ? null : v;

/** A stored optional number: `undefined` for NULL. */
export const optNum = (v: unknown): number | undefined =>
  v === null || v === undefined ? undefined : Number(v);

/** A stored optional text: `undefined` for NULL. */
export const optStr = (v: unknown): string | undefined =>
  v === null || v === undefined ? undefined : String(v);

/** JSON text with non-finite numbers as `null` (JSON has no NaN or Infinity). */
export function toJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? null : v),
  );
}
