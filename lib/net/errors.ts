/**
 * Errors raised by the HTTP layer, and URL redaction so that API keys passed in query strings
 * (FRED's `api_key`, CoinGecko's `x_cg_*_api_key`) never reach a message or a log.
 * @module
 */

const SECRET_PARAM =
  /([?&](?:api_key|apikey|key|token|x_cg_pro_api_key|x_cg_demo_api_key)=)[^&#\s)]*/gi;

/** Replaces the values of secret-looking query parameters in any text with `***`. */
export function redactSecrets(text: string): string {
  return text.replace(SECRET_PARAM, "$1***");
}

/** Why a host could not be reached. */
export type NetworkErrorKind = "refused" | "dns" | "timeout" | "reset" | "other";

/** The request never got an HTTP answer: connection refused, DNS failure, timeout, reset. */
export class NetworkError extends Error {
  constructor(readonly kind: NetworkErrorKind, readonly url: string, detail: string) {
    super(`Cannot reach ${redactSecrets(url)}: ${kind} (${redactSecrets(detail)})`);
    this.name = "NetworkError";
  }
}

/** The server answered with a status the caller cannot use (after any retries). */
export class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    readonly url: string,
    readonly detail: string,
  ) {
    super(`HTTP ${status} from ${redactSecrets(url)}${detail ? `: ${redactSecrets(detail)}` : ""}`);
    this.name = "HttpStatusError";
  }
}

/** A host's circuit breaker is open, so the request was not sent. */
export class CircuitOpenError extends Error {
  constructor(
    readonly host: string,
    readonly reason: "unreachable" | "server_error",
    readonly retryAtMs: number,
  ) {
    super(`Cannot call ${host}: circuit open after repeated ${reason.replace("_", " ")} failures`);
    this.name = "CircuitOpenError";
  }
}
