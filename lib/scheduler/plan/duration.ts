/**
 * Durations as the scheduler reads them, in the job file and in its flags: a number with a unit —
 * `30s`, `15m`, `6h`, `1d` (decimals allowed: `1.5h`) — or a bare number, which means minutes, as
 * in the seed (`--interval 30`). Everything is whole milliseconds.
 * @module
 */

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** The accepted forms, for messages. */
export const DURATION_FORM = "a duration such as 30s, 15m, 6h or 1d (a bare number means minutes)";

/**
 * Milliseconds of `value` (see the module doc), or `undefined` when it is not a duration.
 *
 * @example
 * ```ts
 * import { parseDuration } from "./duration.ts";
 * parseDuration("6h"); // 21600000
 * parseDuration(30); // 1800000 (minutes)
 * parseDuration("soon"); // undefined
 * ```
 */
export function parseDuration(value: string | number): number | undefined {
  if (typeof value === "number") {
    return Number.isFinite(value) && value >= 0 ? Math.round(value * UNIT_MS.m) : undefined;
  }
  const m = /^(\d+(?:\.\d+)?)\s*([smhd]?)$/.exec(value.trim());
  if (!m) return undefined;
  const unit = (m[2] || "m") as keyof typeof UNIT_MS;
  return Math.round(Number(m[1]) * UNIT_MS[unit]);
}

/**
 * A duration written back in the largest unit that divides it: `21600000` → `6h`, `90000` →
 * `90s`; less than a second is written in ms.
 *
 * @example
 * ```ts
 * import { formatDuration } from "./duration.ts";
 * formatDuration(3_600_000); // "1h"
 * ```
 */
export function formatDuration(ms: number): string {
  if (ms === 0) return "0s";
  for (const unit of ["d", "h", "m", "s"] as const) {
    if (ms >= UNIT_MS[unit] && ms % UNIT_MS[unit] === 0) return `${ms / UNIT_MS[unit]}${unit}`;
  }
  return `${ms}ms`;
}
