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
import { BreakerRegistry, type BreakerState, type CircuitBreaker } from "./circuit_breaker.ts";
import { type Clock, systemClock } from "./clock.ts";
import { CircuitOpenError, HttpStatusError, NetworkError, redactSecrets } from "./errors.ts";
import { type FetchFn, httpGet, type HttpResponse, parseRetryAfter } from "./http.ts";
import type { TokenBucket } from "./rate_limiter.ts";

/** One base URL with what requests to it carry. */
export interface Endpoint {
  /** Label for logs and reports, e.g. `pro` or `public`. */
  readonly name: string;
  /** Base URL that request paths are appended to. */
  readonly baseUrl: string;
  /** Headers sent with every request (e.g. an API key header). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Query parameters added to every request (e.g. an API key). Redacted in messages. */
  readonly query?: Readonly<Record<string, string>>;
  /** Rate limiter consulted before every request to this endpoint. */
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

/** How one HTTP attempt ended. */
export type AttemptOutcome = "ok" | "rate_limited" | "server_error" | "unreachable" | "error";

/**
 * What a monitor (the API server's `/metrics`) is told besides the {@link NetEvent}s: every
 * attempt's outcome, and every change of a host's circuit breaker as this client observed it
 * (open turns half-open when a request finds the cooldown over).
 */
export type ClientObservation =
  | { type: "attempt"; endpoint: string; outcome: AttemptOutcome }
  | { type: "circuit"; endpoint: string; host: string; state: BreakerState };

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
  /** Attempt outcomes and circuit changes (monitoring; no progress display needs them). */
  onObservation?: (o: ClientObservation) => void;
  /**
   * Removes configured secrets from every text the client puts into an error or an event (a
   * server may echo the API key in its error body). Query-string keys are redacted regardless.
   */
  redact?: (text: string) => string;
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
    onObservation: o.onObservation,
    redact: o.redact,
  };
}

/** A successful response and the endpoint that gave it. */
export interface ClientResponse extends HttpResponse {
  /** The name of the endpoint that answered. */
  readonly endpoint: string;
}

/** Per-request options. */
export interface RequestOptions {
  /** Query parameters (undefined values are left out). */
  query?: Readonly<Record<string, string | number | undefined>>;
  /** Limiter tokens this request costs (Binance request weight; default 1). */
  weight?: number;
}

const FALLBACK_ON: ReadonlySet<string> = new Set(["refused", "dns", "timeout", "reset"]);

/** Where one `get` stands: which endpoint it is on and how many attempts it made there. */
interface RequestState {
  index: number;
  attempts: number;
}

/** What to do after one attempt: return, wait and try again, or go on to the next endpoint. */
type Step =
  | { readonly kind: "done"; readonly response: ClientResponse }
  | { readonly kind: "retry"; readonly waitMs: number; readonly event: NetEvent }
  | { readonly kind: "fallback" };

/** How a response is to be treated, before the policy decides what to do about it. */
type ResponseClass = "rate_limited" | "server_error" | "final";

/** See the module documentation. */
export class ResilientClient {
  readonly #o:
    & Required<Pick<ResilientClientOptions, "maxAttempts" | "maxRetryAfterMs">>
    & ResilientClientOptions;
  readonly #clock: Clock;
  readonly #breakers: BreakerRegistry;
  /** The circuit state last reported per base URL (the first attempt reports "closed"). */
  readonly #circuits = new Map<string, BreakerState>();
  #sent = 0;

  /** Validates the options; throws a RangeError without endpoints or with `maxAttempts < 1`. */
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

  /**
   * HTTP requests this client has sent so far: every attempt counts — retries after a 429 or a
   * 5xx, attempts that found the host unreachable and attempts on a fallback endpoint.
   */
  get requestsSent(): number {
    return this.#sent;
  }

