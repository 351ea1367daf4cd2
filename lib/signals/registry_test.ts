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
