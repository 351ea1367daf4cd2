/**
 * Parsers for flag values, one per kind (integer, number with a range, duration, date, choice,
 * interval, list, pairs, JSON), all failing with one message form:
 *
 * ```text
 * --<flag>: expected <what>, got "<value>"
 * ```
 *
 * as a {@link UsageError} (exit code 2). Each takes the raw string (`undefined` when the flag was
 * not given) and the flag's name without dashes; the value is echoed capped and escaped.
 * @module
 */
import { UsageError } from "../core/errors.ts";
import { escapeControls, safeEcho } from "../core/text.ts";
import {
  DATE_RANGE_TEXT,
  DAY_MS,
  type Interval,
  INTERVALS,
  isInterval,
  parseDateArg,
} from "../core/time.ts";

/**
 * Throws the one usage-error form every flag parser uses. The value is capped and escaped; the
 * detail (the parser's own explanation) is escaped only.
 */
export function badFlag(flag: string, expected: string, got: string, detail?: string): never {
  const why = detail ? ` (${escapeControls(detail, { singleLine: true })})` : "";
  throw new UsageError(`--${flag}: expected ${expected}, got "${safeEcho(got)}"${why}`);
}

function toNumber(value: string): number {
  return value.trim() === "" ? NaN : Number(value);
}

/**
 * Reads a whole-number flag: `fallback` when absent, otherwise an integer in [min, max].
 *
 * @example
 * ```ts
 * import { intFlag } from "./flags.ts";
 * intFlag("7", "days", { min: 1, max: 365, fallback: 1 }); // 7
 * ```
 */
export function intFlag(
  value: string | undefined,
  flag: string,
  range: { min: number; max: number; fallback: number },
): number {
  if (value === undefined) return range.fallback;
  const n = toNumber(value);
  if (!Number.isInteger(n) || n < range.min || n > range.max) {
    badFlag(flag, `a whole number from ${range.min} to ${range.max}`, value);
  }
  return n;
}

/** Bounds of a {@link numberFlag}; a bound is inclusive unless marked exclusive. */
export interface NumberRange {
  /** Smallest accepted value. */
  readonly min?: number;
  /** Largest accepted value. */
  readonly max?: number;
  /** `min` itself is refused. */
  readonly minExclusive?: boolean;
  /** `max` itself is refused. */
  readonly maxExclusive?: boolean;
}

/** Says a range the way the messages do: `a number in [0, 10000)`, `a number > 0`. */
export function describeRange(r: NumberRange): string {
  if (r.min !== undefined && r.max !== undefined) {
    return `a number in ${r.minExclusive ? "(" : "["}${r.min}, ${r.max}${
      r.maxExclusive ? ")" : "]"
    }`;
  }
  if (r.min !== undefined) return `a number ${r.minExclusive ? ">" : ">="} ${r.min}`;
  if (r.max !== undefined) return `a number ${r.maxExclusive ? "<" : "<="} ${r.max}`;
  return "a number";
}

function inRange(n: number, r: NumberRange): boolean {
  if (!Number.isFinite(n)) return false;
  if (r.min !== undefined && (r.minExclusive ? n <= r.min : n < r.min)) return false;
  if (r.max !== undefined && (r.maxExclusive ? n >= r.max : n > r.max)) return false;
  return true;
}

/**
 * Reads a finite number within `range`; `undefined` when the flag is absent.
 *
 * @example
 * ```ts
 * import { numberFlag } from "./flags.ts";
 * numberFlag("20", "slippage-bps", { min: 0, max: 10_000, maxExclusive: true }); // 20
 * ```
 */
export function numberFlag(
  value: string | undefined,
  flag: string,
  range: NumberRange = {},
): number | undefined {
  if (value === undefined) return undefined;
  const n = toNumber(value);
  if (!inRange(n, range)) badFlag(flag, describeRange(range), value);
  return n;
}

const DURATION_UNIT_MS = { ms: 1, s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7 } as const;

/**
 * Reads a duration such as `36h`, `2d`, `90m`, `30s`, `500ms` (or a bare `0`) as milliseconds;
 * `undefined` when absent.
 *
 * @example
 * ```ts
 * import { durationFlag } from "./flags.ts";
 * durationFlag("36h", "publication-lag"); // 129600000
 * ```
 */
export function durationFlag(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === "0") return 0;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(value.trim());
  if (!m) badFlag(flag, "a duration such as 36h, 2d or 90m", value);
  return Math.round(Number(m[1]) * DURATION_UNIT_MS[m[2] as keyof typeof DURATION_UNIT_MS]);
}

const DATE_FORM = `a UTC date YYYY-MM-DD or time YYYY-MM-DDTHH:MM:SSZ, ${DATE_RANGE_TEXT}`;

