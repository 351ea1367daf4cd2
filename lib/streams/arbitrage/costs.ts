/**
 * What a trade costs and how quote currencies convert: the taker fee per (exchange, market), the
 * symbol's base and quote assets, and the stated conversion rates between quote currencies. Pure.
 *
 * Default taker fees are the exchanges' base tier (no VIP level, no fee-token discount), as
 * published on their fee pages (checked 2026-12):
 *
 * | book | taker | source |
 * | --- | --- | --- |
 * | `binance:spot` | 0.001 (0.10 %) | https://www.binance.com/en/fee/schedule (Regular user, taker) |
 * | `binance:perp` | 0.0005 (0.05 %) | https://www.binance.com/en/fee/futureFee (USDⓈ-M, Regular user, taker) |
 * | `bybit:spot` | 0.001 (0.10 %) | https://www.bybit.com/en/help-center/article/Trading-Fee-Structure (VIP 0 spot taker) |
 * | `bybit:perp` | 0.00055 (0.055 %) | same page (VIP 0 perpetual and futures taker) |
 *
 * Quote currencies are never assumed equal: USDT, USDC, FDUSD and USD are different assets (a
 * depeg is not an arbitrage). A pair whose legs quote in different currencies is evaluated only
 * when a rate between them is stated.
 * @module
 */
import type { Exchange, Market } from "../sync.ts";
import { type Dec, dec, divide, ONE } from "./exact.ts";

/** `binance:spot`, `bybit:perp`, …: the key of a fee. */
export type FeeKey = `${Exchange}:${Market}`;

/** Every fee key. */
export const FEE_KEYS: readonly FeeKey[] = [
  "binance:spot",
  "binance:perp",
  "bybit:spot",
  "bybit:perp",
];

/** The default taker fees, as fractions of notional (see the module documentation for sources). */
export const DEFAULT_TAKER_FEES: Readonly<Record<FeeKey, string>> = {
  "binance:spot": "0.001",
  "binance:perp": "0.0005",
  "bybit:spot": "0.001",
  "bybit:perp": "0.00055",
};

/** Taker fees per book kind, exact. */
export type FeeTable = Readonly<Record<FeeKey, Dec>>;

/**
 * The fee table: the defaults, overridden by `overrides` (fractions of notional in [0, 0.1), as
 * numbers or decimal strings). Throws a `RangeError` naming the bad key or value.
 */
export function feeTable(overrides: Readonly<Record<string, unknown>> = {}): FeeTable {
  const out = Object.fromEntries(
    FEE_KEYS.map((k) => [k, dec(DEFAULT_TAKER_FEES[k])]),
  ) as Record<FeeKey, Dec>;
  for (const [key, value] of Object.entries(overrides)) {
    if (!(FEE_KEYS as readonly string[]).includes(key)) {
      throw new RangeError(`unknown fee key "${key}" (expected ${FEE_KEYS.join(", ")})`);
    }
    const n = typeof value === "number" || typeof value === "string" ? Number(value) : NaN;
    if (!(n >= 0 && n < 0.1)) {
      throw new RangeError(`fee ${key}: expected a fraction in [0, 0.1), got ${String(value)}`);
    }
    out[key as FeeKey] = dec(value as number | string);
  }
  return out;
}

/** Quote currencies recognised at the end of a symbol, longest first. */
export const QUOTES = ["FDUSD", "USDT", "USDC", "TUSD", "BUSD", "USDE", "DAI", "USD", "EUR"];

/** A symbol split into its base and quote asset. */
export interface SymbolAssets {
  /** The traded asset, e.g. `BTC`. */
  readonly base: string;
  /** The quote currency, e.g. `USDT`. */
  readonly quote: string;
}

/**
 * Splits an exchange symbol into base and quote (`BTCUSDT` → BTC/USDT, `ETHUSDC` → ETH/USDC).
 * Bybit's USDC perpetuals are spelled `BTCPERP` (quote USDC). `undefined` when no known quote
 * ends the symbol.
 */
export function splitSymbol(symbol: string): SymbolAssets | undefined {
  const s = symbol.toUpperCase();
  if (s.endsWith("PERP") && s.length > 4) return { base: s.slice(0, -4), quote: "USDC" };
  for (const q of QUOTES) {
    if (s.length > q.length && s.endsWith(q)) return { base: s.slice(0, -q.length), quote: q };
  }
  return undefined;
}

/** A conversion from one quote currency to another, and where its rate came from. */
export interface Conversion {
  /** The currency converted from (the sell leg's quote). */
  readonly from: string;
  /** The currency converted to (the buy leg's quote). */
  readonly to: string;
  /** Units of `to` per unit of `from`. */
  readonly rate: Dec;
  /** `same` (no conversion), `stated` (given as from/to) or `inverse` (given as to/from). */
  readonly source: "same" | "stated" | "inverse";
}

/** Digits an inverse rate is rounded to. */
export const INVERSE_RATE_DIGITS = 12;

/** Stated rates, `"USDC/USDT"` → units of USDT per USDC. */
export type RateTable = ReadonlyMap<string, Dec>;

/**
 * Reads stated rates (`{"USDC/USDT": 0.9998}`: one USDC is 0.9998 USDT). Throws a `RangeError`
 * naming a bad entry.
 */
export function rateTable(entries: Readonly<Record<string, unknown>> = {}): RateTable {
  const out = new Map<string, Dec>();
  for (const [pair, value] of Object.entries(entries)) {
    const m = /^([A-Z0-9]+)\/([A-Z0-9]+)$/.exec(pair.toUpperCase());
    if (!m || m[1] === m[2]) {
      throw new RangeError(`rate "${pair}": expected FROM/TO, e.g. USDC/USDT`);
    }
    const n = typeof value === "number" || typeof value === "string" ? Number(value) : NaN;
    if (!(n > 0 && n < 1e6)) {
      throw new RangeError(`rate ${pair}: expected a positive number, got ${String(value)}`);
    }
    out.set(`${m[1]}/${m[2]}`, dec(value as number | string));
  }
  return out;
}

/**
 * How to convert `from` into `to`: the identity for one currency, the stated rate, or the inverse
 * of the opposite stated rate (rounded to {@link INVERSE_RATE_DIGITS} digits); `undefined` when
 * no rate is stated (the pair is then not evaluated).
 */
export function conversion(rates: RateTable, from: string, to: string): Conversion | undefined {
  if (from === to) return { from, to, rate: ONE, source: "same" };
  const direct = rates.get(`${from}/${to}`);
  if (direct) return { from, to, rate: direct, source: "stated" };
  const inverse = rates.get(`${to}/${from}`);
  if (inverse) {
    return { from, to, rate: divide(ONE, inverse, INVERSE_RATE_DIGITS), source: "inverse" };
  }
  return undefined;
}
