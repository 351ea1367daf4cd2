// deno-lint-ignore-file no-explicit-any
/**
 * The API over a real server on 127.0.0.1 port 0: public routes, the auth model (every control
 * route 401 without a token, 403 with a read token; JWT expiry, alg none and foreign keys
 * refused), bad query parameters (400 naming the parameter), unknown routes, limits, and read
 * routes checked against the store.
 */
import assert from "node:assert/strict";
import { call, epoch, jwt, SECRET, withService } from "./helpers.ts";

const CONTROL_ROUTES: [string, string, unknown][] = [
  ["POST", "/signals/generate", {}],
  ["POST", "/backtest", { symbols: ["bitcoin"] }],
];

Deno.test("health, openapi and strategies answer; the OpenAPI document lists every route", async () => {
  await withService({}, async ({ url }) => {
    const h = await call(`${url}/health`);
    assert.equal(h.status, 200);
    assert.equal(h.body.status, "ok");
    assert.equal(h.body.version, JSON.parse(await Deno.readTextFile("deno.json")).version);
    assert.ok(h.body.uptimeSeconds >= 0);
    const doc = (await call(`${url}/openapi.json`)).body;
    assert.equal(doc.openapi, "3.1.0");
    // the WebSocket messages and the events' data are typed components
    for (
      const c of [
        "WsMessage",
        "SignalEvent",
        "SignalRunEvent",
        "CollectionRunStartedEvent",
        "CollectionRunFinishedEvent",
        "JobFinishedEvent",
        "JobSkippedEvent",
      ]
    ) assert.ok(doc.components.schemas[c], `component ${c}`);
    assert.deepEqual(doc.components.schemas.SignalEvent.properties.direction.enum, [
      "long",
      "short",
      "flat",
    ]);
    for (
      const p of [
        "/health",
        "/ready",
        "/metrics",
        "/strategies",
        "/strategies/{name}",
        "/prices/{asset}",
        "/macro/{series}",
        "/signals",
        "/signals/generate",
        "/backtest",
        "/backtests",
        "/backtests/{id}",
        "/backtests/{id}/report",
        "/alerts",
        "/status",
        "/books/{exchange}/{market}/{symbol}",
        "/funding",
        "/arbitrage",
      ]
    ) assert.ok(doc.paths[p], `OpenAPI lacks ${p}`);
    for (
      const c of [
        "BacktestRequest",
        "SignalRequest",
        "AlertRequest",
        "WsMessage",
        "WsClientMessage",
      ]
    ) {
      assert.ok(doc.components.schemas[c], `${c} is a component`);
    }
    assert.ok(doc.paths["/ws"]?.get, "/ws is documented");
    assert.ok(doc.paths["/alerts/{id}"]?.delete, "DELETE /alerts/{id} is documented");
    const s = await call(`${url}/strategies`, { token: SECRET });
    // one per strategies/<name>.json
    const files = [...Deno.readDirSync("strategies")].filter((e) => e.name.endsWith(".json"))
      .map((e) => e.name.replace(/\.json$/, "")).sort();
    assert.deepEqual(s.body.strategies.map((x: any) => x.name).sort(), files);
    const sma = await call(`${url}/strategies/SmaCrossStrategy`, { token: SECRET });
    assert.equal(sma.status, 200);
    assert.deepEqual(sma.body.defaults, { fast: 10, slow: 30, allow_short: false });
    assert.equal(sma.body.parameters.type, "object");
    assert.ok(sma.body.parameters.properties.fast);
    const none = await call(`${url}/strategies/nope`, { token: SECRET });
    assert.equal(none.status, 404);
    assert.match(none.body.error, /unknown strategy "nope": expected one of .*sma_cross/);
  });
});

