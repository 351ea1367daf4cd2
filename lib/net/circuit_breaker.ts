/**
 * Per-host circuit breaker: after `failureThreshold` consecutive failures the circuit opens and
 * requests fail fast for `cooldownMs`; then one trial request is let through (half-open) — success
 * closes the circuit, failure opens it again. This keeps a dead host from being hammered.
 * @module
 */
import { type Clock, systemClock } from "./clock.ts";

/** Breaker state. */
export type BreakerState = "closed" | "open" | "half_open";

/** What kind of failure opened the circuit. */
export type FailureKind = "unreachable" | "server_error";

/** Options for {@link CircuitBreaker}. */
export interface CircuitBreakerOptions {
  failureThreshold?: number;
  cooldownMs?: number;
  clock?: Clock;
}

/** One host's breaker. */
export class CircuitBreaker {
  readonly failureThreshold: number;
  readonly cooldownMs: number;
  readonly #clock: Clock;
  #failures = 0;
  #openedAt = -1;
  #trialInFlight = false;
  #lastKind: FailureKind = "unreachable";

  constructor(options: CircuitBreakerOptions = {}) {
    this.failureThreshold = options.failureThreshold ?? 5;
    this.cooldownMs = options.cooldownMs ?? 30_000;
    this.#clock = options.clock ?? systemClock;
    if (!(this.failureThreshold >= 1)) {
      throw new RangeError("Cannot create a circuit breaker: failureThreshold must be >= 1");
    }
  }

  /** Current state (open turns half-open once the cooldown has passed). */
  get state(): BreakerState {
    if (this.#openedAt < 0) return "closed";
    return this.#clock.now() - this.#openedAt >= this.cooldownMs ? "half_open" : "open";
  }

  /** The kind of the most recent failure. */
  get lastFailureKind(): FailureKind {
    return this.#lastKind;
  }

  /** When an open circuit lets a trial request through, UTC ms. */
  get retryAtMs(): number {
    return this.#openedAt < 0 ? this.#clock.now() : this.#openedAt + this.cooldownMs;
  }

  /** True when a request may be sent now; in half-open state only one trial at a time. */
  allowRequest(): boolean {
    const s = this.state;
    if (s === "closed") return true;
    if (s === "open") return false;
    if (this.#trialInFlight) return false;
    this.#trialInFlight = true;
    return true;
  }

  /** Records a success: the circuit closes. */
  onSuccess(): void {
    this.#failures = 0;
    this.#openedAt = -1;
    this.#trialInFlight = false;
  }

  /** Records a failure; opens the circuit at the threshold or when a half-open trial fails. */
  onFailure(kind: FailureKind): void {
    this.#lastKind = kind;
    this.#failures++;
    const wasTrial = this.#trialInFlight;
    this.#trialInFlight = false;
    if (wasTrial || this.#failures >= this.failureThreshold) this.#openedAt = this.#clock.now();
  }
}

/** Breakers keyed by host (URL origin), shared by every client of a process. */
export class BreakerRegistry {
  readonly #breakers = new Map<string, CircuitBreaker>();
  constructor(private readonly options: CircuitBreakerOptions = {}) {}

  /** The breaker of `url`'s origin, created on first use. */
  for(url: string): CircuitBreaker {
    const host = new URL(url).origin;
    let b = this.#breakers.get(host);
    if (!b) {
      b = new CircuitBreaker(this.options);
      this.#breakers.set(host, b);
    }
    return b;
  }
}
