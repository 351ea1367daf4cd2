/**
 * Error classes callers catch by type. Everything else uses the built-in classes.
 * @module
 */

/** A configuration variable or file has a bad value. Carries the variable's name. */
export class ConfigError extends Error {
  /** `message` names the problem; `variable` the variable (or file) at fault. */
  constructor(message: string, readonly variable?: string) {
    super(message);
    this.name = "ConfigError";
  }
}

/** Input data (CSV row, API payload) could not be used. Says where: file and line, or endpoint. */
export class DataError extends Error {
  /** `where` (file:line, endpoint) is prefixed to `message`. */
  constructor(message: string, readonly where?: string) {
    super(where ? `${where}: ${message}` : message);
    this.name = "DataError";
  }
}

/** A remote service said "slow down". `retryAfterMs` is its requested wait, when it gave one. */
export class RateLimitError extends Error {
  /** `retryAfterMs`: the wait the service asked for, if any. */
  constructor(message: string, readonly retryAfterMs?: number) {
    super(message);
    this.name = "RateLimitError";
  }
}

/** A series has holes where the caller needs continuous data. */
export class DataGapError extends Error {
  /** `gaps`: the missing ranges (UTC ms, from inclusive, to exclusive). */
  constructor(message: string, readonly gaps: readonly { from: number; to: number }[] = []) {
    super(message);
    this.name = "DataGapError";
  }
}

/** A user-supplied command-line argument is invalid. */
export class UsageError extends Error {
  /** `message`: one line naming the flag and the accepted form. */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
