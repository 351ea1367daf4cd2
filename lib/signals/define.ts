/**
 * The one way to define a strategy: {@link defineStrategy}. A definition bundles the registry
 * name, the zod schema of the complete parameter object, the defaults (the contents of
 * `strategies/<name>.json`) and the factory; the parameter type of the factory is inferred from
 * the schema, so no definition needs a cast.
 *
 * ```ts
 * import { z } from "zod";
 * import { defineStrategy } from "./define.ts";
 *
 * const schema = z.strictObject({ period: z.int().min(1) });
 * export const myStrategy = defineStrategy({
 *   name: "my_strategy",
 *   className: "MyStrategy",
 *   description: "One line for --help",
 *   schema,
 *   defaults: { period: 10 },
 *   make: (p) => ({ name: "my_strategy", params: p, warmup: p.period, macroSeries: [], onBar: () => [] }),
 * });
 * ```
 * Register it in `strategies/mod.ts`; the library never imports strategies.
 * @module
 */
import type { Strategy } from "../core/strategy.ts";
import { type Params, type ParamSchema, type ParamsOf, resolveParams } from "./params.ts";

/** Everything a runner needs to know about one strategy. */
export interface StrategyDefinition<P extends Params = Params> {
  /** Registry name in snake_case, e.g. `sma_cross`. */
  readonly name: string;
  /** The seed's class-style name, e.g. `SmaCrossStrategy` (accepted wherever a name is). */
  readonly className: string;
  /** One line for `--help` and listings. */
  readonly description: string;
  /** The validated defaults (`strategies/<name>.json` with schema defaults filled in). */
  readonly defaults: Readonly<P>;
  /** The schema of a complete parameter object (for listings such as the API's JSON Schema). */
  readonly schema?: ParamSchema;
  /**
   * `overrides` deep-merged over the defaults and validated; throws `StrategyParamsError`
   * naming each bad key path.
   */
  params(overrides?: unknown): P;
  /** A fresh instance (strategies keep per-run state) with `overrides` applied as in `params`. */
  create(overrides?: unknown): Strategy;
}

/** What {@link defineStrategy} takes. */
export interface StrategySpec<S extends ParamSchema> {
  /** Registry name in snake_case. */
  readonly name: string;
  /** Class-style alias, e.g. `SmaCrossStrategy`. */
  readonly className: string;
  /** One line for `--help` and listings. */
  readonly description: string;
  /** Validates a *complete* parameter object; reject unknown keys (`z.strictObject`). */
  readonly schema: S;
  /** Default parameters: the contents of `strategies/<name>.json`. */
  readonly defaults: unknown;
  /** Builds a fresh instance from validated parameters. */
  make(params: ParamsOf<S>): Strategy;
}

/**
 * Defines a strategy. The defaults are validated now, so a broken `strategies/<name>.json` fails
 * when the module loads, not in the middle of a run.
 *
 * @example Overrides merge over the defaults and are validated
 * ```ts
 * import assert from "node:assert/strict";
 * import { z } from "zod";
 * import { defineStrategy } from "./define.ts";
 * import { StrategyParamsError } from "./params.ts";
 *
 * const every = defineStrategy({
 *   name: "every_n",
 *   className: "EveryNStrategy",
 *   description: "Example",
 *   schema: z.strictObject({ period: z.int().min(1), allow_short: z.boolean() }),
 *   defaults: { period: 10, allow_short: false },
 *   make: (p) => ({ name: "every_n", params: p, warmup: p.period, macroSeries: [], onBar: () => [] }),
 * });
 * assert.deepEqual(every.params({ period: 3 }), { period: 3, allow_short: false });
 * assert.equal(every.create({ period: 3 }).warmup, 3);
 * assert.throws(() => every.params({ period: 0 }), StrategyParamsError);
 * ```
 */
export function defineStrategy<S extends ParamSchema>(
  spec: StrategySpec<S>,
): StrategyDefinition<ParamsOf<S>> {
  const defaults = resolveParams(spec.name, spec.schema, spec.defaults);
  const params = (overrides?: unknown) =>
    resolveParams(spec.name, spec.schema, defaults, overrides);
  return {
    name: spec.name,
    className: spec.className,
    description: spec.description,
    defaults,
    schema: spec.schema,
    params,
    create: (overrides?: unknown) => spec.make(params(overrides)),
  };
}
