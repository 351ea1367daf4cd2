/**
 * Text encoding of trial data for Redis (datasets under `mts:dataset:<hash>`, outcomes as BullMQ
 * return values): JSON in which a `Float64Array` is `{"$f64": "<base64 of its little-endian
 * bytes>"}` and a non-finite number is `{"$num": "NaN" | "Infinity" | "-Infinity"}`, so that
 * every value — bars, equity curves, NaN metrics — reads back bit for bit, which plain JSON
 * (NaN → null) would not do.
 * @module
 */

/** The base64 methods of Uint8Array (ES2026; in Deno 2.9, not yet in TypeScript's lib). */
interface Base64Bytes {
  toBase64(): string;
}
const fromBase64 = (Uint8Array as unknown as { fromBase64(s: string): Uint8Array }).fromBase64;
const toBase64 = (b: Uint8Array) => (b as unknown as Base64Bytes).toBase64();

const NON_FINITE: Record<string, number> = { NaN, Infinity, "-Infinity": -Infinity };
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function bytesOf(a: Float64Array): Uint8Array {
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  if (LITTLE_ENDIAN) return bytes;
  const out = new Uint8Array(a.byteLength), view = new DataView(out.buffer);
  a.forEach((x, i) => view.setFloat64(i * 8, x, true));
  return out;
}

function float64Of(base64: string): Float64Array {
  const copy = fromBase64(base64);
  if (LITTLE_ENDIAN) return new Float64Array(copy.buffer);
  const view = new DataView(copy.buffer), out = new Float64Array(copy.byteLength / 8);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat64(i * 8, true);
  return out;
}

/** Encodes a value (see the module doc). */
export function encodeTrialData(value: unknown): string {
  return JSON.stringify(value, (_k, v) => {
    if (v instanceof Float64Array) return { $f64: toBase64(bytesOf(v)) };
    if (typeof v === "number" && !Number.isFinite(v)) return { $num: String(v) };
    return v;
  });
}

/** Decodes what {@link encodeTrialData} wrote. */
export function decodeTrialData<T = unknown>(text: string): T {
  return JSON.parse(text, (_k, v) => {
    if (v && typeof v === "object" && !Array.isArray(v)) {
      const keys = Object.keys(v);
      if (keys.length === 1 && typeof v.$f64 === "string") return float64Of(v.$f64);
      if (keys.length === 1 && typeof v.$num === "string" && v.$num in NON_FINITE) {
        return NON_FINITE[v.$num];
      }
    }
    return v;
  }) as T;
}
