/**
 * CoinGecko REST client (IO). Plans and hosts:
 *
 * - `pro`: `COINGECKO_PRO_BASE_URL` with header `x-cg-pro-api-key`; when the Pro host cannot be
 *   reached (refused, DNS, timeout, reset — or its breaker is open because of those) requests fall
 *   back to the keyless public host. Never on a 429: that is a rate limit, not an outage.
 * - `demo`: the public host with header `x-cg-demo-api-key`.
 * - `public`: the public host without a key.
 *
 * Each endpoint has its own token-bucket limiter (per plan), each host its own circuit breaker;
 * error bodies are detected whatever the HTTP status, including a rate-limit body sent with 200.
 * @module
 */
import type { Candle } from "../../core/candle.ts";
import { ConfigError, DataError } from "../../core/errors.ts";
import { BreakerRegistry } from "../../net/circuit_breaker.ts";
import { systemClock } from "../../net/clock.ts";
import { perMinuteLimiter } from "../../net/rate_limiter.ts";
import {
  type ApiClientOptions,
  apiOptionsOf,
  type Endpoint,
  ResilientClient,
} from "../../net/resilient_client.ts";
import type { PayloadIssue } from "../issues.ts";
import { tryJson } from "../issues.ts";
import {
  type ChartPoint,
  coinGeckoError,
  parseMarketChart,
  parseOhlc,
  parsePing,
  parseSimplePrice,
  type SimplePrice,
} from "./parse.ts";

/** CoinGecko plan. */
export type CoinGeckoPlan = "public" | "demo" | "pro";

/** Default client-side limits, calls per minute (CoinGecko's published limits, rounded down). */
export const COINGECKO_DEFAULT_RATE_PER_MIN: Readonly<Record<CoinGeckoPlan, number>> = {
  public: 10,
  demo: 30,
  pro: 500,
};

/** Options for {@link CoinGeckoClient}. */
export interface CoinGeckoClientOptions extends ApiClientOptions {
  plan: CoinGeckoPlan;
  apiKey?: string;
  baseUrl: string;
  proBaseUrl: string;
  /** Limit for the plan's own endpoint, calls/min (default per plan). */
  ratePerMinute?: number;
}

/** A market chart and where it came from. */
export interface MarketChart {
  readonly points: ChartPoint[];
  readonly issues: PayloadIssue[];
  /** `pro`, `demo` or `public`: which endpoint answered. */
  readonly endpoint: string;
}

/** See the module documentation. */
export class CoinGeckoClient {
  readonly plan: CoinGeckoPlan;
  readonly #http: ResilientClient;

  constructor(o: CoinGeckoClientOptions) {
    if (o.plan !== "public" && !o.apiKey) {
      throw new ConfigError(
        `COINGECKO_PLAN=${o.plan} needs COINGECKO_API_KEY (or set COINGECKO_PLAN=public)`,
        "COINGECKO_API_KEY",
      );
    }
    this.plan = o.plan;
    const clock = o.clock ?? systemClock;
    const limiter = (plan: CoinGeckoPlan, rate?: number) =>
      perMinuteLimiter(rate ?? COINGECKO_DEFAULT_RATE_PER_MIN[plan], { clock });
    const publicEp: Endpoint = { name: "public", baseUrl: o.baseUrl };
    const endpoints: Endpoint[] = o.plan === "pro"
      ? [
        {
          name: "pro",
          baseUrl: o.proBaseUrl,
          headers: { "x-cg-pro-api-key": o.apiKey! },
          limiter: limiter("pro", o.ratePerMinute),
        },
        { ...publicEp, limiter: limiter("public") },
      ]
      : o.plan === "demo"
      ? [{
        name: "demo",
        baseUrl: o.baseUrl,
        headers: { "x-cg-demo-api-key": o.apiKey! },
        limiter: limiter("demo", o.ratePerMinute),
      }]
      : [{ ...publicEp, limiter: limiter("public", o.ratePerMinute) }];
    this.#http = new ResilientClient({
      endpoints,
      ...apiOptionsOf(o),
      breakers: o.breakers ?? new BreakerRegistry({ clock }),
      clock,
      inspect: (res) => {
        const err = coinGeckoError(res.body);
        if (!err) return undefined;
        const message = `CoinGecko error${
          err.code === undefined ? "" : ` ${err.code}`
        }: ${err.message}`;
        return err.rateLimited ? { kind: "rate_limit", message } : { kind: "error", message };
      },
    });
  }

  /** HTTP requests sent so far, every retry and fallback attempt included. */
  get requestsSent(): number {
    return this.#http.requestsSent;
  }

  async #json(path: string, query: Record<string, string | number | undefined>) {
    const res = await this.#http.get(path, { query });
    const qs = new URLSearchParams(
      Object.entries(query).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]),
    );
    const endpoint = `coingecko(${res.endpoint}) ${path}?${qs}`;
    const body = tryJson(res.body);
    if (body === undefined) {
      throw new DataError(
        `invalid payload: not JSON (${res.body.slice(0, 60).replace(/\s+/g, " ")}…)`,
        endpoint,
      );
    }
    return { body, endpoint, from: res.endpoint };
  }

  /** `/ping`: the greeting and the endpoint that answered, proving the key and host work. */
  async ping(): Promise<{ message: string; endpoint: string }> {
    const { body, endpoint, from } = await this.#json("/ping", {});
    return { message: parsePing(body, endpoint), endpoint: from };
  }

  /**
   * `/coins/{id}/market_chart`: price, market cap and volume points over the last `days`.
   * Granularity is CoinGecko's: 5-minute for 1 day, hourly up to 90 days, daily beyond (or
   * always daily with `interval: "daily"`).
   */
  async marketChart(
    id: string,
    options: { days: number; vsCurrency?: string; interval?: "daily" },
  ): Promise<MarketChart> {
    const { body, endpoint, from } = await this.#json(
      `/coins/${encodeURIComponent(id)}/market_chart`,
      { vs_currency: options.vsCurrency ?? "usd", days: options.days, interval: options.interval },
    );
    const { points, issues } = parseMarketChart(body, endpoint);
    return { points, issues, endpoint: from };
  }

  /**
   * `/coins/{id}/ohlc`: CoinGecko's own OHLC (30-minute bars for 1–2 days, 4-hour for 3–30,
   * 4-day beyond), returned under the mts convention (stamped with the open time).
   */
  async ohlc(id: string, options: { days: number; vsCurrency?: string }): Promise<Candle[]> {
    const { body, endpoint } = await this.#json(`/coins/${encodeURIComponent(id)}/ohlc`, {
      vs_currency: options.vsCurrency ?? "usd",
      days: options.days,
    });
    const barMs = options.days <= 2
      ? 30 * 60_000
      : options.days <= 30
      ? 4 * 3_600_000
      : 4 * 86_400_000;
    return parseOhlc(body, endpoint, barMs);
  }

  /** `/simple/price` with market cap, 24 h volume and change, and the update time. */
  async simplePrice(
    ids: readonly string[],
    vsCurrency = "usd",
  ): Promise<Record<string, SimplePrice>> {
    const { body, endpoint } = await this.#json("/simple/price", {
      ids: ids.join(","),
      vs_currencies: vsCurrency,
      include_market_cap: "true",
      include_24hr_vol: "true",
      include_24hr_change: "true",
      include_last_updated_at: "true",
    });
    return parseSimplePrice(body, endpoint, vsCurrency);
  }
}
