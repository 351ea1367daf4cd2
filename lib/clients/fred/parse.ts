/**
 * FRED `series/observations` (JSON) → macro observations, validated with zod. Pure.
 *
 * Values are strings; `"."` means missing and becomes a `missing_value` issue, not an observation.
 * Error bodies look like `{"error_code": 400, "error_message": "Bad Request. ..."}`.
 * @module
 */
import { z } from "zod";
import type { MacroObservation } from "../../core/candle.ts";
import { macroValueProblem } from "../../core/bounds.ts";
import { DataError } from "../../core/errors.ts";
import { parseUtcDate } from "../../core/time.ts";
import { fieldPath, type PayloadIssue, tryJson } from "../issues.ts";

const envelope = z.object({
  count: z.number().int().nonnegative(),
  offset: z.number().int().nonnegative(),
  limit: z.number().int().positive(),
  observations: z.array(z.object({
    date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected YYYY-MM-DD"),
    value: z.string(),
    realtime_start: z.string().optional(),
    realtime_end: z.string().optional(),
  })),
});

/** A parsed observations page. */
export interface FredPage {
  readonly observations: MacroObservation[];
  readonly issues: PayloadIssue[];
  readonly count: number;
  readonly offset: number;
  readonly limit: number;
}

/** A FRED error body, or `undefined`. */
export function fredError(body: string): { code: number; message: string } | undefined {
  const j = tryJson(body) as Record<string, unknown> | undefined;
  if (j && typeof j === "object" && "error_code" in j) {
    return { code: Number(j.error_code), message: String(j.error_message ?? "error") };
  }
  return undefined;
}

/** Parses one observations page (see the module doc). */
export function parseObservations(body: unknown, endpoint: string): FredPage {
  const r = envelope.safeParse(body);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new DataError(`invalid payload: field ${fieldPath(i.path)}: ${i.message}`, endpoint);
  }
  const issues: PayloadIssue[] = [];
  const observations: MacroObservation[] = [];
  const seen = new Set<number>();
  let prev = -Infinity;
  r.data.observations.forEach((o, i) => {
    const ts = parseUtcDate(o.date);
    if (Number.isNaN(ts)) {
      throw new DataError(
        `invalid payload: field observations[${i}].date: not a date: ${o.date}`,
        endpoint,
      );
    }
    if (o.value === ".") {
      issues.push({
        kind: "missing_value",
        ts,
        field: "value",
        detail: `FRED reports no value for ${o.date} (".")`,
        location: endpoint,
      });
      return;
    }
    if (!/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(o.value.trim())) {
      throw new DataError(
        `invalid payload: field observations[${i}].value: expected a number or ".", got ${
          JSON.stringify(o.value)
        }`,
        endpoint,
      );
    }
    if (ts <= prev) {
      issues.push({
        kind: seen.has(ts) ? "duplicate" : "out_of_order",
        ts,
        detail: `observation ${o.date} comes after a later or equal date`,
        location: endpoint,
      });
    }
    prev = Math.max(prev, ts);
    seen.add(ts);
    const value = Number(o.value);
    const problem = macroValueProblem(value);
    if (problem) {
      throw new DataError(
        `invalid payload: field observations[${i}].value: ${problem}`,
        endpoint,
      );
    }
    observations.push({ ts, value });
  });
  const byTs = new Map(observations.map((o) => [o.ts, o]));
  return {
    observations: [...byTs.values()].sort((a, b) => a.ts - b.ts),
    issues,
    count: r.data.count,
    offset: r.data.offset,
    limit: r.data.limit,
  };
}
