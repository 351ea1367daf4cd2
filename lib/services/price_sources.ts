/**
 * Adapters that give the collector one shape over CoinGecko and Binance: "complete candles of
 * this asset and interval whose bars start in `[from, to]`", plus what the payloads revealed.
 * @module
 */
import type { BinanceClient } from "../clients/binance/client.ts";
import { binanceSymbol } from "../clients/binance/symbols.ts";
import { pointsToCandles } from "../clients/coingecko/candles.ts";
import type { CoinGeckoClient } from "../clients/coingecko/client.ts";
import type { PayloadIssue } from "../clients/issues.ts";
import type { Candle } from "../core/candle.ts";
import { DataError, UsageError } from "../core/errors.ts";
import { DAY_MS, HOUR_MS, type Interval, intervalMs } from "../core/time.ts";

/** What one fetch produced. */
export interface FetchedCandles {
  readonly candles: Candle[];
  readonly issues: PayloadIssue[];
  /** HTTP requests the fetch took, every retry and fallback attempt included. */
  readonly requests: number;
  /** Which host answered, for the run report (e.g. `public` after a Pro fallback). */
  readonly via?: string;
}

/** A source of candles. */
export interface PriceSource {
  readonly name: string;
  /** Throws a UsageError when this source cannot serve `interval` over `days` of history. */
  checkRequest(interval: Interval, days: number): void;
  /** Complete bars starting in `[from, to]`, fetched as of `nowMs`. */
  fetch(
    asset: string,
    interval: Interval,
    range: { from: number; to: number; nowMs: number },
    onPage?: (rows: number) => void,
  ): Promise<FetchedCandles>;
}

/** Longest history CoinGecko serves as hourly points (market_chart with days <= 90). */
export const COINGECKO_HOURLY_MAX_DAYS = 90;

/**
 * CoinGecko via `/coins/{id}/market_chart`. Intervals of a day or more use `interval=daily`
 * (00:00 UTC snapshots: close-only daily bars, exactly like CoinGecko's CSV export and the
 * importer); shorter intervals (1h..12h) are built from hourly points, which CoinGecko gives for
 * the last 90 days only.
 */
export function coinGeckoSource(client: CoinGeckoClient, vsCurrency = "usd"): PriceSource {
  return {
    name: "coingecko",
    checkRequest(interval, days) {
      const ms = intervalMs(interval);
      if (ms < HOUR_MS) {
        throw new UsageError(
          `coingecko gives at best hourly points over more than a day: --interval ${interval} is too fine (use --source binance)`,
        );
      }
      if (ms < DAY_MS && days > COINGECKO_HOURLY_MAX_DAYS - 2) {
        throw new UsageError(
          `coingecko gives hourly points only for the last ${COINGECKO_HOURLY_MAX_DAYS} days: --interval ${interval} needs --days <= ${
            COINGECKO_HOURLY_MAX_DAYS - 2
          } (or --interval 1d, or --source binance)`,
        );
      }
    },
    async fetch(asset, interval, { from, to, nowMs }) {
      const daily = intervalMs(interval) >= DAY_MS;
      // One bar of margin before `from` so that the first wanted bar's start is covered, and at
      // least 2 days for intraday intervals so that the granularity is always hourly.
      const margin = daily ? DAY_MS : 2 * Math.max(intervalMs(interval), HOUR_MS);
      const sentBefore = client.requestsSent;
      let days = Math.ceil((nowMs - from + margin) / DAY_MS);
      if (!daily) days = Math.max(2, days);
      if (!daily && days > COINGECKO_HOURLY_MAX_DAYS) {
        throw new DataError(
          `cannot fetch ${interval} bars from ${days} days ago: hourly points exist for ${COINGECKO_HOURLY_MAX_DAYS} days only`,
          `coingecko ${asset}`,
        );
      }
      const chart = await client.marketChart(asset, {
        days,
        vsCurrency,
        interval: daily ? "daily" : undefined,
      });
      const { candles } = pointsToCandles(chart.points, interval, { nowMs });
      return {
        candles: candles.filter((c) => c.ts >= from && c.ts <= to),
        issues: chart.issues,
        requests: client.requestsSent - sentBefore,
        via: chart.endpoint,
      };
    },
  };
}

/** Binance spot klines, paged; bars still open at `nowMs` are dropped. */
export function binanceSource(
  client: BinanceClient,
  symbolMap: Readonly<Record<string, string>> = {},
): PriceSource {
  return {
    name: "binance",
    checkRequest() {},
    async fetch(asset, interval, { from, to, nowMs }, onPage) {
      const symbol = binanceSymbol(asset, symbolMap);
      if (!symbol) {
        throw new DataError(
          `no Binance symbol for "${asset}": add it with BINANCE_SYMBOL_MAP=${asset}=XXXUSDT`,
          "binance",
        );
      }
      const r = await client.klinesRange(symbol, interval, from, to, onPage);
      const candles = r.klines.filter((k) => k.closeTime < nowMs).map((k) => ({
        ts: k.ts,
        open: k.open,
        high: k.high,
        low: k.low,
        close: k.close,
        volume: k.volume,
      }));
      return { candles, issues: r.issues, requests: r.requests, via: symbol };
    },
  };
}
