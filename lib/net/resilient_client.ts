/**
 * A GET client that combines the small pieces of `lib/net`: a per-request timeout, retries with
 * exponential backoff and full jitter on 5xx and transport failures (never sooner than a 5xx's
 * `Retry-After`), `Retry-After` on 429/418 (and on rate-limit bodies an API sends with other
 * statuses), a token-bucket limiter per endpoint,
 * a circuit breaker per host, and fallback endpoints.
 *
 * Fallback policy: a later endpoint is used **only when an earlier host cannot be reached**
 * (connection refused, DNS failure, reset, timeout, or its breaker opened because of those). A rate
 * limit or a server error never switches hosts: a 429 is the server speaking, not an outage.
 * @module
 */
import { RateLimitError } from "../core/errors.ts";
import { backoffDelay } from "./backoff.ts";
import { BreakerRegistry } from "./circuit_breaker.ts";
import { type Clock, systemClock } from "./clock.ts";
import { CircuitOpenError, HttpStatusError, NetworkError, redactSecrets } from "./errors.ts";
import { type FetchFn, httpGet, type HttpResponse, parseRetryAfter } from "./http.ts";
import type { TokenBucket } from "./rate_limiter.ts";

/** One base URL with what requests to it carry. */
export interface Endpoint {
  /** Label for logs and reports, e.g. `pro` or `public`. */
  readonly name: string;
  readonly baseUrl: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Query parameters added to every request (e.g. an API key). Redacted in messages. */
  readonly query?: Readonly<Record<string, string>>;
  readonly limiter?: TokenBucket;
}

/** What an API-specific inspection of a response found. */
export type ResponseVerdict =
  | undefined
  | { kind: "rate_limit"; message: string; retryAfterMs?: number }
  | { kind: "error"; message: string; retryable?: boolean };

/** Something worth logging or showing as progress. */
export type NetEvent =
  | { type: "retry"; url: string; attempt: number; waitMs: number; reason: string }
  | { type: "rate_limited"; url: string; waitMs: number; reason: string }
  | { type: "fallback"; from: string; to: string; reason: string };

/** Resilience settings every API client accepts (timeouts, retries, breakers, test seams). */
export interface ApiClientOptions {
  /** Per-request timeout, covering the whole body, ms. */
  timeoutMs: number;
  /** Attempts per request on one host, the first included (default 4). */
  maxAttempts?: number;
  /** A server asking to wait longer than this fails the request instead, ms. */
  maxRetryAfterMs?: number;
  /** Exponential backoff with full jitter for 5xx and transport failures (default 500 ms, 30 s cap). */
  backoff?: { baseMs: number; maxMs: number };
  /** Circuit breakers per host (share one registry between clients of a run). */
  breakers?: BreakerRegistry;
  /** Clock for waits (tests pass a manual one). */
  clock?: Clock;
  /** Jitter source (tests fix it). */
  random?: () => number;
  /** The fetch implementation. */
  fetchFn?: FetchFn;
  /** Aborts every request of the client. */
  signal?: AbortSignal;
  /** Retries, fallbacks and waits, for logs and tests. */
  onEvent?: (e: NetEvent) => void;
}

/** Options for {@link ResilientClient}. */
export interface ResilientClientOptions extends ApiClientOptions {
  /** Primary endpoint first; later ones are fallbacks (see the module doc). */
  endpoints: readonly Endpoint[];
  /** Looks at every response for an API-specific error (e.g. an error body with HTTP 200). */
  inspect?: (res: HttpResponse) => ResponseVerdict;
  /** Sees every successful response (e.g. to read a used-weight header). */
  afterResponse?: (res: HttpResponse, endpoint: Endpoint) => void;
}

/** Picks the {@link ApiClientOptions} out of a client's options (leaving its own keys behind). */
export function apiOptionsOf(o: ApiClientOptions): ApiClientOptions {
  return {
    timeoutMs: o.timeoutMs,
    maxAttempts: o.maxAttempts,
    maxRetryAfterMs: o.maxRetryAfterMs,
    backoff: o.backoff,
    breakers: o.breakers,
    clock: o.clock,
    random: o.random,
    fetchFn: o.fetchFn,
    signal: o.signal,
    onEvent: o.onEvent,
  };
}

