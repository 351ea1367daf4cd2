/**
 * A few thousand random and malformed requests — bad JSON, wrong types, huge bodies, odd paths,
 * methods and headers, random tokens — against a real server: never a 5xx, never a crash, and
 * the server still answers afterwards.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { SECRET, withService } from "./helpers.ts";

const PATHS = [
  "/health",
  "/ready",
  "/strategies",
  "/strategies/%00",
  "/strategies/sma_cross",
  "/prices/bitcoin",
  "/prices/%E2%80%AE",
  "/macro/VIX",
  "/signals",
  "/signals/generate",
  "/backtest",
  "/backtests",
  "/backtests/1",
  "/backtests/job-1",
  "/backtests/99999999999999999999",
  "/status",
  "/books/binance/spot/BTCUSDT",
  "/funding",
  "/arbitrage",
  "/ws",
  "/../etc/passwd",
  "//",
  "/metrics",
];
const METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"];
const QUERY_KEYS = ["limit", "offset", "from", "to", "asset", "interval", "source", "asOf", "runs"];

const jsonValue = fc.jsonValue({ maxDepth: 3 });
const body = fc.oneof(
  fc.constant(undefined),
  fc.string({ maxLength: 200 }),
  jsonValue.map((v) => JSON.stringify(v)),
  fc.record({
    symbols: fc.oneof(fc.array(fc.string(), { maxLength: 3 }), fc.string(), fc.integer()),
    start: fc.oneof(fc.string(), fc.integer(), fc.constant("2023-01-01")),
    end: fc.oneof(fc.string(), fc.constant("2023-02-01")),
    strategy: fc.oneof(fc.string(), fc.constant("sma_cross"), fc.array(fc.string())),
    params: jsonValue,
    capital: fc.oneof(fc.double(), fc.string()),
    strategies: fc.oneof(fc.array(fc.string()), fc.constant(["sma_cross"])),
    assets: fc.oneof(fc.array(fc.string()), fc.constant(["bitcoin"])),
    at: fc.oneof(fc.string(), fc.constant("2024-06-28")),
  }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
);
const request = fc.record({
  method: fc.oneof(
    { arbitrary: fc.constantFrom("GET", "POST"), weight: 4 },
    { arbitrary: fc.constantFrom(...METHODS), weight: 1 },
  ),
  path: fc.oneof(
    { arbitrary: fc.constantFrom(...PATHS), weight: 8 },
    { arbitrary: fc.webPath(), weight: 1 },
    { arbitrary: fc.string({ maxLength: 40 }), weight: 1 },
  ),
  query: fc.array(fc.tuple(fc.constantFrom(...QUERY_KEYS), fc.string({ maxLength: 30 })), {
    maxLength: 3,
  }),
  body,
  token: fc.oneof(
    { arbitrary: fc.constant(SECRET), weight: 4 },
    { arbitrary: fc.constantFrom(undefined, "x", "a.b.c", "Bearer"), weight: 1 },
  ),
  contentType: fc.constantFrom(undefined, "application/json", "text/plain", "multipart/x"),
});

Deno.test("thousands of random and malformed requests never get a 5xx", async () => {
  await withService(
    { env: { API_RATE_LIMIT_PER_MIN: "0", API_SYNC_TIMEOUT_MS: "50" } },
    async ({ url }) => {
      const samples = fc.sample(request, { numRuns: 2500, seed: 20260101 });
      const seen = new Map<number, number>();
      for (const r of samples) {
        let path = r.path.startsWith("/") ? r.path : `/${r.path}`;
        if (r.query.length) {
          path += "?" + r.query.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join("&");
        }
        const headers: Record<string, string> = {};
        if (r.token) headers.authorization = `Bearer ${r.token}`;
        if (r.contentType) headers["content-type"] = r.contentType;
        const sendsBody = r.body !== undefined && !["GET", "HEAD"].includes(r.method);
        let res: Response;
        try {
          res = await fetch(`${url}${path}`, {
            method: r.method,
            headers,
            body: sendsBody ? r.body : undefined,
          });
        } catch (e) {
          // a path fetch itself refuses to send (an invalid URL) is not the server's answer
          if (e instanceof TypeError && /URL|url/.test(e.message)) continue;
          throw e;
        }
        await res.body?.cancel();
        seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
        assert.ok(res.status < 500, `${r.method} ${path} ${r.body ?? ""} -> ${res.status}`);
      }
      // a 10 MB body is refused, not read
      const huge = await fetch(`${url}/backtest`, {
        method: "POST",
        headers: { authorization: `Bearer ${SECRET}`, "content-type": "application/json" },
        body: "[" + "1,".repeat(5_000_000) + "1]",
      });
      await huge.body?.cancel();
      assert.equal(huge.status, 413);
      assert.equal((await fetch(`${url}/health`).then((r) => r.json())).status, "ok");
      // the requests reached the validators, not only the router
      assert.ok(
        (seen.get(400) ?? 0) > 100 && (seen.get(200) ?? 0) > 100,
        JSON.stringify([...seen]),
      );
    },
  );
});
