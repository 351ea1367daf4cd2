/**
 * Field readers for hand-written frame validation. The parsers run on every WebSocket frame; an
 * equivalent zod schema was 1.5× slower on 10-level depth frames (JSON parse included,
 * `bench/streams_bench.ts`) and would still need the exact-price check on top, so they check
 * fields with these small readers instead. Each reader either returns a typed value or throws a
 * {@link FrameError} naming the source, the field path and what was wrong; the path string is only
 * built when something is wrong.
 * @module
 */
import { escapeControls, excerpt } from "../core/text.ts";
import { FrameError } from "./errors.ts";

/** A JSON object as it came from `JSON.parse`. */
export type Obj = Record<string, unknown>;

/** A capped, control-free rendering of an untrusted value for an error message. */
export function show(v: unknown): string {
  let text: string;
  try {
    text = v === undefined ? "nothing" : JSON.stringify(v) ?? String(v);
  } catch {
    text = String(v);
  }
  return escapeControls(excerpt(text), { singleLine: true });
}

/** Parses `text` as JSON; a syntax error becomes a {@link FrameError} on the root. */
export function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new FrameError(where, "(root)", `not JSON (${(e as Error).message})`);
  }
}

/** `prefix` + `key` as a field path (`data.b`, or `b` at the root). */
export function path(prefix: string, key: string | number): string {
  if (typeof key === "number") return `${prefix}[${key}]`;
  return prefix === "" ? key : `${prefix}.${key}`;
}

/** Whether `v` is a plain JSON object (not an array, not null). */
export function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** `v` as an object, or a {@link FrameError} at `field`. */
export function asObj(v: unknown, where: string, field: string): Obj {
  if (!isObj(v)) throw new FrameError(where, field, `expected an object, got ${show(v)}`);
  return v;
}

/** `o[key]` as a safe non-negative integer (ids, times in ms). */
export function uint(o: Obj, key: string, where: string, prefix = ""): number {
  const v = o[key];
  if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) return v;
  throw new FrameError(where, path(prefix, key), `expected a non-negative integer, got ${show(v)}`);
}

/** `o[key]` as a safe integer that may be negative (Binance `pu` is -1 before the first event). */
export function int(o: Obj, key: string, where: string, prefix = ""): number {
  const v = o[key];
  if (typeof v === "number" && Number.isSafeInteger(v)) return v;
  throw new FrameError(where, path(prefix, key), `expected an integer, got ${show(v)}`);
}

/** `o[key]` as a non-empty string. */
export function str(o: Obj, key: string, where: string, prefix = ""): string {
  const v = o[key];
  if (typeof v === "string" && v.length > 0) return v;
  throw new FrameError(where, path(prefix, key), `expected a non-empty string, got ${show(v)}`);
}

const SIGNED_DECIMAL = /^-?\d{1,30}(\.\d{1,30})?$/;
const UINT_STRING = /^\d{1,16}$/;

/** `o[key]` as a (possibly negative) plain decimal string, such as a funding rate. */
export function decimal(o: Obj, key: string, where: string, prefix = ""): string {
  const v = o[key];
  if (typeof v === "string" && SIGNED_DECIMAL.test(v)) return v;
  throw new FrameError(where, path(prefix, key), `expected a decimal string, got ${show(v)}`);
}

/** Like {@link decimal}, but `""` (Binance and Bybit send it for dated futures) gives `null`. */
export function decimalOrEmpty(o: Obj, key: string, where: string, prefix = ""): string | null {
  return o[key] === "" ? null : decimal(o, key, where, prefix);
}

/** `o[key]` as a string of digits (`"1760342400000"`) read as a safe integer; `""` gives `null`. */
export function uintStringOrEmpty(
  o: Obj,
  key: string,
  where: string,
  prefix = "",
): number | null {
  const v = o[key];
  if (v === "") return null;
  if (typeof v === "string" && UINT_STRING.test(v)) {
    const n = Number(v);
    if (Number.isSafeInteger(n)) return n;
  }
  throw new FrameError(
    where,
    path(prefix, key),
    `expected a string of digits or "", got ${show(v)}`,
  );
}
