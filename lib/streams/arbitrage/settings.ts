/**
 * The detector's settings: user options (partial, as flags and variables give them) resolved
 * once into complete, exact settings. Pure.
 * @module
 */
import {
  FEE_KEYS,
  type FeeKey,
  type FeeTable,
  feeTable,
  type RateTable,
  rateTable,
} from "./costs.ts";
import { cmp, type Dec, dec, sub, toNumber, ZERO } from "./exact.ts";

/** How long an edge must last before it alerts: a number of evaluations, or milliseconds. */
export type MinDuration = { readonly updates: number } | { readonly ms: number };

/** Detector options; every field has a default. */
export interface DetectorOptions {
  /** Taker fee overrides per book kind (`{"bybit:perp": 0.0002}`), fractions of notional. */
  readonly fees?: Readonly<Record<string, unknown>>;
  /** Stated quote conversion rates (`{"USDC/USDT": 0.9998}`). */
  readonly rates?: Readonly<Record<string, unknown>>;
  /** Fixed cost per opportunity (transfer, withdrawal), buy quote. Default 0. */
  readonly fixedCost?: number | string;
  /** Least net edge to open, bps. Default 5. */
  readonly minNetBps?: number | string;
  /** An open opportunity closes below `minNetBps − hysteresisBps`. Default 2. */
  readonly hysteresisBps?: number | string;
  /** Most buy notional per opportunity, buy quote. Default: no cap. */
  readonly maxNotional?: number | string;
  /** Least buy notional, buy quote. Default 10. */
  readonly minNotional?: number | string;
  /** Oldest book traded against, ms. Default 5,000. */
  readonly maxAgeMs?: number;
  /** Persistence before an alert. Default 2 updates. */
  readonly minDuration?: MinDuration;
  /** An `updated` event needs net bps to move this much from the last event. Default 1. */
  readonly updateBps?: number;
  /** Fractional digits of a base quantity. Default 8. */
  readonly lotDigits?: number;
  /**
   * Lot step per book kind, a power of ten (`{"binance:perp": 0.001}`); a pair trades multiples
   * of the coarser of its two legs' steps. Default 10^−lotDigits everywhere.
   */
  readonly lots?: Readonly<Record<string, unknown>>;
  /** Only these symbols (as the exchanges spell them); default all. */
  readonly symbols?: readonly string[];
}

/** Resolved settings. */
export interface DetectorSettings {
  /** Taker fees. */
  readonly fees: FeeTable;
  /** Taker fees as doubles. */
  readonly feeRates: Readonly<Record<FeeKey, number>>;
  /** Stated rates. */
  readonly rates: RateTable;
  /** Fixed cost. */
  readonly fixedCost: Dec;
  /** Open threshold, bps. */
  readonly minNetBps: Dec;
  /** Close threshold, bps. */
  readonly closeNetBps: Dec;
  /** Notional cap. */
  readonly maxNotional?: Dec;
  /** Notional floor. */
  readonly minNotional: Dec;
  /** Age limit, ms. */
  readonly maxAgeMs: number;
  /** Persistence. */
  readonly minDuration: MinDuration;
  /** Update step, bps. */
  readonly updateBps: number;
  /** Lot digits (the default step). */
  readonly lotDigits: number;
  /** Lot digits per book kind. */
  readonly lotDigitsByKind: Readonly<Record<FeeKey, number>>;
  /** Symbol filter, or `undefined` for all. */
  readonly symbols?: ReadonlySet<string>;
}

function nonNegative(v: number | string | undefined, name: string, fallback: string): Dec {
  const d = v === undefined ? dec(fallback) : dec(v);
  if (cmp(d, ZERO) < 0) throw new RangeError(`${name}: expected a number ≥ 0, got ${String(v)}`);
  return d;
}

/** Digits of each book kind's lot step; throws a `RangeError` for a key or a step it refuses. */
function lotDigitsByKind(
  lots: Readonly<Record<string, unknown>>,
  fallback: number,
): Record<FeeKey, number> {
  const out = Object.fromEntries(FEE_KEYS.map((k) => [k, fallback])) as Record<FeeKey, number>;
  for (const [key, value] of Object.entries(lots)) {
    if (!(FEE_KEYS as readonly string[]).includes(key)) {
      throw new RangeError(`unknown lot key "${key}" (expected ${FEE_KEYS.join(", ")})`);
    }
    const text = typeof value === "number" || typeof value === "string" ? String(value) : "";
    const m = /^(?:1|0\.(0*)1|1e-(\d+))$/.exec(text);
    if (!m) throw new RangeError(`lot ${key}: expected a power of ten ≤ 1 (0.001), got ${text}`);
    out[key as FeeKey] = m[1] !== undefined
      ? m[1].length + 1
      : m[2] !== undefined
      ? Number(m[2])
      : 0;
  }
  return out;
}

/**
 * Resolves options into settings, validating each; throws a `RangeError` naming the option.
 *
 * @example
 * ```ts
 * import { resolveDetector } from "./settings.ts";
 * const s = resolveDetector({ minNetBps: 5, hysteresisBps: 2 });
 * s.closeNetBps; // 3 bps, exact
 * ```
 */
export function resolveDetector(o: DetectorOptions = {}): DetectorSettings {
  const fees = feeTable(o.fees);
  const minNetBps = dec(o.minNetBps ?? "5");
  const hysteresis = nonNegative(o.hysteresisBps, "hysteresisBps", "2");
  const maxNotional = o.maxNotional === undefined ? undefined : dec(o.maxNotional);
  if (maxNotional && maxNotional.m <= 0n) throw new RangeError("maxNotional: expected > 0");
  const maxAgeMs = o.maxAgeMs ?? 5000;
  if (!(maxAgeMs > 0)) throw new RangeError("maxAgeMs: expected > 0");
  const minDuration = o.minDuration ?? { updates: 2 };
  const n = "updates" in minDuration ? minDuration.updates : minDuration.ms;
  if (!(Number.isInteger(n) && n >= ("updates" in minDuration ? 1 : 0))) {
    throw new RangeError("minDuration: expected a whole number of updates ≥ 1 or ms ≥ 0");
  }
  const lotDigits = o.lotDigits ?? 8;
  if (!(Number.isInteger(lotDigits) && lotDigits >= 0 && lotDigits <= 18)) {
    throw new RangeError("lotDigits: expected 0..18");
  }
  return {
    fees,
    feeRates: Object.fromEntries(FEE_KEYS.map((k) => [k, toNumber(fees[k])])) as Record<
      FeeKey,
      number
    >,
    rates: rateTable(o.rates),
    fixedCost: nonNegative(o.fixedCost, "fixedCost", "0"),
    minNetBps,
    closeNetBps: sub(minNetBps, hysteresis),
    maxNotional,
    minNotional: nonNegative(o.minNotional, "minNotional", "10"),
    maxAgeMs,
    minDuration,
    updateBps: o.updateBps ?? 1,
    lotDigits,
    lotDigitsByKind: lotDigitsByKind(o.lots ?? {}, lotDigits),
    symbols: o.symbols ? new Set(o.symbols.map((s) => s.toUpperCase())) : undefined,
  };
}
