/**
 * Builds the API clients a collection run needs from the resolved configuration, so that tasks
 * never construct clients themselves: the price source for `collect` (CoinGecko per plan, or
 * Binance) and the macro clients for `macro` (FRED with a key, CBOE's VIX history without one).
 * Every client of a run shares one set of circuit breakers, the run's abort signal, its event
 * sink (progress) and the redactor of configured secrets.
 *
 * Before any request, {@link checkNetAccess} verifies that the task may reach every host the
 * configuration points at, so a proxy or mirror missing from the permission set is one line,
 * not a failure deep inside a retry loop.
 * @module
 */
import { BinanceClient } from "../clients/binance/client.ts";
import { CboeClient } from "../clients/cboe/client.ts";
import { CoinGeckoClient } from "../clients/coingecko/client.ts";
import { FredClient } from "../clients/fred/client.ts";
import type { ResolvedConfig } from "../config/config.ts";
import { ConfigError } from "../core/errors.ts";
import { BreakerRegistry } from "../net/circuit_breaker.ts";
import { type ConfiguredUrl, missingNetPermissions } from "../net/permissions.ts";
import type { ApiClientOptions, ClientObservation, NetEvent } from "../net/resilient_client.ts";
import { binanceSource, coinGeckoSource, type PriceSource } from "./price_sources.ts";

/** The price sources `collect` can use. */
export const PRICE_SOURCES = ["coingecko", "binance"] as const;

/** A price source's name. */
export type PriceSourceName = typeof PRICE_SOURCES[number];

/** Everything a client reports: its retries, waits and fallbacks, attempts and circuit changes. */
export type ApiClientEvent = NetEvent | ClientObservation;

/**
 * Told of every {@link ApiClientEvent} with the client's name (`coingecko`, `binance`,
 * `binance_futures`, `bybit`, `fred`, `cboe`): how `deno task serve` feeds its `/metrics`
 * (`lib/server/client_metrics.ts`) without the clients knowing about Prometheus.
 */
export type ApiClientMonitor = (client: string, e: ApiClientEvent) => void;

/** What every client of one run shares. */
export interface RunWiring {
  /** Aborts every request of the run (Ctrl-C). */
  readonly signal: AbortSignal;
  /** Retries, rate-limit waits and fallbacks (for a progress display). */
  readonly onEvent: (e: NetEvent) => void;
  /** Removes configured secrets from every error text the clients produce. */
  readonly redact: (text: string) => string;
  /** Monitoring of every client of the run (the API server's metrics), when set. */
  readonly monitor?: ApiClientMonitor;
}

/**
 * The configuration's resilience settings (timeout, retries, backoff) for every client of one
 * run, sharing one set of circuit breakers, the run's abort signal, its event sink and redactor;
 * `client` names the client to the run's monitor.
 */
export function apiClientOptions(
  config: ResolvedConfig,
  wiring: RunWiring,
  client = "api",
): ApiClientOptions {
  const monitor = wiring.monitor;
  return {
    timeoutMs: config.httpTimeoutMs,
    maxAttempts: config.http.maxRetries + 1,
    maxRetryAfterMs: config.http.maxRetryWaitMs,
    backoff: { baseMs: config.http.backoffBaseMs, maxMs: 30_000 },
    breakers: new BreakerRegistry(),
    signal: wiring.signal,
    onEvent: monitor
      ? (e) => {
        wiring.onEvent(e);
        monitor(client, e);
      }
      : wiring.onEvent,
    onObservation: monitor ? (o) => monitor(client, o) : undefined,
    redact: wiring.redact,
  };
}

/** The hosts a price source calls, with the variables that set them. */
export function priceSourceUrls(config: ResolvedConfig, name: PriceSourceName): ConfiguredUrl[] {
  if (name === "binance") return [{ variable: "BINANCE_BASE_URL", url: config.binance.baseUrl }];
  return [
    ...(config.coingecko.plan === "pro"
      ? [{ variable: "COINGECKO_PRO_BASE_URL", url: config.coingecko.proBaseUrl }]
      : []),
    { variable: "COINGECKO_BASE_URL", url: config.coingecko.baseUrl },
  ];
}

/** The hosts a macro run calls: FRED with a key; CBOE for VIX without one. */
export function macroUrls(
  config: ResolvedConfig,
  indicators: readonly string[],
): ConfiguredUrl[] {
  const hasKey = config.fred.apiKey !== undefined;
  return [
    ...(hasKey ? [{ variable: "FRED_BASE_URL", url: config.fred.baseUrl }] : []),
    ...(!hasKey && indicators.includes("VIX")
      ? [{ variable: "CBOE_VIX_URL", url: config.cboeVixUrl }]
      : []),
  ];
}

/** Throws one {@link ConfigError} naming every host the task may not reach. */
export async function checkNetAccess(urls: readonly ConfiguredUrl[]): Promise<void> {
  const denied = await missingNetPermissions(urls);
  if (denied.length) throw new ConfigError(denied.join("; "));
}

function coinGeckoClient(config: ResolvedConfig, wiring: RunWiring): CoinGeckoClient {
  return new CoinGeckoClient({
    ...apiClientOptions(config, wiring, "coingecko"),
    plan: config.coingecko.plan,
    apiKey: config.coingecko.apiKey,
    baseUrl: config.coingecko.baseUrl,
    proBaseUrl: config.coingecko.proBaseUrl,
    ratePerMinute: config.coingecko.ratePerMinute,
  });
}

/** The configured price source `name`, its clients built from the configuration. */
export function priceSourceFor(
  config: ResolvedConfig,
  name: PriceSourceName,
  wiring: RunWiring,
): PriceSource {
  if (name === "coingecko") return coinGeckoSource(coinGeckoClient(config, wiring));
  const binance = new BinanceClient({
    ...apiClientOptions(config, wiring, "binance"),
    baseUrl: config.binance.baseUrl,
    weightPerMinute: config.binance.weightPerMinute,
  });
  return binanceSource(binance, config.binance.symbolMap);
}

/** CoinGecko's `/ping` through the configured plan: the greeting and the endpoint that answered. */
export function pingCoinGecko(
  config: ResolvedConfig,
  wiring: RunWiring,
): Promise<{ message: string; endpoint: string }> {
  return coinGeckoClient(config, wiring).ping();
}

/** The macro clients for `indicators`: FRED when a key is set, else CBOE when VIX is asked. */
export function macroClientsFor(
  config: ResolvedConfig,
  indicators: readonly string[],
  wiring: RunWiring,
): { fred?: FredClient; cboe?: CboeClient } {
  if (config.fred.apiKey !== undefined) {
    return {
      fred: new FredClient({
        ...apiClientOptions(config, wiring, "fred"),
        apiKey: config.fred.apiKey,
        baseUrl: config.fred.baseUrl,
        ratePerMinute: config.fred.ratePerMinute,
      }),
    };
  }
  return indicators.includes("VIX")
    ? {
      cboe: new CboeClient({
        ...apiClientOptions(config, wiring, "cboe"),
        vixUrl: config.cboeVixUrl,
      }),
    }
    : {};
}
