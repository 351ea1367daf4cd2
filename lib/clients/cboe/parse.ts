/**
 * CBOE's VIX history CSV (`VIX_History.csv`): header `DATE,OPEN,HIGH,LOW,CLOSE`, dates written
 * `MM/DD/YYYY`. Pure. The CSV itself is parsed by the importer's parser; this module only checks
 * that the body is that CSV (not a CDN error page) and rewrites the dates as ISO `YYYY-MM-DD`.
 * @module
 */
import { DataError } from "../../core/errors.ts";

/**
 * Returns the CSV with `MM/DD/YYYY` dates rewritten as `YYYY-MM-DD` (ISO dates pass through).
 * Throws a {@link DataError} naming `endpoint` when the header is not CBOE's.
 */
export function normalizeVixCsv(text: string, endpoint: string): string {
  const body = text.replace(/^\uFEFF/, "");
  const nl = body.indexOf("\n");
  const header = (nl === -1 ? body : body.slice(0, nl)).trim();
  if (!/^date,open,high,low,close$/i.test(header.replace(/\s+/g, ""))) {
    throw new DataError(
      `invalid payload: expected the header DATE,OPEN,HIGH,LOW,CLOSE, got ${
        JSON.stringify(header.slice(0, 60))
      }`,
      endpoint,
    );
  }
  return body.replace(
    /^(\s*)(\d{1,2})\/(\d{1,2})\/(\d{4})(?=,)/gm,
    (_m, ws: string, mo: string, d: string, y: string) =>
      `${ws}${y}-${mo.padStart(2, "0")}-${d.padStart(2, "0")}`,
  );
}
