import assert from "node:assert/strict";
import { decodeTrialData, encodeTrialData } from "./trial_codec.ts";

Deno.test("trial data reads back bit for bit: float64 arrays, NaN, ±Infinity, -0", () => {
  const eq = Float64Array.from([
    1,
    0.1 + 0.2,
    -0,
    NaN,
    Infinity,
    -Infinity,
    5e-324,
    1.7976931348623157e308,
  ]);
  const value = {
    equity: eq,
    metrics: { sharpe: NaN, profitFactor: Infinity, dd: -Infinity, x: 2 },
    list: [1, NaN],
  };
  const text = encodeTrialData(value);
  assert.doesNotMatch(text, /null/, "plain JSON would have turned NaN into null");
  const back = decodeTrialData<typeof value>(text);
  assert.ok(back.equity instanceof Float64Array);
  assert.deepEqual(
    new Uint8Array(back.equity.buffer),
    new Uint8Array(eq.buffer),
    "the same bytes (the -0 and NaN payload included)",
  );
  assert.ok(Number.isNaN(back.metrics.sharpe));
  assert.equal(back.metrics.profitFactor, Infinity);
  assert.equal(back.metrics.dd, -Infinity);
  assert.equal(back.metrics.x, 2);
  assert.ok(Number.isNaN(back.list[1]));
});

Deno.test("a subarray encodes only its own elements", () => {
  const whole = Float64Array.from([1, 2, 3, 4]);
  const back = decodeTrialData<Float64Array>(encodeTrialData(whole.subarray(1, 3)));
  assert.deepEqual([...back], [2, 3]);
});
