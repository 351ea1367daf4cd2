/**
 * Buy and hold: at the first decision time of each asset (the close of its first bar), go long
 * that asset with an equal share of equity, 1 / (number of assets), and never signal again.
 * With the default market fill the purchase happens at the next bar's open.
 * @module
 */
import { z } from "zod";
import type { Signal } from "../lib/core/signal.ts";
import type { StrategyContext } from "../lib/core/strategy.ts";
import { defineStrategy } from "../lib/signals/define.ts";
import defaults from "./buy_hold.json" with { type: "json" };

/** `buy_hold` (`BuyHoldStrategy`); takes no parameters. */
export const buyHold = defineStrategy({
  name: "buy_hold",
  className: "BuyHoldStrategy",
  description: "Buy every asset with an equal share of equity at the first bar and hold",
  schema: z.strictObject({}),
  defaults,
  make(params) {
    const bought = new Set<string>();
    return {
      name: "buy_hold",
      params,
      warmup: 1,
      macroSeries: [],
      onBar(ctx: StrategyContext): readonly Signal[] {
        if (bought.size === ctx.assets.length) return [];
        const out: Signal[] = [];
        for (const asset of ctx.assets) {
          if (bought.has(asset) || ctx.bars(asset).length === 0) continue;
          bought.add(asset);
          out.push({
            ts: ctx.now,
            asset,
            direction: "long",
            confidence: 1,
            size: 1 / ctx.assets.length,
            strategy: "buy_hold",
            reason: "buy and hold",
          });
        }
        return out;
      },
    };
  },
});
