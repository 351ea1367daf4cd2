/**
 * A strategy registry: name → definition. The library holds no strategies itself (it must not
 * import its plugins): `strategies/mod.ts` builds the registry of the shipped strategies with
 * {@link createRegistry}, and tasks, `cli.ts` and tests hand it to the services.
 *
 * Names are matched loosely, so `sma_cross`, `sma-cross`, `SmaCross` and the seed's class-style
 * `SmaCrossStrategy` all find the same strategy.
 * @module
 */
import type { Strategy } from "../core/strategy.ts";
import type { StrategyDefinition } from "./define.ts";

/** Looks strategies up by any accepted spelling and creates instances. */
export interface StrategyRegistry {
  /** Every definition, in registration order. */
  readonly definitions: readonly StrategyDefinition[];
  /** Registry names, in registration order. */
  names(): string[];
  /** The definition for any accepted spelling of a name; `undefined` when unknown. */
  find(name: string): StrategyDefinition | undefined;
  /** Like {@link StrategyRegistry.find}, but throws a RangeError listing the known strategies. */
  get(name: string): StrategyDefinition;
  /** A fresh instance of `name` with `overrides` deep-merged over its defaults (validated). */
  create(name: string, overrides?: unknown): Strategy;
}

/** `SmaCrossStrategy`, `sma_cross`, `sma-cross` → `smacross`. */
function normalize(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, "").replace(/strategy$/, "");
}

/**
 * Builds a registry; two definitions whose names collide after normalisation are an error.
 *
 * @example Both the registry name and the class-style name find a strategy
 * ```ts
 * import assert from "node:assert/strict";
 * import { z } from "zod";
 * import { defineStrategy } from "./define.ts";
 * import { createRegistry } from "./registry.ts";
 *
 * const quiet = defineStrategy({
 *   name: "quiet",
 *   className: "QuietStrategy",
 *   description: "Never signals",
 *   schema: z.strictObject({}),
 *   defaults: {},
 *   make: (params) => ({ name: "quiet", params, warmup: 1, macroSeries: [], onBar: () => [] }),
 * });
 * const registry = createRegistry([quiet]);
 * assert.equal(registry.create("QuietStrategy").name, "quiet");
 * assert.equal(registry.create("quiet").name, "quiet");
 * ```
 */
export function createRegistry(definitions: readonly StrategyDefinition[]): StrategyRegistry {
  const byKey = new Map<string, StrategyDefinition>();
  for (const d of definitions) {
    for (const key of new Set([normalize(d.name), normalize(d.className)])) {
      const other = byKey.get(key);
      if (other) {
        throw new RangeError(
          `Cannot register strategy ${d.name}: its name collides with ${other.name}`,
        );
      }
      byKey.set(key, d);
    }
  }
  const list = [...definitions];
  const find = (name: string) => byKey.get(normalize(name));
  const get = (name: string) => {
    const d = find(name);
    if (d) return d;
    throw new RangeError(
      `Unknown strategy "${name}": expected one of ${
        list.map((x) => `${x.name} (${x.className})`).join(", ")
      }`,
    );
  };
  return {
    definitions: list,
    names: () => list.map((d) => d.name),
    find,
    get,
    create: (name, overrides) => get(name).create(overrides),
  };
}
