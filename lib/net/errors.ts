/**
 * Errors raised by the HTTP layer, and URL redaction so that API keys passed in query strings
 * (FRED's `api_key`, CoinGecko's `x_cg_*_api_key`) and passwords in URLs never reach a message or
 * a log. Clients may also pass a redactor that knows the configured secrets themselves
 * (`ApiClientOptions.redact`): this pattern-based one catches what no configuration names.
 * @module
 */

import { redactSecrets } from "../core/redact.ts";

export { redactSecrets };

/** Why a host could not be reached. */
export type NetworkErrorKind = "refused" | "dns" | "timeout" | "reset" | "other";

/** The request never got an HTTP answer: connection refused, DNS failure, timeout, reset. */
export class NetworkError extends Error {
  /** The URL, with secrets redacted (the error may be serialised into a log). */
  readonly url: string;
  constructor(readonly kind: NetworkErrorKind, url: string, detail: string) {
    super(`Cannot reach ${redactSecrets(url)}: ${kind} (${redactSecrets(detail)})`);
    this.name = "NetworkError";
    this.url = redactSecrets(url);
  }
}

/** The server answered with a status the caller cannot use (after any retries). */
export class HttpStatusError extends Error {
  /** The URL, with secrets redacted (the error may be serialised into a log). */
  readonly url: string;
  /** The server's message, with secrets redacted. */
  readonly detail: string;
  constructor(readonly status: number, url: string, detail: string) {
    super(`HTTP ${status} from ${redactSecrets(url)}${detail ? `: ${redactSecrets(detail)}` : ""}`);
    this.name = "HttpStatusError";
    this.url = redactSecrets(url);
    this.detail = redactSecrets(detail);
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