  /**
   * GETs `path` (relative to the endpoint's base URL). Resolves with a 2xx response that passed
   * inspection; rejects with {@link RateLimitError}, {@link HttpStatusError},
   * {@link NetworkError} or {@link CircuitOpenError}.
   */
  async get(path: string, options: RequestOptions = {}): Promise<ClientResponse> {
    const state: RequestState = { index: 0, attempts: 0 };
    for (;;) {
      const ep = this.#o.endpoints[state.index];
      const url = this.#url(ep, path, options.query);
      const breaker = this.#breakers.for(ep.baseUrl);
      if (!this.#admit(state, ep, breaker)) continue;
      await this.#throttle(ep, url, options.weight ?? 1);
      const sent = await this.#send(ep, url);
      let step: Step;
      try {
        step = sent instanceof NetworkError
          ? this.#afterUnreachable(state, sent, breaker, url)
          : this.#afterResponse(state, sent, ep, breaker, url);
      } finally {
        this.#observe(ep, breaker, sent);
      }
      if (step.kind === "done") return step.response;
      if (step.kind === "retry") await this.#wait(step);
    }
  }

  /** Tells the monitor how the attempt ended and whether the host's circuit changed. */
  #observe(ep: Endpoint, breaker: CircuitBreaker, sent: HttpResponse | NetworkError): void {
    if (!this.#o.onObservation) return;
    const outcome: AttemptOutcome = sent instanceof NetworkError
      ? "unreachable"
      : outcomeOf(sent, this.#o.inspect?.(sent));
    this.#o.onObservation({ type: "attempt", endpoint: ep.name, outcome });
    this.#noteCircuit(ep, breaker);
  }

  #noteCircuit(ep: Endpoint, breaker: CircuitBreaker): void {
    if (!this.#o.onObservation) return;
    const state = breaker.state;
    if (this.#circuits.get(ep.baseUrl) === state) return;
    this.#circuits.set(ep.baseUrl, state);
    this.#o.onObservation({
      type: "circuit",
      endpoint: ep.name,
      host: new URL(ep.baseUrl).host,
      state,
    });
  }

  #url(ep: Endpoint, path: string, query: RequestOptions["query"]): string {
    const u = new URL(ep.baseUrl.replace(/\/+$/, "") + path);
    for (const [k, v] of Object.entries(query ?? {})) {
      if (v !== undefined) u.searchParams.set(k, String(v));
    }
    for (const [k, v] of Object.entries(ep.query ?? {})) u.searchParams.set(k, v);
    return u.toString();
  }

  /** Text safe for a message or an event: configured secrets, then key-like parameters. */
  #clean(text: string): string {
    return redactSecrets(this.#o.redact ? this.#o.redact(text) : text);
  }

