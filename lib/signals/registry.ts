/**
 * The strategy registry: name → definition (zod parameter schema, defaults from
 * `strategies/<name>.json`, factory). Names are matched loosely, so `sma_cross`, `sma-cross`,
 * `SmaCross` and the seed's class-style `SmaCrossStrategy` all find the same strategy.
 *
 * To add a strategy: write `strategies/<name>.ts` exporting a {@link StrategyDefinition} (and
 * `strategies/<name>.json` with its defaults), then add one line to {@link STRATEGY_DEFINITIONS}.
 * @module
 */
import type { z } from "zod";
import type { Strategy } from "../core/strategy.ts";
import { deepMerge } from "./params.ts";
import { buyHoldDefinition } from "../../strategies/buy_hold.ts";
import { smaCrossDefinition } from "../../strategies/sma_cross.ts";
import { vixCorrelationDefinition } from "../../strategies/vix_correlation.ts";
import { meanReversionDefinition } from "../../strategies/mean_reversion.ts";

/** Everything the registry knows about one strategy. */
export interface StrategyDefinition<P extends Record<string, unknown> = Record<string, unknown>> {
  /** Registry name in snake_case, e.g. `sma_cross`. */
  readonly name: string;
  /** The seed's class-style name, e.g. `SmaCrossStrategy`. */
  readonly className: string;
  /** One line for `--help` and listings. */
  readonly description: string;
  /** Validates a *complete* parameter object; unknown keys must be rejected (`.strict()`). */
  readonly schema: z.ZodType<P>;
  /** Default parameters (the contents of `strategies/<name>.json`). */
  readonly defaults: P;
  /** Creates a fresh instance (strategies keep per-run state). */
  create(params: P): Strategy;
}

/** Every registered strategy, one entry each. */
export const STRATEGY_DEFINITIONS: readonly StrategyDefinition[] = [
  buyHoldDefinition as unknown as StrategyDefinition,
  smaCrossDefinition as unknown as StrategyDefinition,
  vixCorrelationDefinition as unknown as StrategyDefinition,
  meanReversionDefinition as unknown as StrategyDefinition,
];

/** `SmaCrossStrategy`, `sma_cross`, `sma-cross` → `smacross`. */
function normalize(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, "").replace(/strategy$/, "");
}

/** Registry names of every strategy, in registration order. */
export function strategyNames(): string[] {
  return STRATEGY_DEFINITIONS.map((d) => d.name);
}

/** Finds a strategy by any accepted spelling; `undefined` when unknown. */
export function findStrategy(name: string): StrategyDefinition | undefined {
  const key = normalize(name);
  return STRATEGY_DEFINITIONS.find((d) =>
    normalize(d.name) === key || normalize(d.className) === key
  );
}

/** Like {@link findStrategy} but throws a RangeError listing the known strategies. */
export function getStrategy(name: string): StrategyDefinition {
  const def = findStrategy(name);
  if (!def) {
    throw new RangeError(
      `Unknown strategy "${name}": expected one of ${
        STRATEGY_DEFINITIONS.map((d) => `${d.name} (${d.className})`).join(", ")
      }`,
    );
  }
  return def;
}

/**
 * Deep-merges `overrides` over the strategy's defaults (nested objects such as
 * `correlation_thresholds` merge key by key; arrays replace) and validates the result. Throws a
 * RangeError naming the strategy and each bad or unknown parameter.
 */
export function resolveStrategyParams(
  name: string,
  overrides: unknown = {},
): { definition: StrategyDefinition; params: Record<string, unknown> } {
  const definition = getStrategy(name);
  if (overrides === null || typeof overrides !== "object" || Array.isArray(overrides)) {
    throw new RangeError(`Cannot use parameters for ${definition.name}: expected a JSON object`);
  }
  const merged = deepMerge(definition.defaults, overrides);
  const r = definition.schema.safeParse(merged);
  if (!r.success) {
    const why = r.error.issues.map((i) => {
      const at = i.path.length ? `${i.path.join(".")}: ` : "";
      return `${at}${i.message}`;
    }).join("; ");
    throw new RangeError(`Cannot use parameters for ${definition.name}: ${why}`);
  }
  return { definition, params: r.data };
}

/** Creates a fresh strategy instance from its name and parameter overrides. */
export function createStrategy(name: string, overrides: unknown = {}): Strategy {
  const { definition, params } = resolveStrategyParams(name, overrides);
  return definition.create(params);
}