Deno.test("every control route answers 401 without a token and 403 with a read token", async () => {
  await withService({}, async ({ url }) => {
    const read = jwt({ scope: "read", exp: epoch(300) });
    for (const [method, path, json] of CONTROL_ROUTES) {
      const none = await call(`${url}${path}`, { method, json });
      assert.equal(none.status, 401, `${method} ${path} without a token`);
      assert.match(none.body.error, /missing token/);
      assert.equal(none.headers.get("www-authenticate"), 'Bearer realm="mts"');
      const wrong = await call(`${url}${path}`, { method, json, token: "not-the-key" });
      assert.equal(wrong.status, 401, `${method} ${path} with a wrong token`);
      const r = await call(`${url}${path}`, { method, json, token: read });
      assert.equal(r.status, 403, `${method} ${path} with a read token`);
      assert.match(r.body.error, /needs a control token/);
    }
    // reads: a token is needed (API_PUBLIC_READ is false), a read JWT is enough
    assert.equal((await call(`${url}/signals`)).status, 401);
    assert.equal((await call(`${url}/signals`, { token: read })).status, 200);
    // the public routes need none
    for (const p of ["/health", "/ready", "/metrics", "/openapi.json"]) {
      assert.equal((await call(`${url}${p}`)).status, 200, p);
    }
  });
});

Deno.test("JWTs: expired, not yet valid, alg none, another key, no exp or a bad scope are refused", async () => {
  await withService({}, async ({ url }) => {
    const cases: [string, string, RegExp][] = [
      ["expired", jwt({ scope: "control", exp: epoch(-10) }), /expired/],
      ["nbf", jwt({ scope: "control", exp: epoch(300), nbf: epoch(200) }), /not valid yet/],
      ["alg none", jwt({ scope: "control", exp: epoch(300) }, SECRET, "none"), /"none" refused/],
      ["HS512", jwt({ scope: "control", exp: epoch(300) }, SECRET, "HS512"), /"HS512" refused/],
      ["other key", jwt({ scope: "control", exp: epoch(300) }, "another-key"), /bad signature/],
      ["no exp", jwt({ scope: "control" }), /no exp/],
      ["scope", jwt({ scope: "admin", exp: epoch(300) }), /scope must be/],
    ];
    for (const [what, token, reason] of cases) {
      const r = await call(`${url}/signals`, { token });
      assert.equal(r.status, 401, what);
      assert.match(r.body.error, reason, what);
    }
    const control = jwt({ scope: "control", exp: epoch(300) });
    const r = await call(`${url}/backtests/999`, { token: control });
    assert.equal(r.status, 404, "a control JWT reads too");
  });
});

Deno.test("bad query parameters get a 400 that names the parameter and the expected form", async () => {
  await withService({}, async ({ url }) => {
    const cases: [string, RegExp][] = [
      ["/signals?limit=0", /^query\.limit: expected a whole number from 1 to 1000$/],
      ["/signals?limit=abc", /^query\.limit: /],
      ["/signals?from=2023-02-30", /^query\.from: expected a UTC date/],
      ["/prices/bitcoin?interval=7x", /^query\.interval: /],
      ["/prices/bitcoin?to=yesterday", /^query\.to: expected a UTC date/],
      ["/backtests?limit=-1", /^query\.limit: /],
      ["/books/kraken/spot/BTCUSDT", /^param\.exchange: /],
      ["/books/binance/spot/btc-usdt", /^param\.symbol: expected an exchange symbol/],
    ];
    for (const [path, reason] of cases) {
      const r = await call(`${url}${path}`, { token: SECRET });
      assert.equal(r.status, 400, path);
      assert.match(r.body.error, reason, path);
    }
    const body = await call(`${url}/backtest`, {
      method: "POST",
      token: SECRET,
      json: { symbols: "bitcoin", capital: -1 },
    });
    assert.equal(body.status, 400);
    assert.match(body.body.error, /json\.symbols: .*json\.capital: /);
    const unknown = await call(`${url}/backtest`, {
      method: "POST",
      token: SECRET,
      json: { symbols: ["bitcoin"], capitol: 5 },
    });
    assert.equal(unknown.status, 400);
    assert.match(unknown.body.error, /capitol/);
    const badJson = await call(`${url}/backtest`, {
      method: "POST",
      token: SECRET,
      headers: { "content-type": "application/json" },
      body: "{not json",
    });
    assert.equal(badJson.status, 400);
    const plain = await call(`${url}/backtest`, {
      method: "POST",
      token: SECRET,
      headers: { "content-type": "text/plain" },
      body: "{}",
    });
    assert.equal(plain.status, 415);
    assert.equal(plain.body.error, "content-type: expected application/json for POST /backtest");
    const r = await call(`${url}/nope`, { token: SECRET });
    assert.equal(r.status, 404);
    assert.equal(r.body.error, "no route GET /nope");
  });
});

