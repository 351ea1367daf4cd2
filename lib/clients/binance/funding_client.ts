/**
 * Binance USDⓈ-M funding REST client (IO): the settled-rate history `GET /fapi/v1/fundingRate`
 * (paged forward by `startTime`, 1000 rows a page) and the per-symbol interval from
 * `GET /fapi/v1/fundingInfo` (asked once per client; a symbol it does not list has Binance's
 * default of 8 h). Both endpoints share one limit of 500 requests per 5 minutes per IP, which the
 * client's own budget keeps under (80 a minute by default); 429/418 wait their `Retry-After`
 * through the resilient client, 5xx back off, and an error body names Binance's code.
 * @module
 */
import { DataError } from "../../core/errors.ts";
import { BreakerRegistry } from "../../net/circuit_breaker.ts";
import { type Clock, systemClock } from "../../net/clock.ts";
import { perMinuteLimiter } from "../../net/rate_limiter.ts";
import {
  type ApiClientOptions,
  apiOptionsOf,
  ResilientClient,
} from "../../net/resilient_client.ts";
import type { FundingHistoryClient, FundingRateRow } from "../funding.ts";
import { tryJson } from "../issues.ts";
import {
  BINANCE_DEFAULT_INTERVAL_HOURS,
  parseFundingInfo,
  parseFundingRates,
} from "./funding_parse.ts";
import { binanceError } from "./parse.ts";

/** Most rows one `/fapi/v1/fundingRate` request returns. */
export const FUNDING_RATE_MAX_LIMIT = 1000;

/** Options for {@link BinanceFundingClient}. */
export interface BinanceFundingClientOptions extends ApiClientOptions {
  /** `BINANCE_FUTURES_BASE_URL`, e.g. `https://fapi.binance.com`. */
  baseUrl: string;
  /** Requests per minute the client allows itself on the shared funding limit (default 80). */
  requestsPerMinute?: number;
  /** Rows per history page (default and most: 1000; tests use fewer). */
  pageLimit?: number;
}

/** See the module documentation. */
export class BinanceFundingClient implements FundingHistoryClient {
  readonly exchange = "binance";
  readonly #http: ResilientClient;
  readonly #pageLimit: number;
  #intervals?: Promise<Map<string, number>>;

  constructor(o: BinanceFundingClientOptions) {
    const clock: Clock = o.clock ?? systemClock;
    this.#pageLimit = o.pageLimit ?? FUNDING_RATE_MAX_LIMIT;
    if (!(this.#pageLimit >= 1 && this.#pageLimit <= FUNDING_RATE_MAX_LIMIT)) {
      throw new RangeError(`pageLimit must be 1..${FUNDING_RATE_MAX_LIMIT}, got ${o.pageLimit}`);
    }
    const limiter = perMinuteLimiter(o.requestsPerMinute ?? 80, { clock });
    this.#http = new ResilientClient({
      endpoints: [{ name: "binance-futures", baseUrl: o.baseUrl, limiter }],
      ...apiOptionsOf(o),
      breakers: o.breakers ?? new BreakerRegistry({ clock }),
      clock,
      inspect: (res) => {
        if (res.status >= 200 && res.status < 300) return undefined;
        const e = binanceError(res.body);
        if (!e) return undefined;
        const message = `Binance error ${e.code}: ${e.msg}`;
        return e.code === -1003 ? { kind: "rate_limit", message } : { kind: "error", message };
      },
    });
  }

  /** HTTP requests sent so far, every retry included. */
  get requestsSent(): number {
    return this.#http.requestsSent;
  }

  async #getJson(path: string, query: Record<string, string | number | undefined>) {
    const res = await this.#http.get(path, { query });
    const qs = Object.entries(query).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${v}`)
      .join("&");
    const endpoint = `binance ${path}${qs ? `?${qs}` : ""}`;
    const body = tryJson(res.body);
    if (body === undefined) {
      throw new DataError(`invalid payload: not JSON (${res.body.slice(0, 60)}…)`, endpoint);
    }
    return { body, endpoint };
  }

  /** The interval of every symbol `/fapi/v1/fundingInfo` lists (fetched once per client). */
  fundingInfo(): Promise<Map<string, number>> {
    this.#intervals ??= this.#getJson("/fapi/v1/fundingInfo", {}).then(({ body, endpoint }) =>
      parseFundingInfo(body, endpoint)
    );
    // a failed answer is not cached: the next call asks again
    this.#intervals.catch(() => (this.#intervals = undefined));
    return this.#intervals;
  }

  /** The symbol's interval: as `fundingInfo` lists it, else Binance's default 8 h. */
  async intervalHours(symbol: string): Promise<number> {
    return (await this.fundingInfo()).get(symbol) ?? BINANCE_DEFAULT_INTERVAL_HOURS;
  }

  /** One history page: settlements from `startTime` (inclusive), oldest first. */
  async fundingRates(
    symbol: string,
    startTime: number,
    endTime: number,
  ): Promise<FundingRateRow[]> {
    const { body, endpoint } = await this.#getJson("/fapi/v1/fundingRate", {
      symbol,
      startTime,
      endTime,
      limit: this.#pageLimit,
    });
    return parseFundingRates(body, symbol, endpoint);
  }

  async history(
    symbol: string,
    fromMs: number,
    toMs: number,
    onPage?: (rows: number) => void,
  ): Promise<FundingRateRow[]> {
    const out: FundingRateRow[] = [];
    let cursor = fromMs;
    while (cursor <= toMs) {
      const page = await this.fundingRates(symbol, cursor, toMs);
      const rows = page.filter((r) => r.fundingTimeMs >= cursor && r.fundingTimeMs <= toMs);
      out.push(...rows);
      onPage?.(rows.length);
      if (page.length < this.#pageLimit || rows.length === 0) break;
      // startTime is inclusive: continue one ms after the newest settlement seen
      cursor = rows[rows.length - 1].fundingTimeMs + 1;
    }
    return out;
  }
}
