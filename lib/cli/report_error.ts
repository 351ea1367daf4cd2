/**
 * The one place a task's failure reaches the terminal: one line, `mts <task>: <reason>`, with
 * configured secrets redacted and control characters escaped, and an exit code — 2 for a usage
 * error (a bad flag), 1 for everything else.
 * @module
 */
import {
  ConfigError,
  DataError,
  DataGapError,
  RateLimitError,
  UsageError,
} from "../core/errors.ts";
import { escapeControls } from "../core/text.ts";
import { getLogger } from "../log/logger.ts";

/** Error classes whose message is written for users; others keep their class name in front. */
function isUserFacing(e: Error): boolean {
  return e instanceof UsageError || e instanceof ConfigError || e instanceof DataError ||
    e instanceof DataGapError || e instanceof RateLimitError || e instanceof RangeError;
}

/** The reason shown for `e`: permission errors say where permissions are defined. */
export function errorReason(e: Error): string {
  if (e instanceof Deno.errors.NotCapable) {
    const what = e.message.replace(/, run again with the .* flags?$/, "").replace(
      /^Requires\s*/,
      "",
    );
    return `${what} is not granted by this task's permission set in deno.json ` +
      `(see docs/configuration.md, "Permissions")`;
  }
  return isUserFacing(e) ? e.message : `${e.name}: ${e.message}`;
}

/**
 * Prints `mts <task>: <reason>` on one line of standard error and returns the exit code for
 * `e`. The text goes through `redact` (the configured secrets) and has its control characters
 * escaped.
 *
 * @example
 * ```ts
 * import { reportError } from "./report_error.ts";
 * import { UsageError } from "../core/errors.ts";
 * reportError("demo", new UsageError('--days: expected a whole number from 1 to 3650, got "0"'));
 * // prints: mts demo: --days: expected a whole number from 1 to 3650, got "0" (see --help)
 * // returns 2
 * ```
 */
export function reportError(
  name: string,
  e: unknown,
  redact: (text: string) => string = (t) => t,
): number {
  const err = e instanceof Error ? e : new Error(String(e));
  const usage = err instanceof UsageError;
  const reason = escapeControls(redact(errorReason(err)), { singleLine: true });
  console.error(`mts ${name}: ${reason}${usage ? " (see --help)" : ""}`);
  try {
    getLogger(name).error(err.message, { error: err.name });
  } catch { /* logging is best effort on the error path */ }
  return usage ? 2 : 1;
}