/** A successful response and the endpoint that gave it. */
export interface ClientResponse extends HttpResponse {
  readonly endpoint: string;
}

/** Per-request options. */
export interface RequestOptions {
  query?: Readonly<Record<string, string | number | undefined>>;
  /** Limiter tokens this request costs (Binance request weight; default 1). */
  weight?: number;
}

const FALLBACK_ON: ReadonlySet<string> = new Set(["refused", "dns", "timeout", "reset"]);

/** See the module documentation. */
export class ResilientClient {
  readonly #o:
    & Required<Pick<ResilientClientOptions, "maxAttempts" | "maxRetryAfterMs">>
    & ResilientClientOptions;
  readonly #clock: Clock;
  readonly #breakers: BreakerRegistry;

  constructor(options: ResilientClientOptions) {
    if (options.endpoints.length === 0) {
      throw new RangeError("Cannot create a client without endpoints");
    }
    this.#o = {
      ...options,
      maxAttempts: options.maxAttempts ?? 4,
      maxRetryAfterMs: options.maxRetryAfterMs ?? 60_000,
    };
    if (!(this.#o.maxAttempts >= 1)) throw new RangeError("maxAttempts must be >= 1");
    this.#clock = options.clock ?? systemClock;
    this.#breakers = options.breakers ?? new BreakerRegistry({ clock: this.#clock });
  }

  /** The endpoints, primary first. */
  get endpoints(): readonly Endpoint[] {
    return this.#o.endpoints;
  }

  #url(ep: Endpoint, path: string, query: RequestOptions["query"]): string {
    const u = new URL(ep.baseUrl.replace(/\/+$/, "") + path);
    for (const [k, v] of Object.entries(query ?? {})) {
      if (v !== undefined) u.searchParams.set(k, String(v));
    }
    for (const [k, v] of Object.entries(ep.query ?? {})) u.searchParams.set(k, v);
    return u.toString();
  }

