import assert from "node:assert/strict";
import { STRATEGIES } from "./mod.ts";

Deno.test("every shipped strategy is registered under its snake_case and class-style names", () => {
  assert.deepEqual(STRATEGIES.names(), [
    "buy_hold",
    "sma_cross",
    "vix_correlation",
    "mean_reversion",
  ]);
  for (const name of ["sma_cross", "sma-cross", "SmaCross", "SmaCrossStrategy"]) {
    assert.equal(STRATEGIES.find(name)?.name, "sma_cross", name);
  }
  assert.equal(STRATEGIES.find("BuyHoldStrategy")?.name, "buy_hold");
});

Deno.test("every shipped strategy's default parameters are valid and snake_case", () => {
  const keys = (v: unknown): string[] =>
    typeof v === "object" && v !== null && !Array.isArray(v)
      ? Object.entries(v).flatMap(([k, x]) => [k, ...keys(x)])
      : [];
  for (const d of STRATEGIES.definitions) {
    const s = STRATEGIES.create(d.name);
    assert.equal(s.name, d.name);
    assert.deepEqual(s.params, d.defaults);
    for (const k of keys(d.defaults)) assert.match(k, /^[a-z][a-z0-9_]*$/, `${d.name}: ${k}`);
  }
});

Deno.test("sma_cross parameters merge over the defaults and are validated", () => {
  assert.deepEqual(STRATEGIES.get("sma_cross").params({ fast: 5 }), {
    fast: 5,
    slow: 30,
    allow_short: false,
  });
  const p = (o: unknown) => STRATEGIES.get("sma_cross").params(o);
  assert.throws(() => p({ fastt: 5 }), /Unrecognized key/);
  assert.throws(() => p({ fast: 40 }), /fast must be smaller/);
  assert.throws(() => p({ fast: 2.5 }), /fast/);
  assert.throws(
    () => p({ allowShort: true }),
    /Unrecognized key: "allowShort" \(parameter names are snake_case: allow_short\)/,
  );
  assert.throws(() => p([1]), /JSON object/);
  assert.throws(() => STRATEGIES.get("buy_hold").params({ size: 1 }), /Unrecognized key/);
});

Deno.test("--params overrides deep-merge: one nested key keeps its siblings' defaults", () => {
  const vix = STRATEGIES.get("vix_correlation");
  const params = vix.params({ correlation_thresholds: { strong_negative: -0.5 } });
  assert.deepEqual(params.correlation_thresholds, { strong_negative: -0.5, strong_positive: 0.6 });
  assert.equal(params.lookback_days, 30, "untouched top-level keys keep their defaults");
  const mr = STRATEGIES.get("MeanReversionStrategy").params({ exit: { max_holding_days: 3 } });
  assert.deepEqual(mr.exit, { drawdown_below: 0.05, vix_below: 20, max_holding_days: 3 });
  const s = STRATEGIES.create("vix_correlation", { risk_management: { stop_loss_pct: 0.02 } });
  assert.deepEqual(s.params.risk_management, {
    max_position_size: 0.05,
    stop_loss_pct: 0.02,
    take_profit_pct: 0.1,
  });
  // arrays replace rather than merge; unknown nested keys are still rejected by path
  assert.deepEqual(vix.params({ assets: ["solana"] }).assets, ["solana"]);
  assert.throws(
    () => vix.params({ correlation_thresholds: { strong: 1 } }),
    /correlation_thresholds/,
  );
});
