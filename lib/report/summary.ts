/**
 * The metrics as labelled, formatted rows: shared by the terminal table and the HTML report.
 * @module
 */
import type { Metrics } from "../engine/metrics.ts";

/** One formatted metric. */
export interface MetricRow {
  key: keyof Metrics;
  label: string;
  value: string;
}

type Kind = "pct" | "num" | "money" | "int" | "days";

const ROWS: [keyof Metrics, string, Kind][] = [
  ["totalReturn", "Total return", "pct"],
  ["cagr", "CAGR", "pct"],
  ["annualReturn", "Annual return", "pct"],
  ["annualVolatility", "Annual volatility", "pct"],
  ["avgPeriodReturn", "Average return per bar", "pct"],
  ["sharpe", "Sharpe ratio", "num"],
  ["sortino", "Sortino ratio", "num"],
  ["calmar", "Calmar ratio", "num"],
  ["maxDrawdown", "Max drawdown", "pct"],
  ["maxDrawdownDurationDays", "Max drawdown duration", "days"],
  ["avgDrawdown", "Average drawdown", "pct"],
  ["numTrades", "Trades", "int"],
  ["winRate", "Win rate", "pct"],
  ["bestTrade", "Best trade", "pct"],
  ["worstTrade", "Worst trade", "pct"],
  ["avgTrade", "Average trade", "pct"],
  ["avgTradeDurationDays", "Average trade duration", "days"],
  ["maxTradeDurationDays", "Max trade duration", "days"],
  ["profitFactor", "Profit factor", "num"],
  ["expectancy", "Expectancy (per trade)", "money"],
  ["sqn", "SQN", "num"],
  ["exposure", "Exposure time", "pct"],
  ["fees", "Fees paid", "money"],
  ["finalEquity", "Final equity", "money"],
  ["peakEquity", "Peak equity", "money"],
  ["buyHoldReturn", "Buy & hold return", "pct"],
];

function fmt(v: number, kind: Kind): string {
  if (Number.isNaN(v)) return "-";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  const n = (x: number, d: number) =>
    x.toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d });
  switch (kind) {
    case "pct":
      return `${n(v * 100, 2)}%`;
    case "money":
      return n(v, 2);
    case "int":
      return String(v);
    case "days":
      return `${n(v, 1)} d`;
    default:
      return n(v, 3);
  }
}

/** Every metric with a label and a formatted value, in display order. */
export function metricRows(m: Metrics): MetricRow[] {
  return ROWS.map(([key, label, kind]) => ({ key, label, value: fmt(m[key], kind) }));
}
