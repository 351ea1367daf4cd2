/**
 * The one validation rule for market values, applied wherever they enter mts (CSV import,
 * `backtest --data`, API payloads through {@link candleProblem}):
 *
 * - a **price** (open, high, low, close) is a finite number with `0 < price <= MAX_PRICE` (1e12);
 * - an **amount** (volume, market cap) is a finite number with `0 <= amount <= MAX_AMOUNT` (1e30);
 * - a **macro value** (a yield, an index level, a spread) is finite with `|value| <= MAX_AMOUNT`.
 *
 * Why these bounds: the most expensive traded instruments cost under 1e6 per unit, so 1e12 leaves
 * six orders of magnitude for prices quoted in small currency units, while keeping every product
 * the engine forms finite — price × quantity, sums over millions of bars, squared returns (a price
 * of 1e308 parses as a finite number but overflows to Infinity at the first multiplication).
 * Volumes of tokens with huge supplies reach 1e21 base units, hence the larger amount bound.
 * @module
 */
/** Largest accepted price (inclusive). */
export const MAX_PRICE = 1e12;
/** Largest accepted volume, market cap or absolute macro value (inclusive). */
export const MAX_AMOUNT = 1e30;

const PRICE_TEXT = "1e12";
const AMOUNT_TEXT = "1e30";

/** True when `v` is an acceptable price (the fast check; {@link priceProblem} says why not). */
export function isPrice(v: number): boolean {
  return v > 0 && v <= MAX_PRICE;
}

/** True when `v` is an acceptable volume or market cap. */
export function isAmount(v: number): boolean {
  return v >= 0 && v <= MAX_AMOUNT;
}

/** True when `v` is an acceptable macro value. */
export function isMacroValue(v: number): boolean {
  return v >= -MAX_AMOUNT && v <= MAX_AMOUNT;
}

/**
 * Why `v` is not an acceptable price, phrased to follow the field name (`close must be positive,
 * got 0`), or `undefined`.
 *
 * @example
 * ```ts
 * import { priceProblem } from "./bounds.ts";
 * priceProblem(1e308); // "must be at most 1e12, got 1e+308"
 * ```
 */
export function priceProblem(v: number): string | undefined {
  if (!Number.isFinite(v)) return "is not a number";
  if (v <= 0) return `must be positive, got ${v}`;
  if (v > MAX_PRICE) return `must be at most ${PRICE_TEXT}, got ${v}`;
  return undefined;
}

/** Why `v` is not an acceptable volume or market cap (see {@link priceProblem}), or `undefined`. */
export function amountProblem(v: number): string | undefined {
  if (!Number.isFinite(v)) return "is not a number";
  if (v < 0) return `must not be negative, got ${v}`;
  if (v > MAX_AMOUNT) return `must be at most ${AMOUNT_TEXT}, got ${v}`;
  return undefined;
}

/** Why `v` is not an acceptable macro value (any sign), or `undefined`. */
export function macroValueProblem(v: number): string | undefined {
  if (!Number.isFinite(v)) return "is not a number";
  if (Math.abs(v) > MAX_AMOUNT) {
    return `must be between -${AMOUNT_TEXT} and ${AMOUNT_TEXT}, got ${v}`;
  }
  return undefined;
}

/** The prices of a candle, in the order they are checked. */
export const PRICE_FIELDS = ["open", "high", "low", "close"] as const;
