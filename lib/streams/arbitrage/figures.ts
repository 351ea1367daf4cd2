/**
 * The figures of an alert, from a pair's exact quote: VWAPs, fees, bps and amounts rounded for
 * output (decisions were made on the exact values), each leg's book state, and the funding
 * difference of perpetual legs. Pure.
 * @module
 */
import type { PublishedFunding } from "../published.ts";
import { type AlertFunding, type AlertLeg, AMOUNT_DIGITS, BPS_DIGITS } from "./alert.ts";
import type { HeldBook } from "./books.ts";
import { type Dec, divide, toNumber } from "./exact.ts";
import type { PairQuote } from "./pair.ts";

const round = (d: Dec, digits: number) => toNumber(divide(d, { m: 1n, s: 0 }, digits));

/** One leg of an alert. */
export function legOf(
  held: HeldBook,
  side: "buy" | "sell",
  quote: PairQuote,
  nowMs: number,
  funding: PublishedFunding | undefined,
): AlertLeg {
  const w = quote.walk;
  const notional = side === "buy" ? w.buyNotional : w.sellNotional;
  const b = held.book;
  const leg: AlertLeg = {
    exchange: b.exchange,
    market: b.market,
    symbol: b.symbol,
    quote: held.quote,
    vwap: toNumber(divide(notional, w.size, AMOUNT_DIGITS)),
    fee: toNumber(side === "buy" ? quote.buyFee : quote.sellFee),
    feeAmount: round(side === "buy" ? w.buyFeeAmount : w.sellFeeAmount, AMOUNT_DIGITS),
    notional: round(notional, AMOUNT_DIGITS),
    levels: side === "buy" ? w.buyLevels : w.sellLevels,
    updateId: b.updateId,
    ageMs: nowMs - b.receivedAtMs,
    state: b.state,
  };
  if (b.market !== "perp") return leg;
  return {
    ...leg,
    fundingRate: funding?.rate ?? null,
    nextFundingTime: funding?.nextFundingTime ?? null,
  };
}

/** Size, notional, bps and amounts of an alert. */
export function quoteFigures(quote: PairQuote, fixedCost: Dec) {
  const w = quote.walk;
  return {
    size: toNumber(w.size),
    notional: round(w.buyNotional, AMOUNT_DIGITS),
    capped: w.capped,
    grossBps: round(quote.grossBps, BPS_DIGITS),
    netBps: round(quote.netBps, BPS_DIGITS),
    netAmount: round(w.netAmount, AMOUNT_DIGITS),
    fixedCost: toNumber(fixedCost),
    conversionRate: toNumber(quote.conversion.rate),
    conversion: {
      from: quote.conversion.from,
      to: quote.conversion.to,
      source: quote.conversion.source,
    },
  };
}

/**
 * The funding a position earns or pays at the next settlement of its perpetual legs: the short
 * (sell) leg receives `rate × notional`, the long (buy) leg pays it, in bps of the buy notional.
 * `null` without a perpetual leg.
 */
export function fundingOf(
  buy: HeldBook,
  sell: HeldBook,
  quote: PairQuote,
  fb: PublishedFunding | undefined,
  fs: PublishedFunding | undefined,
): AlertFunding | null {
  const perps = [buy.book.market === "perp", sell.book.market === "perp"];
  if (!perps[0] && !perps[1]) return null;
  const w = quote.walk;
  const buyN = toNumber(w.buyNotional);
  const sellN = toNumber(w.sellNotional) * toNumber(quote.conversion.rate);
  const rates = [perps[0] ? fb?.rate : 0, perps[1] ? fs?.rate : 0];
  const known = rates.every((r) => typeof r === "number");
  const net = known ? ((rates[1] as number) * sellN - (rates[0] as number) * buyN) / buyN : NaN;
  const times = [perps[0] ? fb?.nextFundingTime : null, perps[1] ? fs?.nextFundingTime : null]
    .filter((t): t is string => typeof t === "string").sort();
  return {
    netBps: known ? Math.round(net * 1e4 * 1e4) / 1e4 : null,
    nextSettlement: times[0] ?? null,
  };
}