/**
 * Reads a date flag through {@link parseDateArg} (the one date rule of CSV files and flags) as
 * UTC milliseconds; `undefined` when absent. With `endOfDay`, a date alone means the last
 * millisecond of that day (`--end 2023-12-31` includes the 31st). Dates outside 1970..2100 are refused.
 *
 * @example
 * ```ts
 * import { dateFlag } from "./flags.ts";
 * dateFlag("2024-01-02", "start"); // 1704153600000
 * ```
 */
export function dateFlag(
  value: string | undefined,
  flag: string,
  options: { endOfDay?: boolean } = {},
): number | undefined {
  if (value === undefined) return undefined;
  let t: number;
  try {
    t = parseDateArg(value, `--${flag}`);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    badFlag(flag, DATE_FORM, value);
  }
  // Date.UTC maps years 0..99 to 1900..1999: check the year as written, not only the time.
  const year = Number(/^\s*(\d{4})/.exec(value)?.[1]);
  if (!(t >= 0) || !(year >= 1970)) badFlag(flag, DATE_FORM, value);
  return options.endOfDay && /^\d{4}-\d{2}-\d{2}$/.test(value.trim()) ? t + DAY_MS - 1 : t;
}

/**
 * Reads one of a fixed set of words; `undefined` when absent.
 *
 * @example
 * ```ts
 * import { choiceFlag } from "./flags.ts";
 * choiceFlag("open", "fill", ["open", "close"] as const); // "open"
 * ```
 */
export function choiceFlag<T extends string>(
  value: string | undefined,
  flag: string,
  choices: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if (!(choices as readonly string[]).includes(value)) {
    badFlag(flag, `one of ${choices.join(", ")}`, value);
  }
  return value as T;
}

/** Reads a bar interval (`1h`, `1d`, …); `undefined` when absent. */
export function intervalFlag(value: string | undefined, flag = "interval"): Interval | undefined {
  if (value === undefined) return undefined;
  if (!isInterval(value)) badFlag(flag, `an interval, one of ${INTERVALS.join(", ")}`, value);
  return value;
}

/**
 * Splits a list flag (`a,b`, or `a b` after {@link parseFlags} joined them) into its items;
 * `undefined` when absent, `[]` when given empty.
 *
 * @example
 * ```ts
 * import { listFlag } from "./flags.ts";
 * listFlag("bitcoin, ethereum"); // ["bitcoin", "ethereum"]
 * ```
 */
export function listFlag(value: string | string[] | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const parts = Array.isArray(value) ? value : [value];
  return parts.flatMap((p) => p.split(/[\s,]+/)).map((s) => s.trim()).filter(Boolean);
}

/**
 * Reads `name=value` pairs separated by commas (`VIX=36h,DXY=2d`); `[]` when absent.
 *
 * @example
 * ```ts
 * import { pairsFlag } from "./flags.ts";
 * pairsFlag("a=1,b=2", "weights", "strategy=weight"); // [["a", "1"], ["b", "2"]]
 * ```
 */
export function pairsFlag(
  value: string | undefined,
  flag: string,
  form: string,
): [string, string][] {
  return (listFlag(value) ?? []).map((p) => {
    const i = p.indexOf("=");
    if (i <= 0 || i === p.length - 1) badFlag(flag, `${form} pairs separated by commas`, p);
    return [p.slice(0, i).trim(), p.slice(i + 1).trim()];
  });
}

/**
 * Reads a JSON object flag (`--params '{"fast":10}'`); `undefined` when absent.
 *
 * @example
 * ```ts
 * import { jsonFlag } from "./flags.ts";
 * jsonFlag('{"fast":10}', "params"); // { fast: 10 }
 * ```
 */
export function jsonFlag(
  value: string | undefined,
  flag: string,
): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (e) {
    badFlag(flag, "a JSON object", value, (e as Error).message);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    badFlag(flag, "a JSON object", value);
  }
  return parsed as Record<string, unknown>;
}

/**
 * Refuses a range whose start lies after its end, naming both flags.
 *
 * @example
 * ```ts
 * import { checkOrder } from "./flags.ts";
 * checkOrder({ flag: "start", value: 1 }, { flag: "end", value: 2 }); // passes
 * ```
 */
export function checkOrder(
  start: { flag: string; value: number | undefined; text?: string },
  end: { flag: string; value: number | undefined; text?: string },
): void {
  if (start.value === undefined || end.value === undefined || start.value <= end.value) return;
  throw new UsageError(
    `--${start.flag} ${safeEcho(start.text ?? String(start.value))} is after --${end.flag} ${
      safeEcho(end.text ?? String(end.value))
    }: expected a start no later than the end`,
  );
}
