/** Aggregation rules on hand-built signals; expected values worked out in the comments. */
import assert from "node:assert/strict";
import type { Signal } from "../core/signal.ts";
import { aggregateSignals } from "./aggregate.ts";

const sig = (
  strategy: string,
  direction: Signal["direction"],
  confidence: number,
  size = 0.02,
  extra: Partial<Signal> = {},
): Signal => ({
  ts: 1000,
  asset: "bitcoin",
  strategy,
  direction,
  confidence,
  size,
  reason: "test",
  ...extra,
});
const near = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} != ${b}`);

Deno.test("agreeing signals combine with confidence-weighted size", () => {
  const { signals, conflicts } = aggregateSignals([
    sig("a", "long", 0.8, 0.02),
    sig("b", "long", 0.6, 0.04),
  ]);
  assert.equal(conflicts.length, 0);
  const [s] = signals;
  assert.equal(s.direction, "long");
  assert.equal(s.strategy, "aggregate");
  // size (0.8*0.02 + 0.6*0.04) / 1.4 = 0.04 / 1.4; confidence 1 * 1.4 / 2 = 0.7
  near(s.size, 0.04 / 1.4);
  near(s.confidence, 0.7);
  near(s.inputs!.net as number, 1);
});

Deno.test("opposite signals net out and a small net is recorded as a conflict", () => {
  const { signals, conflicts } = aggregateSignals([
    sig("a", "long", 0.8),
    sig("b", "short", 0.6),
  ]);
  // net = (0.8 - 0.6) / 1.4 = 0.143 < 0.2: nothing trades
  assert.equal(signals.length, 0);
  assert.equal(conflicts.length, 1);
  const c = conflicts[0];
  near(c.net, 0.2 / 1.4);
  assert.deepEqual(c.long.map((v) => v.strategy), ["a"]);
  assert.deepEqual(c.short.map((v) => v.strategy), ["b"]);
  near(c.longScore, 0.8);
  near(c.shortScore, 0.6);
});

Deno.test("strategy weights decide a conflict and the winner's size shrinks by |net|", () => {
  const { signals, conflicts } = aggregateSignals(
    [sig("a", "long", 0.8), sig("b", "short", 0.6)],
    { weights: { a: 2 } },
  );
  assert.equal(conflicts.length, 0);
  // L = 2*0.8 = 1.6, S = 0.6, net = 1.0 / 2.2; size = net * 0.02; confidence = net * 1.6 / 2
  const net = 1 / 2.2;
  assert.equal(signals[0].direction, "long");
  near(signals[0].size, net * 0.02);
  near(signals[0].confidence, net * 0.8);
});

Deno.test("a larger short side wins with direction short", () => {
  const { signals } = aggregateSignals([sig("a", "long", 0.2), sig("b", "short", 0.9, 0.03)]);
  // net = (0.2 - 0.9) / 1.1 = -0.636
  assert.equal(signals[0].direction, "short");
  near(signals[0].size, (0.7 / 1.1) * 0.03);
});

Deno.test("flat votes dilute a direction; flats alone give a flat target", () => {
  const mixed = aggregateSignals([sig("a", "long", 0.8), sig("b", "flat", 0.5, 0)]);
  // net = 0.8 / 1.3
  near(mixed.signals[0].size, (0.8 / 1.3) * 0.02);
  const flat = aggregateSignals([sig("a", "flat", 0.5, 0), sig("b", "flat", 0.7, 0)]);
  assert.equal(flat.signals[0].direction, "flat");
  near(flat.signals[0].confidence, 0.6);
});

Deno.test("weight 0 drops a strategy and the last signal of a strategy counts", () => {
  const { signals } = aggregateSignals(
    [sig("a", "short", 0.9), sig("b", "long", 0.3), sig("b", "long", 0.5)],
    { weights: { a: 0 } },
  );
  assert.equal(signals[0].direction, "long");
  near(signals[0].confidence, 0.5);
});

Deno.test("the winners' tightest stop-loss and take-profit are kept", () => {
  const { signals } = aggregateSignals([
    sig("a", "long", 0.8, 0.02, { stopLoss: 0.05, takeProfit: 0.2 }),
    sig("b", "long", 0.6, 0.02, { stopLoss: 0.03 }),
    sig("c", "short", 0.1, 0.02, { stopLoss: 0.01, takeProfit: 0.01 }),
  ]);
  assert.equal(signals[0].stopLoss, 0.03);
  assert.equal(signals[0].takeProfit, 0.2);
});

Deno.test("assets are aggregated separately and in the given order", () => {
  const { signals } = aggregateSignals(
    [sig("a", "long", 0.8), { ...sig("a", "short", 0.7), asset: "ethereum" }],
    { assetOrder: ["ethereum", "bitcoin"] },
  );
  assert.deepEqual(signals.map((s) => `${s.asset}:${s.direction}`), [
    "ethereum:short",
    "bitcoin:long",
  ]);
});

Deno.test("the conflict threshold is strict: |net| equal to min_net trades, just under does not", () => {
  // long 0.75 vs short 0.25: net = 0.5 / 1.0 = 0.5 (exact in binary floating point)
  const at = aggregateSignals([sig("a", "long", 0.75), sig("b", "short", 0.25)], { minNet: 0.5 });
  assert.equal(at.conflicts.length, 0);
  assert.equal(at.signals[0].direction, "long");
  near(at.signals[0].confidence, 0.5 * 0.75);
  near(at.signals[0].size, 0.5 * 0.02);
  const under = aggregateSignals([sig("a", "long", 0.75), sig("b", "short", 0.25)], {
    minNet: 0.51,
  });
  assert.equal(under.signals.length, 0);
  assert.equal(under.conflicts[0].reason.includes("nothing trades"), true);
});

Deno.test("a conflict records the flat side too, and flat votes dilute the confidence", () => {
  // long 0.5, short 0.3, flat 0.5: net = 0.2 / 1.3 = 0.154 < 0.2
  const c = aggregateSignals([
    sig("a", "long", 0.5),
    sig("b", "short", 0.3),
    sig("c", "flat", 0.5, 0),
  ]).conflicts[0];
  near(c.net, 0.2 / 1.3);
  assert.deepEqual(c.flat.map((v) => v.strategy), ["c"]);
  near(c.flatScore, 0.5);
  // long 0.8 against flat 0.5: net 0.8/1.3; confidence = net * 0.8 / 1 (one winner, weight 1)
  const [s] = aggregateSignals([sig("a", "long", 0.8), sig("b", "flat", 0.5, 0)]).signals;
  assert.equal(s.direction, "long");
  near(s.confidence, (0.8 / 1.3) * 0.8);
});

Deno.test("a single strategy's signal passes through the aggregator unchanged", () => {
  const [s] = aggregateSignals([
    sig("a", "short", 0.7, 0.03, { stopLoss: 0.04, takeProfit: 0.09 }),
  ]).signals;
  assert.deepEqual(
    [s.direction, s.confidence, s.size, s.stopLoss, s.takeProfit],
    ["short", 0.7, 0.03, 0.04, 0.09],
  );
});
