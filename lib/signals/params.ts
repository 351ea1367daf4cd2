/**
 * Strategy parameters: the one resolver. Defaults (`strategies/<name>.json`) deep-merged with
 * user overrides (`--params`, an API body), validated by the strategy's zod schema. Parameter
 * names are snake_case, like the seed's JSON configs.
 * @module
 */
import { z } from "zod";

/** Parameters as a strategy receives them: a validated, complete object. */
export type Params = Record<string, unknown>;

/** One problem a {@link ParamSchema} reports (the shape of a zod issue that mts reads). */
export interface ParamIssue {
  /** Key path of the bad value. */
  readonly path: readonly PropertyKey[];
  /** What is wrong. */
  readonly message: string;
  /** The kind of problem (zod's issue code, e.g. `unrecognized_keys`). */
  readonly code?: string;
  /** For `unrecognized_keys`: the unknown keys. */
  readonly keys?: readonly string[];
}

/** What {@link ParamSchema.safeParse} returns (structurally, a zod `safeParse` result). */
export type ParamParseResult<P> =
  | { readonly success: true; readonly data: P }
  | { readonly success: false; readonly error: { readonly issues: readonly ParamIssue[] } };

/**
 * What mts needs of a strategy's parameter schema: `safeParse`. Every zod v4 schema fits
 * (write schemas with `z.strictObject` so unknown keys are rejected).
 */
export interface ParamSchema<P extends Params = Params> {
  /** Validates `input`, returning the complete parameter object or the issues. */
  safeParse(input: unknown): ParamParseResult<P>;
}

/** The parameter type a {@link ParamSchema} produces. */
export type ParamsOf<S> = S extends ParamSchema<infer P> ? P : never;

/** One bad parameter: its key path (`correlation_thresholds.strong_negative`) and the problem. */
export interface ParamProblem {
  /** Dotted key path; empty for the object itself (e.g. an unknown key, named in `message`). */
  readonly path: string;
  /** What is wrong, as zod says it. */
  readonly message: string;
}

/**
 * Parameters that do not validate. Callers catch it to answer "bad input" (exit 2 for a
 * `--params` flag, 400 for an API request) rather than "failed".
 */
export class StrategyParamsError extends RangeError {
  /** `strategy`'s parameters have `problems` (at least one). */
  constructor(readonly strategy: string, readonly problems: readonly ParamProblem[]) {
    super(
      `Cannot use parameters for ${strategy}: ${
        problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join("; ")
      }`,
    );
    this.name = "StrategyParamsError";
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Deep-merges `override` onto `base`: objects merge key by key, anything else (arrays
 * included) replaces.
 */
export function deepMerge(base: unknown, override: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(override)) {
    return override === undefined ? base : override;
  }
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(override)) out[k] = deepMerge(base[k], v);
  return out;
}

/**
 * Merges `overrides` onto `defaults` (nested objects such as `correlation_thresholds` key by
 * key; arrays replace) and validates the result with `schema`. Throws a
 * {@link StrategyParamsError} naming the strategy and each bad or unknown key path.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { z } from "zod";
 * import { resolveParams } from "./params.ts";
 *
 * const schema = z.strictObject({
 *   window: z.int().min(2),
 *   thresholds: z.strictObject({ low: z.number(), high: z.number() }),
 * });
 * const defaults = { window: 30, thresholds: { low: -0.6, high: 0.6 } };
 * assert.deepEqual(resolveParams("demo", schema, defaults, { thresholds: { low: -0.5 } }), {
 *   window: 30,
 *   thresholds: { low: -0.5, high: 0.6 },
 * });
 * assert.throws(
 *   () => resolveParams("demo", schema, defaults, { windw: 10 }),
 *   /Cannot use parameters for demo: .*windw/,
 * );
 * ```
 */
export function resolveParams<S extends ParamSchema>(
  strategy: string,
  schema: S,
  defaults: unknown,
  overrides: unknown = {},
): ParamsOf<S> {
  if (overrides !== undefined && !isPlainObject(overrides)) {
    throw new StrategyParamsError(strategy, [{ path: "", message: "expected a JSON object" }]);
  }
  const parsed = schema.safeParse(deepMerge(defaults, overrides));
  if (parsed.success) return parsed.data as ParamsOf<S>;
  throw new StrategyParamsError(
    strategy,
    parsed.error.issues.map((i) => ({
      path: i.path.join("."),
      message: i.message + (i.code === "unrecognized_keys" ? snakeCaseHint(i.keys ?? []) : ""),
    })),
  );
}

/** ` (parameter names are snake_case: allow_short)` for camelCase keys such as `allowShort`. */
function snakeCaseHint(keys: readonly string[]): string {
  const snake = keys.filter((k) => /[A-Z]/.test(k))
    .map((k) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`));
  return snake.length ? ` (parameter names are snake_case: ${snake.join(", ")})` : "";
}

/** The seed's per-strategy risk settings (`risk_management` in a strategy's JSON). */
export const riskManagementSchema: z.ZodType<RiskManagement> = z.strictObject({
  max_position_size: z.number().gt(0).lte(1),
  stop_loss_pct: z.number().gt(0).lt(1),
  take_profit_pct: z.number().gt(0),
});

/** Validated `risk_management` settings (fractions). */
export interface RiskManagement {
  /** Cap on the strategy's own signal size, as a fraction of equity. */
  readonly max_position_size: number;
  /** Stop-loss distance from the entry price. */
  readonly stop_loss_pct: number;
  /** Take-profit distance from the entry price. */
  readonly take_profit_pct: number;
}

/** The stop-loss / take-profit fields a signal carries for `risk` (none without it). */
export function stopsOf(risk: RiskManagement | undefined): {
  stopLoss?: number;
  takeProfit?: number;
} {
  return risk ? { stopLoss: risk.stop_loss_pct, takeProfit: risk.take_profit_pct } : {};
}
