/**
 * One redactor for every text mts shows, logs or stores: it removes the value of every
 * configured secret (API keys, `API_SECRET_KEY`, passwords inside URL-valued variables) wherever
 * it appears — in an error body a server echoed, a URL, a message — plus secret-looking query
 * parameters (`api_key=…`) and URL credentials (`//user:pass@`) whose values mts does not know.
 *
 * Built once from the resolved configuration ({@link redactorFor}) and applied at the log sink,
 * in the task edge's error report, by the HTTP layer and by the services before an error text is
 * stored.
 * @module
 */
import { redactSecrets } from "../core/redact.ts";
import type { ResolvedConfig } from "./config.ts";

/** A function that returns `text` with every secret replaced by `***`. */
export type Redactor = (text: string) => string;

/**
 * Secrets shorter than this are not searched for: replacing every `ab` in every message would
 * garble output without protecting anything a guess would not find.
 */
export const MIN_SECRET_LENGTH = 4;

const MASK = "***";

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * The forms in which `secret` may appear in a text: as is, and percent-encoded (in a URL query).
 */
function formsOf(secret: string): string[] {
  const forms = new Set([secret]);
  try {
    forms.add(encodeURIComponent(secret));
  } catch { /* a lone surrogate cannot be encoded: the raw form is enough */ }
  return [...forms];
}

/**
 * Builds a redactor for the given secret values (empty and very short ones are ignored).
 *
 * @example
 * ```ts
 * import { createRedactor } from "./redact.ts";
 * const redact = createRedactor(["CG-abc123"]);
 * redact("bad key CG-abc123"); // "bad key ***"
 * ```
 */
export function createRedactor(secrets: readonly (string | undefined)[]): Redactor {
  const forms = secrets
    .filter((s): s is string => typeof s === "string" && s.length >= MIN_SECRET_LENGTH)
    .flatMap(formsOf)
    // longest first, so that a secret containing another is replaced whole
    .sort((a, b) => b.length - a.length);
  const known = forms.length ? new RegExp(forms.map(escapeRegExp).join("|"), "g") : undefined;
  return (text: string) => {
    return redactSecrets(known ? text.replace(known, MASK) : text);
  };
}

/** The password of a URL-valued setting, if it has one (raw and decoded). */
function urlPassword(value: string | undefined): string[] {
  if (!value || !value.includes("@")) return [];
  try {
    const u = new URL(value);
    if (!u.password) return [];
    return [u.password, decodeURIComponent(u.password)];
  } catch {
    return [];
  }
}

/**
 * Every secret value of a resolved configuration: the API keys, the API secret key, and the
 * passwords of URL-valued settings (Redis, the database, proxies set as base URLs).
 */
export function secretValues(c: ResolvedConfig): string[] {
  const urls = [
    c.redis.url,
    c.databasePath,
    c.coingecko.baseUrl,
    c.coingecko.proBaseUrl,
    c.binance.baseUrl,
    c.binance.futuresBaseUrl,
    c.binance.wsUrl,
    c.bybit.baseUrl,
    c.bybit.wsUrl,
    c.fred.baseUrl,
    c.cboeVixUrl,
  ];
  return [
    c.coingecko.apiKey,
    c.fred.apiKey,
    c.api.secretKey,
    c.arbitrage.webhookUrl,
    ...urls.flatMap(urlPassword),
  ].filter((s): s is string => s !== undefined && s !== "");
}

/**
 * The redactor for a resolved configuration (see the module documentation).
 *
 * @example
 * ```ts
 * import { resolveConfig } from "./config.ts";
 * import { redactorFor } from "./redact.ts";
 * const redact = redactorFor(resolveConfig({ FRED_API_KEY: "abcd1234" }));
 * redact("error: key abcd1234 is invalid"); // "error: key *** is invalid"
 * ```
 */
export function redactorFor(c: ResolvedConfig): Redactor {
  return createRedactor(secretValues(c));
}