Deno.test("prices and signals come from the store; signals page newest first", async () => {
  await withService({}, async ({ url, store }) => {
    const stored = await store.getCandles({ source: "sample", asset: "bitcoin", interval: "1d" });
    const r = await call(`${url}/prices/bitcoin?from=2024-12-30&limit=5`, { token: SECRET });
    assert.equal(r.status, 200);
    assert.equal(r.body.source, "sample");
    // 2024-12-30 and 2024-12-31 are the sample's last two days
    assert.deepEqual(r.body.candles.map((c: any) => c.time), [
      "2024-12-30T00:00:00Z",
      "2024-12-31T00:00:00Z",
    ]);
    assert.equal(r.body.candles[1].close, stored[stored.length - 1].close);
    const miss = await call(`${url}/prices/dogecoin`, { token: SECRET });
    assert.equal(miss.status, 404);
    assert.match(miss.body.error, /no stored 1d prices for dogecoin/);
    const day = Date.UTC(2024, 0, 1);
    await store.saveSignals([1, 2, 3].map((i) => ({
      ts: day + i * 86_400_000,
      asset: "bitcoin",
      strategy: "sma_cross",
      direction: "long" as const,
      confidence: 0.5,
      size: 0.1,
      reason: `r${i}`,
    })));
    const p1 = await call(`${url}/signals?asset=bitcoin&limit=2`, { token: SECRET });
    assert.deepEqual(p1.body.signals.map((s: any) => s.reason), ["r3", "r2"]);
    assert.equal(p1.body.next, 2);
    const p2 = await call(`${url}/signals?asset=bitcoin&limit=2&offset=2`, { token: SECRET });
    assert.deepEqual(p2.body.signals.map((s: any) => s.reason), ["r1"]);
    assert.equal(p2.body.next, null);
    const ranged = await call(`${url}/signals?from=2024-01-03&to=2024-01-03`, { token: SECRET });
    assert.deepEqual(ranged.body.signals.map((s: any) => s.time), ["2024-01-03T00:00:00Z"]);
    const vix = await call(`${url}/macro/VIX?from=2024-12-30`, { token: SECRET });
    assert.equal(vix.status, 200);
    assert.ok(vix.body.observations.every((o: any) => o.date >= "2024-12-30"));
  });
});

Deno.test("limits: body size 413, per-client rate limit 429 with Retry-After, health exempt", async () => {
  await withService({
    env: { API_MAX_BODY_BYTES: "2048", API_RATE_LIMIT_PER_MIN: "5" },
  }, async ({ url }) => {
    const big = await call(`${url}/backtest`, {
      method: "POST",
      token: SECRET,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ symbols: ["x".repeat(4000)] }),
    });
    assert.equal(big.status, 413);
    assert.match(big.body.error, /larger than 2048 bytes \(API_MAX_BODY_BYTES\)/);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      statuses.push((await call(`${url}/signals`, { token: SECRET })).status);
    }
    // the 413 took one of the 5 requests of the minute
    assert.deepEqual(statuses, [200, 200, 200, 200, 429, 429]);
    const limited = await call(`${url}/signals`, { token: SECRET });
    assert.equal(limited.status, 429);
    // 5 a minute: one token every 12 s
    const wait = Number(limited.headers.get("retry-after"));
    assert.ok(wait >= 1 && wait <= 12, `Retry-After ${wait}`);
    for (let i = 0; i < 10; i++) assert.equal((await call(`${url}/health`)).status, 200);
  });
});

Deno.test("without API_SECRET_KEY reads are open on loopback and control routes say why they are off", async () => {
  await withService({ env: { API_SECRET_KEY: "" } }, async ({ url }) => {
    assert.equal((await call(`${url}/signals`)).status, 200);
    const r = await call(`${url}/backtest`, { method: "POST", json: { symbols: ["bitcoin"] } });
    assert.equal(r.status, 401);
    assert.equal(r.body.error, "control routes are disabled: API_SECRET_KEY is not set");
  });
});
