/**
 * A backtest result as a JSON document: times as ISO strings (UTC), money in quote currency,
 * returns and drawdowns as fractions. Non-finite numbers (NaN, ±Infinity) become `null` when
 * stringified with {@link stringifyResult}.
 * @module
 */
import type { SeriesSource } from "../core/provenance.ts";
import { isoTime } from "../core/time.ts";
import type { BacktestResult } from "../engine/engine.ts";
import type { Manifest } from "../engine/manifest.ts";
import type { Metrics } from "../engine/metrics.ts";

/** One trade in the JSON document. */
export interface TradeJson {
  asset: string;
  side: "long" | "short";
  entryTime: string;
  entryPrice: number;
  exitTime: string;
  exitPrice: number;
  size: number;
  pnl: number;
  returnPct: number;
  fees: number;
  exitReason: string;
}

/** One equity point: equity at the close of the bar stamped `time`. */
export interface EquityPointJson {
  time: string;
  equity: number;
  drawdown: number;
}

/** The whole result as written to `result.json` and printed by `--json`. */
export interface ResultJson {
  strategy: string;
  assets: string[];
  interval: string;
  capital: number;
  start: string;
  end: string;
  metrics: Metrics;
  trades: TradeJson[];
  openPositions: {
    asset: string;
    side: "long" | "short";
    entryTime: string;
    entryPrice: number;
    size: number;
    lastPrice: number;
    unrealizedPnl: number;
    fees: number;
  }[];
  equity: EquityPointJson[];
  fills: {
    time: string;
    asset: string;
    side: string;
    role: string;
    orderType: string;
    price: number;
    qty: number;
    fee: number;
    slippage: number;
    referencePrice: number;
  }[];
  rejections: {
    time: string;
    asset: string;
    outcome: string;
    reason: string;
    requested: number;
    granted: number;
  }[];
  buyHold: Record<string, number>;
  /**
   * Where every series came from: `{ kind: "price" | "macro", name, source, generated, file? }`,
   * prices first. `generated` marks the sample market's data.
   */
  sources: SeriesSource[];
  warnings: string[];
  manifest: Manifest;
}

/**
 * Converts a result to its JSON document. `warnings` are the runner's (data gaps, …); `sources`
 * the provenance of each series the run used.
 */
export function resultToJson(
  result: BacktestResult,
  options: { warnings?: readonly string[]; sources?: readonly SeriesSource[] } = {},
): ResultJson {
  const eq: EquityPointJson[] = new Array(result.equity.ts.length);
  for (let i = 0; i < eq.length; i++) {
    eq[i] = {
      time: isoTime(result.equity.ts[i]),
      equity: result.equity.equity[i],
      drawdown: result.equity.drawdown[i],
    };
  }
  const strategies = result.manifest.parameters.strategies as { name: string }[] | undefined;
  return {
    strategy: (strategies ?? []).map((s) => s.name).join(","),
    assets: [...result.assets],
    interval: result.interval,
    capital: result.capital,
    start: isoTime(result.startTs),
    end: isoTime(result.endTs),
    metrics: result.metrics,
    trades: result.trades.map((t) => ({
      asset: t.asset,
      side: t.side,
      entryTime: isoTime(t.entryTs),
      entryPrice: t.entryPrice,
      exitTime: isoTime(t.exitTs),
      exitPrice: t.exitPrice,
      size: t.size,
      pnl: t.pnl,
      returnPct: t.returnPct,
      fees: t.fees,
      exitReason: t.exitReason,
    })),
    openPositions: result.openPositions.map((p) => ({
      asset: p.asset,
      side: p.side,
      entryTime: isoTime(p.entryTs),
      entryPrice: p.entryPrice,
      size: p.size,
      lastPrice: p.lastPrice,
      unrealizedPnl: p.unrealizedPnl,
      fees: p.fees,
    })),
    equity: eq,
    fills: result.fills.map((f) => ({
      time: isoTime(f.ts),
      asset: f.asset,
      side: f.side,
      role: f.role,
      orderType: f.orderType,
      price: f.price,
      qty: f.qty,
      fee: f.fee,
      slippage: f.slippage,
      referencePrice: f.referencePrice,
    })),
    rejections: result.rejections.map((r) => ({
      time: isoTime(r.ts),
      asset: r.asset,
      outcome: r.outcome,
      reason: r.reason,
      requested: r.requested,
      granted: r.granted,
    })),
    buyHold: { ...result.buyHold },
    sources: (options.sources ?? []).map((s) => ({ ...s })),
    warnings: [...(options.warnings ?? [])],
    manifest: result.manifest,
  };
}

/** Pretty JSON with non-finite numbers as `null`. */
export function stringifyResult(doc: ResultJson): string {
  return JSON.stringify(
    doc,
    (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? null : v),
    2,
  );
}
