/**
 * Builds the report's embedded data from a backtest result.
 * @module
 */
import type { BacktestResult } from "../engine/engine.ts";
import { buyHoldEquity, type ClosePrices } from "./buy_hold.ts";
import { downsampleIndices } from "./downsample.ts";
import type { PricePayload, ReportPayload, TradePayload } from "./payload.ts";

/** Options of {@link buildPayload}. */
export interface PayloadOptions {
  /** Close prices per asset (the price charts and the buy-and-hold line need them). */
  prices?: readonly ClosePrices[];
  /** Most points per chart line. */
  maxPoints: number;
  /** Most trade rows shown at once. */
  maxTradeRows: number;
}

const pick = (v: ArrayLike<number>, idx: readonly number[]) => idx.map((i) => v[i]);

function pricePayload(p: ClosePrices, maxPoints: number): PricePayload {
  const idx = downsampleIndices(p.ts.length, [p.close], maxPoints);
  return { asset: p.asset, t: pick(p.ts, idx), close: pick(p.close, idx) };
}

function tradePayload(result: BacktestResult): TradePayload[] {
  return result.trades.map((t) => ({
    asset: t.asset,
    side: t.side,
    entryTs: t.entryTs,
    entryPrice: t.entryPrice,
    exitTs: t.exitTs,
    exitPrice: t.exitPrice,
    size: t.size,
    pnl: t.pnl,
    returnPct: t.returnPct,
    fees: t.fees,
    exitReason: t.exitReason,
  }));
}

/**
 * The page data: equity, buy-and-hold and drawdown on one thinned timeline (the points kept are
 * each bucket's extremes of all three lines, so the charts share an x axis), thinned prices,
 * every trade and open position.
 */
export function buildPayload(result: BacktestResult, options: PayloadOptions): ReportPayload {
  const { ts, equity, drawdown } = result.equity;
  const prices = options.prices ?? [];
  const bh = prices.length > 0 ? buyHoldEquity(ts, prices, result.capital) : null;
  const lines = bh ? [equity, drawdown, bh] : [equity, drawdown];
  const idx = downsampleIndices(ts.length, lines, options.maxPoints);
  return {
    t: pick(ts, idx),
    equity: pick(equity, idx),
    buyHold: bh ? pick(bh, idx) : null,
    drawdownPct: idx.map((i) => -drawdown[i] * 100),
    prices: prices.map((p) => pricePayload(p, options.maxPoints)),
    trades: tradePayload(result),
    open: result.openPositions.map((p) => ({
      asset: p.asset,
      side: p.side,
      entryTs: p.entryTs,
      entryPrice: p.entryPrice,
    })),
    maxTradeRows: options.maxTradeRows,
    showTime: ts.some((x) => x % 86_400_000 !== 0),
  };
}
