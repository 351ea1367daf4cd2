/**
 * Bybit v5 funding REST client (IO): the settled-rate history `GET /v5/market/funding/history`
 * (`category=linear`, paged **backwards** by `endTime`, 200 rows a page, newest first on the
 * wire) and the contract's interval from `GET /v5/market/instruments-info` (`fundingInterval`, in
 * minutes). Requests go through the resilient client: a budget under Bybit's 600 requests per 5 s
 * per IP (300 a minute by default), 429 and `retCode 10006` wait (`Retry-After` or
 * `X-Bapi-Limit-Reset-Timestamp`), 5xx and `retCode 10016` back off, the breaker per host.
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
import { bybitError, parseFundingHistory, parseFundingIntervals } from "./parse.ts";

/** Most rows one funding-history request returns. */
export const FUNDING_HISTORY_MAX_LIMIT = 200;

/** Options for {@link BybitClient}. */
export interface BybitClientOptions extends ApiClientOptions {
  /** `BYBIT_BASE_URL`, e.g. `https://api.bybit.com`. */
  baseUrl: string;
  /** Requests per minute the client allows itself (default 300). */
  requestsPerMinute?: number;
  /** Rows per history page (default and most: 200; tests use fewer). */
  pageLimit?: number;
}

/** See the module documentation. */
export class BybitClient implements FundingHistoryClient {
  readonly exchange = "bybit";
  readonly #http: ResilientClient;
  readonly #clock: Clock;
  readonly #pageLimit: number;

  constructor(o: BybitClientOptions) {
    this.#clock = o.clock ?? systemClock;
    this.#pageLimit = o.pageLimit ?? FUNDING_HISTORY_MAX_LIMIT;
    if (!(this.#pageLimit >= 1 && this.#pageLimit <= FUNDING_HISTORY_MAX_LIMIT)) {
      throw new RangeError(
        `pageLimit must be 1..${FUNDING_HISTORY_MAX_LIMIT}, got ${o.pageLimit}`,
      );
    }
    const limiter = perMinuteLimiter(o.requestsPerMinute ?? 300, { clock: this.#clock });
    this.#http = new ResilientClient({
      endpoints: [{ name: "bybit", baseUrl: o.baseUrl, limiter }],
      ...apiOptionsOf(o),
      breakers: o.breakers ?? new BreakerRegistry({ clock: this.#clock }),
      clock: this.#clock,
      inspect: (res) => {
        const e = bybitError(tryJson(res.body));
        if (!e) return undefined;
        const message = `Bybit error ${e.code}: ${e.msg}`;
        if (e.code === 10006) {
          const reset = Number(res.headers.get("x-bapi-limit-reset-timestamp"));
          const wait = Number.isFinite(reset) && reset > 0
            ? Math.max(0, reset - this.#clock.now())
            : undefined;
          return { kind: "rate_limit", message, retryAfterMs: wait };
        }
        return { kind: "error", message, retryable: e.code === 10016 };
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
    const endpoint = `bybit ${path}?${qs}`;
    const body = tryJson(res.body);
    if (body === undefined) {
      throw new DataError(`invalid payload: not JSON (${res.body.slice(0, 60)}…)`, endpoint);
    }
    return { body, endpoint };
  }

  /** The linear contract's interval in hours, from instruments-info. */
  async intervalHours(symbol: string): Promise<number> {
    const { body, endpoint } = await this.#getJson("/v5/market/instruments-info", {
      category: "linear",
      symbol,
    });
    const hours = parseFundingIntervals(body, endpoint).get(symbol);
    if (hours === undefined) {
      throw new DataError(`no linear contract ${symbol} in instruments-info`, endpoint);
    }
    return hours;
  }

  /** One history page: up to `pageLimit` settlements at or before `endTime`, oldest first. */
  async fundingHistory(
    symbol: string,
    startTime: number,
    endTime: number,
  ): Promise<FundingRateRow[]> {
    const { body, endpoint } = await this.#getJson("/v5/market/funding/history", {
      category: "linear",
      symbol,
      startTime,
      endTime,
      limit: this.#pageLimit,
    });
    return parseFundingHistory(body, symbol, endpoint);
  }

  async history(
    symbol: string,
    fromMs: number,
    toMs: number,
    onPage?: (rows: number) => void,
  ): Promise<FundingRateRow[]> {
    const pages: FundingRateRow[][] = [];
    let end = toMs;
    while (end >= fromMs) {
      const page = await this.fundingHistory(symbol, fromMs, end);
      const rows = page.filter((r) => r.fundingTimeMs >= fromMs && r.fundingTimeMs <= end);
      pages.push(rows);
      onPage?.(rows.length);
      if (page.length < this.#pageLimit || rows.length === 0) break;
      // endTime is inclusive: continue one ms before the oldest settlement seen
      end = rows[0].fundingTimeMs - 1;
    }
    return pages.reverse().flat();
  }
}
