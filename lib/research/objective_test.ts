import assert from "node:assert/strict";
import type { Metrics } from "../engine/metrics.ts";
import { ineligibility, isMetricName, METRIC_NAMES, rankTrials } from "./objective.ts";

/** Metrics with every field NaN but the given ones. */
function m(fields: Partial<Metrics>): Metrics {
  const base = Object.fromEntries(METRIC_NAMES.map((k) => [k, NaN])) as unknown as Metrics;
  return { ...base, numTrades: 5, ...fields };
}

Deno.test("rankTrials sorts best first and keeps trial order on ties", () => {
  const trials = [m({ sharpe: 1 }), m({ sharpe: 2 }), m({ sharpe: 1 }), m({ sharpe: -1 })];
  assert.deepEqual(rankTrials({ metric: "sharpe", direction: "maximize" }, trials, 0), [
    1,
    0,
    2,
    3,
  ]);
  assert.deepEqual(rankTrials({ metric: "sharpe", direction: "minimize" }, trials, 0), [
    3,
    0,
    2,
    1,
  ]);
});

Deno.test("rankTrials leaves out too few trades and NaN objectives; Infinity ranks at the end", () => {
  const trials = [
    m({ maxDrawdown: 0.2, numTrades: 1 }),
    m({ maxDrawdown: NaN }),
    m({ maxDrawdown: 0.1 }),
    m({ maxDrawdown: Infinity }),
  ];
  const o = { metric: "maxDrawdown", direction: "minimize" } as const;
  assert.deepEqual(rankTrials(o, trials, 2), [2, 3]);
  assert.equal(ineligibility(o, trials[0], 2), "1 trade(s), fewer than --min-trades 2");
  assert.equal(ineligibility(o, trials[1], 2), "maxDrawdown is not a number");
  assert.equal(ineligibility(o, trials[2], 2), undefined);
});

Deno.test("every metric of a backtest is an objective", () => {
  assert.ok(isMetricName("profitFactor"));
  assert.ok(!isMetricName("profit"));
  assert.equal(new Set(METRIC_NAMES).size, METRIC_NAMES.length);
});
