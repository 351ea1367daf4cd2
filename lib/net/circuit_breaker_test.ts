import assert from "node:assert/strict";
import { BreakerRegistry, CircuitBreaker } from "./circuit_breaker.ts";
import { ManualClock } from "./clock.ts";

Deno.test("a breaker opens after the threshold of consecutive failures", () => {
  const clock = new ManualClock(0);
  const b = new CircuitBreaker({ failureThreshold: 3, cooldownMs: 1_000, clock });
  b.onFailure("unreachable");
  b.onFailure("unreachable");
  assert.equal(b.allowRequest(), true);
  b.onFailure("unreachable");
  assert.equal(b.state, "open");
  assert.equal(b.allowRequest(), false);
  assert.equal(b.retryAtMs, 1_000);
});

Deno.test("a success resets the failure count", () => {
  const b = new CircuitBreaker({ failureThreshold: 2, clock: new ManualClock() });
  b.onFailure("server_error");
  b.onSuccess();
  b.onFailure("server_error");
  assert.equal(b.state, "closed");
});

Deno.test("after the cooldown one trial goes through; its failure reopens the circuit", () => {
  const clock = new ManualClock(0);
  const b = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 500, clock });
  b.onFailure("unreachable");
  clock.advance(500);
  assert.equal(b.state, "half_open");
  assert.equal(b.allowRequest(), true);
  assert.equal(b.allowRequest(), false, "only one trial at a time");
  b.onFailure("unreachable");
  assert.equal(b.state, "open");
  clock.advance(500);
  assert.equal(b.allowRequest(), true);
  b.onSuccess();
  assert.equal(b.state, "closed");
});

Deno.test("the registry keeps one breaker per host, whatever the path", () => {
  const r = new BreakerRegistry({ clock: new ManualClock() });
  assert.equal(r.for("http://127.0.0.1:1/a"), r.for("http://127.0.0.1:1/b?x=1"));
  assert.notEqual(r.for("http://127.0.0.1:1/a"), r.for("http://127.0.0.1:2/a"));
});
