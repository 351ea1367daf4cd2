/**
 * `--params` checked at the task edge: a parameter the strategy rejects is a bad flag value (exit
 * 2, one line naming `--params`), found before any data is loaded.
 * @module
 */
import { UsageError } from "../core/errors.ts";
import { StrategyParamsError } from "../signals/params.ts";
import type { StrategyRegistry } from "../signals/registry.ts";

/** One strategy and the parameter overrides the user gave it. */
export interface StrategyOverrides {
  readonly name: string;
  readonly params: unknown;
}

/**
 * Creates each strategy once with its overrides so that bad parameters fail as a
 * {@link UsageError} for `--params` (unknown strategies are left to the caller's own message).
 */
export function checkStrategyParams(
  registry: StrategyRegistry,
  strategies: readonly StrategyOverrides[],
): void {
  for (const s of strategies) {
    if (!registry.find(s.name)) continue;
    try {
      registry.create(s.name, s.params);
    } catch (e) {
      if (e instanceof StrategyParamsError) throw new UsageError(`--params: ${e.message}`);
      throw e;
    }
  }
}