  #backoff(retry: number): number {
    const b = this.#o.backoff ?? { baseMs: 500, maxMs: 30_000 };
    return backoffDelay(retry, { ...b, random: this.#o.random });
  }

  /**
   * GETs `path` (relative to the endpoint's base URL). Resolves with a 2xx response that passed
   * inspection; rejects with {@link RateLimitError}, {@link HttpStatusError},
   * {@link NetworkError} or {@link CircuitOpenError}.
   */
  async get(path: string, options: RequestOptions = {}): Promise<ClientResponse> {
    const eps = this.#o.endpoints;
    let index = 0;
    let attempt = 0; // attempts on the current endpoint
    const emit = (e: NetEvent) => this.#o.onEvent?.(e);
    const moveOn = (reason: string): boolean => {
      if (index + 1 >= eps.length) return false;
      emit({ type: "fallback", from: eps[index].name, to: eps[index + 1].name, reason });
      index++;
      attempt = 0;
      return true;
    };

    for (;;) {
      const ep = eps[index];
      const url = this.#url(ep, path, options.query);
      const breaker = this.#breakers.for(ep.baseUrl);
      if (!breaker.allowRequest()) {
        const err = new CircuitOpenError(
          new URL(ep.baseUrl).host,
          breaker.lastFailureKind,
          breaker.retryAtMs,
        );
        if (breaker.lastFailureKind === "unreachable" && moveOn(err.message)) continue;
        throw err;
      }
      if (ep.limiter) {
        const pausedFor = ep.limiter.pausedUntil - this.#clock.now();
        if (pausedFor > this.#o.maxRetryAfterMs) {
          throw new RateLimitError(
            `Cannot call ${redactSecrets(url)}: rate-limited for another ${
              Math.ceil(pausedFor / 1000)
            } s`,
            pausedFor,
          );
        }
        await ep.limiter.take(options.weight ?? 1, this.#o.signal);
      }

      let res: HttpResponse;
      try {
        res = await httpGet(url, {
          headers: ep.headers ? { ...ep.headers } : undefined,
          timeoutMs: this.#o.timeoutMs,
          signal: this.#o.signal,
          fetchFn: this.#o.fetchFn,
        });
      } catch (e) {
        if (!(e instanceof NetworkError)) throw e;
        breaker.onFailure("unreachable");
        if (FALLBACK_ON.has(e.kind) && moveOn(e.message)) continue;
        attempt++;
        if (attempt >= this.#o.maxAttempts) throw e;
        const waitMs = this.#backoff(attempt - 1);
        emit({ type: "retry", url: redactSecrets(url), attempt, waitMs, reason: e.kind });
        await this.#clock.sleep(waitMs, this.#o.signal);
        continue;
      }

      const verdict = this.#o.inspect?.(res);
      const now = this.#clock.now();
      const rateLimited = res.status === 429 || res.status === 418 ||
        verdict?.kind === "rate_limit";
      if (rateLimited) {
        // The host is alive: a rate limit is not a breaker failure and never a reason to fall back.
        breaker.onSuccess();
        const header = parseRetryAfter(res.headers.get("retry-after"), now);
        const requested = header ??
          (verdict?.kind === "rate_limit" ? verdict.retryAfterMs : undefined);
        const reason = verdict?.message ?? `HTTP ${res.status}`;
        if (requested !== undefined) ep.limiter?.pauseUntil(now + requested);
        attempt++;
        if (requested !== undefined && requested > this.#o.maxRetryAfterMs) {
          throw new RateLimitError(
            `Rate-limited by ${new URL(ep.baseUrl).host} (${
              redactSecrets(reason)
            }); it asks to wait ${Math.ceil(requested / 1000)} s, more than the ${
              Math.ceil(this.#o.maxRetryAfterMs / 1000)
            } s allowed`,
            requested,
          );
        }
        if (attempt >= this.#o.maxAttempts) {
          throw new RateLimitError(
            `Rate-limited by ${new URL(ep.baseUrl).host} after ${attempt} attempts (${
              redactSecrets(reason)
            })`,
            requested,
          );
        }
        const waitMs = requested && requested > 0
          ? requested
          : Math.max(1000, this.#backoff(attempt - 1));
        emit({ type: "rate_limited", url: redactSecrets(url), waitMs, reason });
        await this.#clock.sleep(waitMs, this.#o.signal);
        continue;
      }

      const serverError = res.status >= 500 || res.status === 408 ||
        (verdict?.kind === "error" && verdict.retryable === true);
      if (serverError) {
        breaker.onFailure("server_error");
        attempt++;
        const detail = verdict?.message ?? snippet(res.body);
        if (attempt >= this.#o.maxAttempts) {
          throw new HttpStatusError(res.status, url, `${detail} (after ${attempt} attempts)`);
        }
        // A 503 may say when to come back; never retry sooner than that (nor wait past the cap).
        const asked = parseRetryAfter(res.headers.get("retry-after"), now);
        if (asked !== undefined && asked > this.#o.maxRetryAfterMs) {
          throw new HttpStatusError(
            res.status,
            url,
            `${detail} (it asks to wait ${Math.ceil(asked / 1000)} s, more than the ${
              Math.ceil(this.#o.maxRetryAfterMs / 1000)
            } s allowed)`,
          );
        }
        const waitMs = Math.max(this.#backoff(attempt - 1), asked ?? 0);
        emit({
          type: "retry",
          url: redactSecrets(url),
          attempt,
          waitMs,
          reason: `HTTP ${res.status}`,
        });
        await this.#clock.sleep(waitMs, this.#o.signal);
        continue;
      }

      breaker.onSuccess();
      if (res.status < 200 || res.status >= 300 || verdict?.kind === "error") {
        throw new HttpStatusError(res.status, url, verdict?.message ?? snippet(res.body));
      }
      this.#o.afterResponse?.(res, ep);
      return { ...res, endpoint: ep.name };
    }
  }
}

function snippet(body: string): string {
  const one = body.replace(/\s+/g, " ").trim();
  return one.length > 200 ? one.slice(0, 200) + "…" : one;
}
