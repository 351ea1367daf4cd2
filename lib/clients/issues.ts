/**
 * What a client's parser noticed in a payload that it could still use (duplicates, out-of-order
 * points, missing values). Services turn these into data-quality ledger entries; clients cannot
 * import storage, so the shape lives here.
 * @module
 */

/** One finding in an API payload. */
export interface PayloadIssue {
  /** `duplicate`, `conflicting_duplicate`, `out_of_order`, `missing_value`, … */
  readonly kind: string;
  readonly ts?: number;
  readonly field?: string;
  readonly detail: string;
  /** The endpoint the payload came from (never with secrets). */
  readonly location: string;
}

/** Formats a zod issue path like `prices[3][1]` or `observations[2].value`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else out += out === "" ? String(p) : `.${String(p)}`;
  }
  return out === "" ? "(root)" : out;
}

/** Parses text as JSON, or returns `undefined` (error bodies are sniffed before validation). */
export function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
