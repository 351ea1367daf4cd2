/**
 * Buy and hold: at the first decision time of each asset (the close of its first bar), go long
 * that asset with an equal share of equity, 1 / (number of assets), and never signal again.
 * With the default market fill the purchase happens at the next bar's open.
 * @module
 */
import { z } from "zod";
import type { Signal } from "../lib/core/signal.ts";
import type { Strategy, StrategyContext } from "../lib/core/strategy.ts";
import type { StrategyDefinition } from "../lib/signals/registry.ts";
import defaults from "./buy_hold.json" with { type: "json" };

/** Buy-and-hold takes no parameters. */
export type BuyHoldParams = Record<string, never>;

const schema = z.object({}).strict() as unknown as z.ZodType<BuyHoldParams>;

/** The buy-and-hold strategy. */
export class BuyHoldStrategy implements Strategy {
  readonly name = "buy_hold";
  readonly params: BuyHoldParams;
  readonly warmup = 1;
  readonly macroSeries: readonly string[] = [];
  readonly #bought = new Set<string>();

  constructor(params: BuyHoldParams = {}) {
    this.params = params;
  }

  onBar(ctx: StrategyContext): readonly Signal[] {
    if (this.#bought.size === ctx.assets.length) return [];
    const out: Signal[] = [];
    for (const asset of ctx.assets) {
      if (this.#bought.has(asset) || ctx.bars(asset).length === 0) continue;
      this.#bought.add(asset);
      out.push({
        ts: ctx.now,
        asset,
        direction: "long",
        confidence: 1,
        size: 1 / ctx.assets.length,
        strategy: this.name,
        reason: "buy and hold",
      });
    }
    return out;
  }
}

/** Registry entry of {@link BuyHoldStrategy}. */
export const buyHoldDefinition: StrategyDefinition<BuyHoldParams> = {
  name: "buy_hold",
  className: "BuyHoldStrategy",
  description: "Buy every asset with an equal share of equity at the first bar and hold",
  schema,
  defaults: defaults as BuyHoldParams,
  create: (params) => new BuyHoldStrategy(params),
};
