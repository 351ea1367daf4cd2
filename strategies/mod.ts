/**
 * The shipped strategies and their registry. This is where strategies register: the library
 * (`lib/`) never imports `strategies/`; tasks, `cli.ts` and tests import {@link STRATEGIES} and
 * hand it to the services.
 *
 * To add a strategy: write `strategies/<name>.ts` exporting `defineStrategy({ … })` and
 * `strategies/<name>.json` with its defaults (snake_case names), then add it to the list below.
 * @module
 */
import { createRegistry, type StrategyRegistry } from "../lib/signals/registry.ts";
import { buyHold } from "./buy_hold.ts";
import { meanReversion } from "./mean_reversion.ts";
import { smaCross } from "./sma_cross.ts";
import { vixCorrelation } from "./vix_correlation.ts";

export { buyHold, meanReversion, smaCross, vixCorrelation };

/** Registry of every shipped strategy, in the order `--help` lists them. */
export const STRATEGIES: StrategyRegistry = createRegistry([
  buyHold,
  smaCross,
  vixCorrelation,
  meanReversion,
]);
