/**
 * The API clients' metrics (`mts_api_client_*`): what the CoinGecko, Binance, Bybit, FRED and
 * CBOE clients report through their monitor hook (`ApiClientMonitor` of
 * `lib/services/api_clients.ts`) when they run in the service's process (`serve --schedule`),
 * counted on the service's registry. The clients never import prom-client.
 * @module
 */
import { Counter, Gauge, type Registry } from "prom-client";
import type { BreakerState } from "../net/circuit_breaker.ts";
import type { ClientObservation, NetEvent } from "../net/resilient_client.ts";

/** The API clients' metrics. */
export interface ClientMetrics {
  /** HTTP attempts by client, endpoint and outcome (ok, rate_limited, server_error, …). */
  readonly requests: Counter<"client" | "endpoint" | "outcome">;
  /** Retries by client and cause (rate_limited, server_error, unreachable). */
  readonly retries: Counter<"client" | "cause">;
  /** Switches to a fallback endpoint, by client, from and to. */
  readonly fallbacks: Counter<"client" | "from" | "to">;
  /** Circuit breaker state per client and host: 0 closed, 1 half-open, 2 open. */
  readonly circuit: Gauge<"client" | "host">;
}

/** The gauge value of a breaker state. */
export const CIRCUIT_VALUE: Readonly<Record<BreakerState, number>> = {
  closed: 0,
  half_open: 1,
  open: 2,
};

/** Registers the API clients' metrics on `registry`. */
export function clientMetrics(registry: Registry): ClientMetrics {
  const registers = [registry];
  return {
    requests: new Counter({
      name: "mts_api_client_requests_total",
      help: "HTTP attempts of the API clients run by this process, by client, endpoint and outcome",
      labelNames: ["client", "endpoint", "outcome"],
      registers,
    }),
    retries: new Counter({
      name: "mts_api_client_retries_total",
      help: "Retries of the API clients run by this process, by client and cause",
      labelNames: ["client", "cause"],
      registers,
    }),
    fallbacks: new Counter({
      name: "mts_api_client_fallbacks_total",
      help: "Switches of the API clients to a fallback endpoint (an unreachable host)",
      labelNames: ["client", "from", "to"],
      registers,
    }),
    circuit: new Gauge({
      name: "mts_api_client_circuit_state",
      help:
        "Circuit breaker state per client and host as last observed: 0 closed, 1 half-open, 2 open",
      labelNames: ["client", "host"],
      registers,
    }),
  };
}

/** Counts one client event (the monitor `serve` hands the scheduler's jobs). */
export function recordClientEvent(
  m: ClientMetrics,
  client: string,
  e: NetEvent | ClientObservation,
): void {
  switch (e.type) {
    case "attempt":
      m.requests.inc({ client, endpoint: e.endpoint, outcome: e.outcome });
      return;
    case "circuit":
      m.circuit.set({ client, host: e.host }, CIRCUIT_VALUE[e.state]);
      return;
    case "fallback":
      m.fallbacks.inc({ client, from: e.from, to: e.to });
      return;
    case "rate_limited":
      m.retries.inc({ client, cause: "rate_limited" });
      return;
    case "retry":
      m.retries.inc({ client, cause: /^HTTP /.test(e.reason) ? "server_error" : "unreachable" });
      return;
  }
}
