/**
 * A test strategy that burns CPU on every bar (`ms_per_bar`), so that a backtest takes seconds
 * on the sample market; and the registry of the shipped strategies plus it, for the server and
 * for the test's backtest worker (`slow_backtest_worker.ts`).
 * @module
 */
import { z } from "zod";
import type { StrategyContext } from "../../lib/core/strategy.ts";
import { defineStrategy } from "../../lib/signals/define.ts";
import { createRegistry } from "../../lib/signals/registry.ts";
import { STRATEGIES } from "../../strategies/mod.ts";

/** `slow_burn`: never signals; spins `ms_per_bar` on each bar. */
export const slowBurn = defineStrategy({
  name: "slow_burn",
  className: "SlowBurnStrategy",
  description: "Test strategy: spins the CPU on every bar and never signals",
  schema: z.strictObject({ ms_per_bar: z.number().min(0).max(100) }),
  defaults: { ms_per_bar: 1 },
  make(params) {
    return {
      name: "slow_burn",
      params,
      warmup: 1,
      macroSeries: [],
      onBar(_ctx: StrategyContext) {
        const until = performance.now() + params.ms_per_bar;
        while (performance.now() < until) { /* the CPU work of a heavy strategy */ }
        return [];
      },
    };
  },
});

/** The shipped strategies and `slow_burn`. */
export const TEST_STRATEGIES = createRegistry([...STRATEGIES.definitions, slowBurn]);
