import assert from "node:assert/strict";
import {
  createStrategy,
  findStrategy,
  resolveStrategyParams,
  STRATEGY_DEFINITIONS,
} from "./registry.ts";

Deno.test("the registry accepts snake_case, kebab-case and class-style names", () => {
  for (
    const name of ["sma_cross", "sma-cross", "SmaCross", "SmaCrossStrategy", "smacrossstrategy"]
  ) {
    assert.equal(findStrategy(name)?.name, "sma_cross", name);
  }
  assert.equal(findStrategy("BuyHoldStrategy")?.name, "buy_hold");
  assert.equal(findStrategy("nope"), undefined);
});

Deno.test("an unknown strategy is an error that lists the known ones", () => {
  assert.throws(() => createStrategy("MoonStrategy"), /Unknown strategy "MoonStrategy".*sma_cross/);
});

Deno.test("parameters merge over the defaults and are validated", () => {
  const { params } = resolveStrategyParams("sma_cross", { fast: 5 });
  assert.deepEqual(params, { fast: 5, slow: 30, allowShort: false });
  assert.throws(() => resolveStrategyParams("sma_cross", { fastt: 5 }), /Unrecognized key/);
  assert.throws(() => resolveStrategyParams("sma_cross", { fast: 40 }), /fast must be smaller/);
  assert.throws(() => resolveStrategyParams("sma_cross", { fast: 2.5 }), /fast/);
  assert.throws(() => resolveStrategyParams("sma_cross", [1]), /JSON object/);
  assert.throws(() => resolveStrategyParams("buy_hold", { size: 1 }), /Unrecognized key/);
});

Deno.test("every registered strategy's default parameters are valid", () => {
  for (const d of STRATEGY_DEFINITIONS) {
    const s = createStrategy(d.name);
    assert.equal(s.name, d.name);
    assert.deepEqual(s.params, d.defaults);
  }
});

Deno.test("--params overrides deep-merge: one nested key keeps its siblings' defaults", () => {
  const { params } = resolveStrategyParams("vix_correlation", {
    correlation_thresholds: { strong_negative: -0.5 },
  });
  assert.deepEqual(params.correlation_thresholds, { strong_negative: -0.5, strong_positive: 0.6 });
  assert.equal(params.lookback_days, 30, "untouched top-level keys keep their defaults");
  const mr = resolveStrategyParams("MeanReversionStrategy", { exit: { max_holding_days: 3 } });
  assert.deepEqual(mr.params.exit, { drawdown_below: 0.05, vix_below: 20, max_holding_days: 3 });
  const s = createStrategy("vix_correlation", { risk_management: { stop_loss_pct: 0.02 } });
  assert.deepEqual(s.params.risk_management, {
    max_position_size: 0.05,
    stop_loss_pct: 0.02,
    take_profit_pct: 0.1,
  });
  // arrays replace rather than merge; unknown nested keys are still rejected by path
  assert.deepEqual(resolveStrategyParams("vix_correlation", { assets: ["solana"] }).params.assets, [
    "solana",
  ]);
  assert.throws(
    () => resolveStrategyParams("vix_correlation", { correlation_thresholds: { strong: 1 } }),
    /correlation_thresholds/,
  );
});
