/**
 * `API_REQUEST_TIMEOUT_MS`: a request the server cannot answer in time gets a 504 with the
 * reason naming the variable (the server's own slowness, never a client's mistake), counted on
 * `/metrics`; fast routes are unaffected, `POST /backtest` keeps its own bound (202), and the
 * timeout can be turned off. A store whose run list takes 2 s stands in for a slow database.
 */
import assert from "node:assert/strict";
import type { Store } from "../../lib/storage/store.ts";
import { call, SECRET, withService } from "./helpers.ts";

/** The store, with `listRuns` (what /status reads) answering after `ms`. */
function slowRuns(store: Store, ms: number): Store {
  return new Proxy(store, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      if (prop !== "listRuns") return typeof v === "function" ? v.bind(target) : v;
      return async (...args: unknown[]) => {
        await new Promise((r) => setTimeout(r, ms));
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

Deno.test("a request unanswered within API_REQUEST_TIMEOUT_MS gets 504 naming the variable", async () => {
  await withService({
    env: { API_REQUEST_TIMEOUT_MS: "300", API_SYNC_TIMEOUT_MS: "0" },
    wrapStore: (s) => slowRuns(s, 2_000),
  }, async ({ url }) => {
    const t = performance.now();
    const slow = await call(`${url}/status`, { token: SECRET });
    const took = performance.now() - t;
    assert.equal(slow.status, 504, slow.text);
    assert.match(
      slow.body.error,
      /^request timeout: the server did not answer within 300 ms \(API_REQUEST_TIMEOUT_MS\)/,
    );
    assert.ok(took < 1_900, `answered after ${took.toFixed(0)} ms, not when the store did`);
    const fast = await call(`${url}/strategies`, { token: SECRET });
    assert.equal(fast.status, 200);
    // POST /backtest has its own bound: 202 at API_SYNC_TIMEOUT_MS, never a 504
    const bt = await call(`${url}/backtest`, {
      method: "POST",
      token: SECRET,
      json: { symbols: ["bitcoin"], strategy: "buy_hold", save: false },
    });
    assert.equal(bt.status, 202, bt.text);
    const text = await (await fetch(`${url}/metrics`)).text();
    assert.match(
      text,
      /^mts_http_requests_total\{method="GET",route="\/status",status="504"\} 1$/m,
    );
  });
});

Deno.test("API_REQUEST_TIMEOUT_MS=0 turns the timeout off: the slow request is answered", async () => {
  await withService({
    env: { API_REQUEST_TIMEOUT_MS: "0" },
    wrapStore: (s) => slowRuns(s, 500),
  }, async ({ url }) => {
    const r = await call(`${url}/status`, { token: SECRET });
    assert.equal(r.status, 200, r.text);
  });
});
