/**
 * One direction of one pair of books: buy on `buy`'s asks, sell on `sell`'s bids. A cheap screen
 * in doubles rules out the common case (the books do not cross by more than the fees) without
 * allocating; only a pair that may cross is walked exactly ({@link walkBooks}). The screen has a
 * relative margin of 10⁻⁹, far above double rounding, so it never rules out a real edge. Pure.
 * @module
 */
import type { HeldBook } from "./books.ts";
import type { Conversion, FeeKey, FeeTable } from "./costs.ts";
import { type Dec, divide, mul, sub } from "./exact.ts";
import { walkBooks, type WalkResult } from "./walk.ts";

/** The costs and limits a pair is evaluated under. */
export interface PairLimits {
  /** Taker fees per book kind. */
  readonly fees: FeeTable;
  /** The same fees as doubles, for the screen. */
  readonly feeRates: Readonly<Record<FeeKey, number>>;
  /** Fixed cost per opportunity, buy quote. */
  readonly fixedCost: Dec;
  /** Most buy notional, or `undefined`. */
  readonly maxNotional?: Dec;
  /** Least buy notional for an opportunity. */
  readonly minNotional: Dec;
  /** Fractional digits of a base quantity, per book kind. */
  readonly lotDigitsByKind: Readonly<Record<FeeKey, number>>;
}

/** An evaluated direction that clears its threshold. */
export interface PairQuote {
  /** The walk's totals, exact. */
  readonly walk: WalkResult;
  /** The conversion used. */
  readonly conversion: Conversion;
  /** Buy leg fee fraction. */
  readonly buyFee: Dec;
  /** Sell leg fee fraction. */
  readonly sellFee: Dec;
  /** Net bps, exact to 8 digits. */
  readonly netBps: Dec;
  /** Gross bps, exact to 8 digits. */
  readonly grossBps: Dec;
}

const TEN_K = { m: 10000n, s: 0 } as const;
const SCREEN_MARGIN = 1e-9;

/**
 * Whether the best levels could clear `thresholdBps` after fees (a necessary condition, in
 * doubles with a safety margin).
 */
export function mayCross(
  buy: HeldBook,
  sell: HeldBook,
  limits: PairLimits,
  rate: number,
  thresholdBps: number,
): boolean {
  const a = buy.book.asks[0]?.[0], b = sell.book.bids[0]?.[0];
  if (a === undefined || b === undefined) return false;
  const fb = limits.feeRates[buy.feeKey], fs = limits.feeRates[sell.feeKey];
  const gain = b * (1 - fs) * rate - a * (1 + fb + thresholdBps / 1e4);
  return gain > -SCREEN_MARGIN * a;
}

/**
 * Walks the pair exactly: the size that maximises net profit with net bps ≥ `thresholdBps` and
 * buy notional ≥ the minimum, or `undefined` when there is none.
 */
export function quotePair(
  buy: HeldBook,
  sell: HeldBook,
  conversion: Conversion,
  limits: PairLimits,
  thresholdBps: Dec,
): PairQuote | undefined {
  const buyFee = limits.fees[buy.feeKey], sellFee = limits.fees[sell.feeKey];
  const walk = walkBooks({
    asks: buy.asks,
    bids: sell.bids,
    buyFee,
    sellFee,
    rate: conversion.rate,
    fixedCost: limits.fixedCost,
    thresholdBps,
    maxNotional: limits.maxNotional,
    lotDigits: Math.min(limits.lotDigitsByKind[buy.feeKey], limits.lotDigitsByKind[sell.feeKey]),
  });
  if (!walk || sub(walk.buyNotional, limits.minNotional).m < 0n) return undefined;
  const gross = sub(mul(walk.sellNotional, conversion.rate), walk.buyNotional);
  return {
    walk,
    conversion,
    buyFee,
    sellFee,
    netBps: divide(mul(walk.netAmount, TEN_K), walk.buyNotional, 8),
    grossBps: divide(mul(gross, TEN_K), walk.buyNotional, 8),
  };
}
