/**
 * Pattern-based redaction of secrets whose values mts does not know: the values of secret-looking
 * query parameters (FRED's `api_key`, CoinGecko's `x_cg_*_api_key`) and passwords in URLs. The
 * configuration's redactor (`lib/config/redact.ts`) adds every configured secret's value on top.
 * @module
 */

const SECRET_PARAM =
  /([?&](?:api_key|apikey|key|token|access_token|x_cg_pro_api_key|x_cg_demo_api_key)=)[^&#\s)"']*/gi;
const URL_CREDENTIALS = /(\b[a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*:)[^@/?#\s]*@/gi;

/**
 * Replaces the values of secret-looking query parameters (`api_key=…`) and the passwords of URLs
 * (`redis://user:…@host`) in any text with `***`.
 */
export function redactSecrets(text: string): string {
  return text.replace(SECRET_PARAM, "$1***").replace(URL_CREDENTIALS, "$1***@");
}
