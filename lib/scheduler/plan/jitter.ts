/**
 * Jitter: each job starts a little after its slot, by an offset derived from its name, so that
 * many instances (or many jobs) do not call an API in the same second. The offset is at most 10 %
 * of the slot's length and at most 30 s, and is the same on every machine and every restart —
 * a hash of the name, not a random draw.
 * @module
 */
import { createHash } from "node:crypto";

/** Largest jitter, whatever the period. */
export const MAX_JITTER_MS = 30_000;
/** Largest jitter as a fraction of the period. */
export const MAX_JITTER_FRACTION = 0.1;

/** A number in [0, 1) from the first 32 bits of the SHA-256 of `name`. */
export function nameFraction(name: string): number {
  const hex = createHash("sha256").update(name).digest("hex").slice(0, 8);
  return parseInt(hex, 16) / 2 ** 32;
}

/**
 * The start offset of job `name` in a slot of `periodMs`: in
 * `[0, min(10 % of periodMs, 30 s)]`, whole milliseconds, the same for the same inputs.
 *
 * @example
 * ```ts
 * import { jitterMs } from "./jitter.ts";
 * jitterMs("collect", 3_600_000) <= 30_000; // true
 * jitterMs("collect", 2_000) <= 200; // true
 * ```
 */
export function jitterMs(name: string, periodMs: number): number {
  const cap = Math.floor(Math.min(MAX_JITTER_MS, MAX_JITTER_FRACTION * periodMs));
  return Math.floor(nameFraction(name) * (cap + 1));
}
