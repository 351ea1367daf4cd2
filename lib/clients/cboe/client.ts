/**
 * CBOE VIX history download (IO): one GET of `CBOE_VIX_URL` with timeout, retries and a breaker,
 * returning the CSV with ISO dates (see `parse.ts`). No key, no rate limit beyond politeness.
 * @module
 */
import { BreakerRegistry } from "../../net/circuit_breaker.ts";
import { systemClock } from "../../net/clock.ts";
import { perMinuteLimiter } from "../../net/rate_limiter.ts";
import {
  type ApiClientOptions,
  apiOptionsOf,
  ResilientClient,
} from "../../net/resilient_client.ts";
import { normalizeVixCsv } from "./parse.ts";

/** Options for {@link CboeClient}. */
export interface CboeClientOptions extends ApiClientOptions {
  vixUrl: string;
}

/** See the module documentation. */
export class CboeClient {
  readonly #http: ResilientClient;
  readonly #url: URL;

  constructor(o: CboeClientOptions) {
    const clock = o.clock ?? systemClock;
    this.#url = new URL(o.vixUrl);
    this.#http = new ResilientClient({
      endpoints: [{
        name: "cboe",
        baseUrl: this.#url.origin,
        limiter: perMinuteLimiter(30, { clock }),
      }],
      ...apiOptionsOf(o),
      breakers: o.breakers ?? new BreakerRegistry({ clock }),
      clock,
    });
  }

  /** Downloads the VIX history and returns `{csv, endpoint}` with ISO dates. */
  async vixHistory(): Promise<{ csv: string; endpoint: string }> {
    const path = this.#url.pathname + this.#url.search;
    const res = await this.#http.get(path);
    const endpoint = `cboe ${this.#url.pathname}`;
    return { csv: normalizeVixCsv(res.body, endpoint), endpoint };
  }
}
