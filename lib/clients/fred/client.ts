/**
 * FRED REST client (IO): `GET /series/observations?series_id&api_key&file_type=json`, paged with
 * `offset`/`limit`. The API key travels in the query string, so every URL in a message or log is
 * redacted by the net layer.
 * @module
 */
import { ConfigError, DataError } from "../../core/errors.ts";
import { isoDate } from "../../core/time.ts";
import { BreakerRegistry } from "../../net/circuit_breaker.ts";
import { systemClock } from "../../net/clock.ts";
import { perMinuteLimiter } from "../../net/rate_limiter.ts";
import {
  type ApiClientOptions,
  apiOptionsOf,
  ResilientClient,
} from "../../net/resilient_client.ts";
import { type PayloadIssue, tryJson } from "../issues.ts";
import type { MacroObservation } from "../../core/candle.ts";
import { fredError, parseObservations } from "./parse.ts";

/** Options for {@link FredClient}. */
export interface FredClientOptions extends ApiClientOptions {
  apiKey: string;
  baseUrl: string;
  /** Client-side limit, requests/min (third-party sources say FRED allows 120). */
  ratePerMinute?: number;
  /** Rows per page (FRED allows up to 100000). */
  pageSize?: number;
}

/** See the module documentation. */
export class FredClient {
  readonly #http: ResilientClient;
  readonly #pageSize: number;

  constructor(o: FredClientOptions) {
    if (!o.apiKey) throw new ConfigError("FRED needs FRED_API_KEY", "FRED_API_KEY");
    const clock = o.clock ?? systemClock;
    this.#pageSize = o.pageSize ?? 100_000;
    this.#http = new ResilientClient({
      endpoints: [{
        name: "fred",
        baseUrl: o.baseUrl,
        query: { api_key: o.apiKey, file_type: "json" },
        limiter: perMinuteLimiter(o.ratePerMinute ?? 120, { clock }),
      }],
      ...apiOptionsOf(o),
      breakers: o.breakers ?? new BreakerRegistry({ clock }),
      clock,
      inspect: (res) => {
        const e = fredError(res.body);
        if (!e) return undefined;
        const message = `FRED error ${e.code}: ${e.message}`;
        return e.code === 429 ? { kind: "rate_limit", message } : { kind: "error", message };
      },
    });
  }

  /** Every observation of `seriesId` from `start` (UTC ms, inclusive; all history when omitted). */
  async observations(
    seriesId: string,
    options: { start?: number; end?: number } = {},
  ): Promise<{ observations: MacroObservation[]; issues: PayloadIssue[] }> {
    const observations: MacroObservation[] = [];
    const issues: PayloadIssue[] = [];
    let offset = 0;
    for (;;) {
      const query = {
        series_id: seriesId,
        observation_start: options.start === undefined ? undefined : isoDate(options.start),
        observation_end: options.end === undefined ? undefined : isoDate(options.end),
        sort_order: "asc",
        limit: this.#pageSize,
        offset,
      };
      const res = await this.#http.get("/series/observations", { query });
      const qs = Object.entries(query).filter(([, v]) => v !== undefined).map(([k, v]) =>
        `${k}=${v}`
      ).join("&");
      const endpoint = `fred /series/observations?${qs}`;
      const body = tryJson(res.body);
      if (body === undefined) {
        throw new DataError(`invalid payload: not JSON (${res.body.slice(0, 60)}…)`, endpoint);
      }
      const page = parseObservations(body, endpoint);
      observations.push(...page.observations);
      issues.push(...page.issues);
      const rows = page.observations.length + page.issues.filter((i) => i.kind === "missing_value")
        .length;
      offset += rows;
      if (rows === 0 || offset >= page.count) break;
    }
    return { observations, issues };
  }
}
