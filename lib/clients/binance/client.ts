/**
 * Binance spot REST client (IO): `GET /api/v3/klines` with pagination over long ranges (1000 rows
 * per request), a client-side request-weight budget that follows the `X-MBX-USED-WEIGHT-1M`
 * header, and 429/418 handled with `Retry-After` (a ban longer than the allowed wait fails fast).
 * @module
 */
import { DataError } from "../../core/errors.ts";
import type { Interval } from "../../core/time.ts";
import { BreakerRegistry } from "../../net/circuit_breaker.ts";
import { type Clock, systemClock } from "../../net/clock.ts";
import { perMinuteLimiter, type TokenBucket } from "../../net/rate_limiter.ts";
import {
  type ApiClientOptions,
  apiOptionsOf,
  ResilientClient,
} from "../../net/resilient_client.ts";
import { type PayloadIssue, tryJson } from "../issues.ts";
import { binanceError, type Kline, parseKlines } from "./parse.ts";

/** Weight of one klines request (Binance docs: 2). */
export const KLINES_WEIGHT = 2;
/** Most rows one klines request returns. */
export const KLINES_MAX_LIMIT = 1000;

/** Options for {@link BinanceClient}. */
export interface BinanceClientOptions extends ApiClientOptions {
  baseUrl: string;
  /** REQUEST_WEIGHT budget per minute (Binance's example limit is 6000). */
  weightPerMinute?: number;
  /** Fraction of the budget the client allows itself before pausing (default 0.8). */
  weightSafety?: number;
}

/** See the module documentation. */
export class BinanceClient {
  readonly #http: ResilientClient;
  readonly #clock: Clock;
  readonly #limiter: TokenBucket;
  readonly #weightLimit: number;
  readonly #safety: number;
  /** Most recent `X-MBX-USED-WEIGHT-1M` seen. */
  usedWeight = 0;

  constructor(o: BinanceClientOptions) {
    this.#clock = o.clock ?? systemClock;
    this.#weightLimit = o.weightPerMinute ?? 6000;
    this.#safety = o.weightSafety ?? 0.8;
    this.#limiter = perMinuteLimiter(Math.floor(this.#weightLimit * this.#safety), {
      clock: this.#clock,
      minBurst: KLINES_WEIGHT,
    });
    this.#http = new ResilientClient({
      endpoints: [{ name: "binance", baseUrl: o.baseUrl, limiter: this.#limiter }],
      ...apiOptionsOf(o),
      breakers: o.breakers ?? new BreakerRegistry({ clock: this.#clock }),
      clock: this.#clock,
      inspect: (res) => {
        if (res.status >= 200 && res.status < 300) return undefined;
        const e = binanceError(res.body);
        if (!e) return undefined;
        const message = `Binance error ${e.code}: ${e.msg}`;
        return e.code === -1003 ? { kind: "rate_limit", message } : { kind: "error", message };
      },
      afterResponse: (res) => this.#noteWeight(res.headers),
    });
  }

  /** HTTP requests sent so far, every retry and fallback attempt included. */
  get requestsSent(): number {
    return this.#http.requestsSent;
  }

  /** The server's count is the truth: near the budget, pause until the next minute starts. */
  #noteWeight(headers: Headers): void {
    const used = Number(headers.get("x-mbx-used-weight-1m"));
    if (!Number.isFinite(used) || headers.get("x-mbx-used-weight-1m") === null) return;
    this.usedWeight = used;
    if (used + KLINES_WEIGHT > this.#weightLimit * this.#safety) {
      const now = this.#clock.now();
      this.#limiter.pauseUntil(Math.floor(now / 60_000) * 60_000 + 60_000);
    }
  }

  /** One klines request. */
  async klines(
    symbol: string,
    interval: Interval,
    options: { startTime?: number; endTime?: number; limit?: number } = {},
  ): Promise<{ klines: Kline[]; issues: PayloadIssue[] }> {
    const query = {
      symbol,
      interval,
      startTime: options.startTime,
      endTime: options.endTime,
      limit: options.limit ?? KLINES_MAX_LIMIT,
    };
    const res = await this.#http.get("/api/v3/klines", { query, weight: KLINES_WEIGHT });
    const qs = Object.entries(query).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${v}`)
      .join("&");
    const endpoint = `binance /api/v3/klines?${qs}`;
    const body = tryJson(res.body);
    if (body === undefined) {
      throw new DataError(`invalid payload: not JSON (${res.body.slice(0, 60)}…)`, endpoint);
    }
    return parseKlines(body, endpoint);
  }

  /**
   * Every kline with open time in `[from, to]`, paging forward 1000 rows at a time. `onPage` sees
   * each page as it arrives (for progress). Rows outside the range are dropped. `requests` counts
   * every HTTP attempt the range took (retries included), not only the pages.
   */
  async klinesRange(
    symbol: string,
    interval: Interval,
    from: number,
    to: number,
    onPage?: (rows: number) => void,
  ): Promise<{ klines: Kline[]; issues: PayloadIssue[]; requests: number }> {
    const out: Kline[] = [];
    const issues: PayloadIssue[] = [];
    let cursor = from;
    const sentBefore = this.#http.requestsSent;
    while (cursor <= to) {
      const page = await this.klines(symbol, interval, {
        startTime: cursor,
        endTime: to,
        limit: KLINES_MAX_LIMIT,
      });
      issues.push(...page.issues);
      const rows = page.klines.filter((k) => k.ts >= cursor && k.ts <= to);
      out.push(...rows);
      onPage?.(rows.length);
      if (page.klines.length < KLINES_MAX_LIMIT || rows.length === 0) break;
      // startTime is inclusive: continue one ms after the newest open time seen.
      cursor = rows[rows.length - 1].ts + 1;
    }
    return { klines: out, issues, requests: this.#http.requestsSent - sentBefore };
  }
}