  #backoff(retry: number): number {
    const b = this.#o.backoff ?? { baseMs: 500, maxMs: 30_000 };
    return backoffDelay(retry, { ...b, random: this.#o.random });
  }

  /** Moves to the next endpoint, if there is one (see the fallback policy in the module doc). */
  #fallBack(state: RequestState, reason: string): boolean {
    const eps = this.#o.endpoints;
    if (state.index + 1 >= eps.length) return false;
    this.#o.onEvent?.({
      type: "fallback",
      from: eps[state.index].name,
      to: eps[state.index + 1].name,
      reason: this.#clean(reason),
    });
    state.index++;
    state.attempts = 0;
    return true;
  }

  /**
   * Step 1: may a request go to this host? An open breaker means no: after unreachable-host
   * failures the next endpoint is tried (returns false), after server errors the caller gets
   * {@link CircuitOpenError}.
   */
  #admit(state: RequestState, ep: Endpoint, breaker: CircuitBreaker): boolean {
    const allowed = breaker.allowRequest();
    this.#noteCircuit(ep, breaker);
    if (allowed) return true;
    const err = new CircuitOpenError(
      new URL(ep.baseUrl).host,
      breaker.lastFailureKind,
      breaker.retryAtMs,
    );
    if (breaker.lastFailureKind === "unreachable" && this.#fallBack(state, err.message)) {
      return false;
    }
    throw err;
  }

  /** Step 2: the endpoint's rate limiter, refusing at once when it is paused for too long. */
  async #throttle(ep: Endpoint, url: string, weight: number): Promise<void> {
    if (!ep.limiter) return;
    const pausedFor = ep.limiter.pausedUntil - this.#clock.now();
    if (pausedFor > this.#o.maxRetryAfterMs) {
      throw new RateLimitError(
        `Cannot call ${this.#clean(url)}: rate-limited for another ${
          Math.ceil(pausedFor / 1000)
        } s`,
        pausedFor,
      );
    }
    await ep.limiter.take(weight, this.#o.signal);
  }

  /** Step 3: one HTTP attempt (counted); an unreachable host comes back as the error. */
  async #send(ep: Endpoint, url: string): Promise<HttpResponse | NetworkError> {
    this.#sent++;
    try {
      return await httpGet(url, {
        headers: ep.headers ? { ...ep.headers } : undefined,
        timeoutMs: this.#o.timeoutMs,
        signal: this.#o.signal,
        fetchFn: this.#o.fetchFn,
      });
    } catch (e) {
      if (e instanceof NetworkError) return e;
      throw e;
    }
  }

  /** Step 4a: no answer. Fall back when the host is unreachable, else back off and retry. */
  #afterUnreachable(
    state: RequestState,
    e: NetworkError,
    breaker: CircuitBreaker,
    url: string,
  ): Step {
    breaker.onFailure("unreachable");
    if (FALLBACK_ON.has(e.kind) && this.#fallBack(state, e.message)) return { kind: "fallback" };
    state.attempts++;
    if (state.attempts >= this.#o.maxAttempts) throw e;
    const waitMs = this.#backoff(state.attempts - 1);
    return {
      kind: "retry",
      waitMs,
      event: {
        type: "retry",
        url: this.#clean(url),
        attempt: state.attempts,
        waitMs,
        reason: e.kind,
      },
    };
  }

  /** Step 4b: an answer. Classify it, then apply the rate-limit, server-error or final rule. */
  #afterResponse(
    state: RequestState,
    res: HttpResponse,
    ep: Endpoint,
    breaker: CircuitBreaker,
    url: string,
  ): Step {
    const verdict = this.#o.inspect?.(res);
    const now = this.#clock.now();
    switch (classify(res, verdict)) {
      case "rate_limited":
        return this.#afterRateLimit(state, res, verdict, ep, breaker, url, now);
      case "server_error":
        return this.#afterServerError(state, res, verdict, breaker, url, now);
      case "final":
        return { kind: "done", response: this.#accept(res, verdict, ep, breaker, url) };
    }
  }

  /**
   * A 429/418 or a rate-limit body: the host is alive (not a breaker failure, never a reason to
   * fall back). Wait what it asks (Retry-After or the body's hint), or back off at least 1 s.
   */
  #afterRateLimit(
    state: RequestState,
    res: HttpResponse,
    verdict: ResponseVerdict,
    ep: Endpoint,
    breaker: CircuitBreaker,
    url: string,
    now: number,
  ): Step {
    breaker.onSuccess();
    const header = parseRetryAfter(res.headers.get("retry-after"), now);
    const requested = header ?? (verdict?.kind === "rate_limit" ? verdict.retryAfterMs : undefined);
    const reason = this.#clean(verdict?.message ?? `HTTP ${res.status}`);
    if (requested !== undefined) ep.limiter?.pauseUntil(now + requested);
    state.attempts++;
    const host = new URL(ep.baseUrl).host;
    if (requested !== undefined && requested > this.#o.maxRetryAfterMs) {
      throw new RateLimitError(
        `Rate-limited by ${host} (${reason}); it asks to wait ${
          Math.ceil(requested / 1000)
        } s, more than the ${Math.ceil(this.#o.maxRetryAfterMs / 1000)} s allowed`,
        requested,
      );
    }
    if (state.attempts >= this.#o.maxAttempts) {
      throw new RateLimitError(
        `Rate-limited by ${host} after ${state.attempts} attempts (${reason})`,
        requested,
      );
    }
    const waitMs = requested && requested > 0
      ? requested
      : Math.max(1000, this.#backoff(state.attempts - 1));
    return {
      kind: "retry",
      waitMs,
      event: { type: "rate_limited", url: this.#clean(url), waitMs, reason },
    };
  }

  /**
   * A 5xx, 408 or a retryable error body: a breaker failure, retried with backoff — never sooner
   * than a Retry-After the server gave (nor when it asks for longer than allowed).
   */
  #afterServerError(
    state: RequestState,
    res: HttpResponse,
    verdict: ResponseVerdict,
    breaker: CircuitBreaker,
    url: string,
    now: number,
  ): Step {
    breaker.onFailure("server_error");
    state.attempts++;
    const detail = verdict?.message ?? snippet(res.body);
    if (state.attempts >= this.#o.maxAttempts) {
      throw this.#statusError(res.status, url, `${detail} (after ${state.attempts} attempts)`);
    }
    const asked = parseRetryAfter(res.headers.get("retry-after"), now);
    if (asked !== undefined && asked > this.#o.maxRetryAfterMs) {
      throw this.#statusError(
        res.status,
        url,
        `${detail} (it asks to wait ${Math.ceil(asked / 1000)} s, more than the ${
          Math.ceil(this.#o.maxRetryAfterMs / 1000)
        } s allowed)`,
      );
    }
    const waitMs = Math.max(this.#backoff(state.attempts - 1), asked ?? 0);
    return {
      kind: "retry",
      waitMs,
      event: {
        type: "retry",
        url: this.#clean(url),
        attempt: state.attempts,
        waitMs,
        reason: `HTTP ${res.status}`,
      },
    };
  }

  /** Step 5: the final answer — a 2xx that passed inspection, or an error that is not retried. */
  #accept(
    res: HttpResponse,
    verdict: ResponseVerdict,
    ep: Endpoint,
    breaker: CircuitBreaker,
    url: string,
  ): ClientResponse {
    breaker.onSuccess();
    if (res.status < 200 || res.status >= 300 || verdict?.kind === "error") {
      throw this.#statusError(res.status, url, verdict?.message ?? snippet(res.body));
    }
    this.#o.afterResponse?.(res, ep);
    return { ...res, endpoint: ep.name };
  }

  #statusError(status: number, url: string, detail: string): HttpStatusError {
    return new HttpStatusError(status, this.#clean(url), this.#clean(detail));
  }

  /** Step 6: tell the listener, then sleep (abortable) before the next attempt. */
  async #wait(step: { waitMs: number; event: NetEvent }): Promise<void> {
    this.#o.onEvent?.(step.event);
    await this.#clock.sleep(step.waitMs, this.#o.signal);
  }
}

/** Sorts a response into the rate-limit, server-error or final rule. */
function classify(res: HttpResponse, verdict: ResponseVerdict): ResponseClass {
  if (res.status === 429 || res.status === 418 || verdict?.kind === "rate_limit") {
    return "rate_limited";
  }
  if (
    res.status >= 500 || res.status === 408 ||
    (verdict?.kind === "error" && verdict.retryable === true)
  ) {
    return "server_error";
  }
  return "final";
}

/** The monitor's name for an answer. */
function outcomeOf(res: HttpResponse, verdict: ResponseVerdict): AttemptOutcome {
  const c = classify(res, verdict);
  if (c !== "final") return c;
  return res.status >= 200 && res.status < 300 && verdict?.kind !== "error" ? "ok" : "error";
}

function snippet(body: string): string {
  const one = body.replace(/\s+/g, " ").trim();
  return one.length > 200 ? one.slice(0, 200) + "…" : one;
}
