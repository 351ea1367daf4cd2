/**
 * Would an alert have been real? For an opened alert, take the books as they were `latencyMs`
 * later (in a recording) and walk the same size again: the quoted VWAPs were executable when the
 * buy book still sold the whole size at or below the quoted buy VWAP and the sell book still
 * bought it at or above the quoted sell VWAP. The net bps at the later prices are reported too
 * (same fees, conversion and fixed cost). Pure and exact.
 * @module
 */
import type { PublishedBook, PublishedLevel } from "../published.ts";
import type { ArbitrageAlert } from "./alert.ts";
import { veto } from "./books.ts";
import { add, cmp, type Dec, dec, divide, mul, ONE, sign, sub, toNumber, ZERO } from "./exact.ts";

/** The verdict on one alert. */
export interface AlertEvaluation {
  /** Always `evaluated`. */
  readonly event: "evaluated";
  /** The alert's id. */
  readonly id: string;
  /** The latency applied, ms. */
  readonly latencyMs: number;
  /** Both quoted VWAPs were still executable for the whole size. */
  readonly executable: boolean;
  /** Why not, when not: `depth`, `buy price`, `sell price`, a book veto, or `no data`. */
  readonly reason?: string;
  /** Buy VWAP of the size on the later book, or `null` without enough depth. */
  readonly buyVwap: number | null;
  /** Sell VWAP of the size on the later book, or `null`. */
  readonly sellVwap: number | null;
  /** Net bps at the later VWAPs, or `null`. */
  readonly netBps: number | null;
}

/** Notional of `size` walked through `levels` (best first), or `undefined` without the depth. */
export function notionalFor(levels: readonly PublishedLevel[], size: Dec): Dec | undefined {
  let left = size, total = ZERO;
  for (const [p, q] of levels) {
    if (sign(left) <= 0) break;
    const qty = dec(q);
    const take = cmp(qty, left) < 0 ? qty : left;
    total = add(total, mul(dec(p), take));
    left = sub(left, take);
  }
  return sign(left) > 0 ? undefined : total;
}

/**
 * Evaluates `alert` against the books `latencyMs` after it (`buy`/`sell`, or `undefined` when
 * the recording has none), at time `nowMs`.
 */
export function evaluateAlert(
  alert: ArbitrageAlert,
  books: { buy?: PublishedBook; sell?: PublishedBook; nowMs: number; maxAgeMs: number },
  latencyMs: number,
): AlertEvaluation {
  const none = {
    event: "evaluated" as const,
    id: alert.id,
    latencyMs,
    buyVwap: null,
    sellVwap: null,
  };
  const { buy, sell } = books;
  if (!buy || !sell) return { ...none, executable: false, reason: "no data", netBps: null };
  const vetoed = veto(buy, books.nowMs, books.maxAgeMs) ?? veto(sell, books.nowMs, books.maxAgeMs);
  if (vetoed) return { ...none, executable: false, reason: vetoed, netBps: null };
  const size = dec(alert.size);
  const buyN = notionalFor(buy.asks, size), sellN = notionalFor(sell.bids, size);
  if (!buyN || !sellN) return { ...none, executable: false, reason: "depth", netBps: null };
  const buyVwap = divide(buyN, size, 10), sellVwap = divide(sellN, size, 10);
  const proceeds = mul(mul(sellN, sub(ONE, dec(alert.sell.fee))), dec(alert.conversionRate));
  const net = sub(sub(proceeds, mul(buyN, add(ONE, dec(alert.buy.fee)))), dec(alert.fixedCost));
  const netBps = toNumber(divide(mul(net, dec(10000)), buyN, 4));
  const buyOk = cmp(buyVwap, dec(alert.buy.vwap)) <= 0;
  const sellOk = cmp(sellVwap, dec(alert.sell.vwap)) >= 0;
  return {
    ...none,
    executable: buyOk && sellOk,
    ...(buyOk ? sellOk ? {} : { reason: "sell price" } : { reason: "buy price" }),
    buyVwap: toNumber(buyVwap),
    sellVwap: toNumber(sellVwap),
    netBps,
  };
}
