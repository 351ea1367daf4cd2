// deno-lint-ignore-file no-explicit-any
/**
 * Price alerts: created over the API, fired once when new prices arrive — a new bar written to
 * the store (as `collect` in another process would) or a relayed book's mid price — and
 * published on the `alerts` channel; listed and deleted; bad requests named.
 */
import assert from "node:assert/strict";
import { bookCacheKey } from "../../lib/streams/published.ts";
import { alertFires, midPrice } from "../../lib/server/alerts.ts";
import { call, sampleBook, SECRET, withService, wsClient } from "./helpers.ts";

Deno.test("alert conditions: above / below at the threshold, a move either way", () => {
  assert.equal(alertFires({ condition: "above", threshold: 100 }, 100), true);
  assert.equal(alertFires({ condition: "above", threshold: 100 }, 99.99), false);
  assert.equal(alertFires({ condition: "below", threshold: 100 }, 100), true);
  // 5 % from 200: at 190 and 210 exactly, not at 191
  const move = { condition: "move" as const, threshold: 0.05, referencePrice: 200 };
  assert.equal(alertFires(move, 190), true);
  assert.equal(alertFires(move, 210), true);
  assert.equal(alertFires(move, 191), false);
  assert.equal(alertFires({ condition: "above", threshold: 1 }, NaN), false);
  assert.equal(midPrice({ bids: [[99, 1]], asks: [[101, 2]] }), 100);
  assert.equal(midPrice({ bids: [], asks: [[101, 2]] }), undefined);
});

Deno.test("a new stored bar fires an asset alert once, on the alerts channel", async () => {
  await withService({}, async ({ url, store }) => {
    const ws = await wsClient(`${url.replace("http", "ws")}/ws?token=${SECRET}`);
    try {
      ws.send({ type: "subscribe", channels: ["alerts"] });
      await ws.next((m) => m.type === "subscribed");
      const key = { source: "sample", asset: "bitcoin", interval: "1d" } as const;
      const last = (await store.getCandles(key)).at(-1)!;
      const post = (json: unknown) =>
        call(`${url}/alerts`, { method: "POST", token: SECRET, json });
      const above = await post({ asset: "bitcoin", above: last.close * 1.1, note: "breakout" });
      assert.equal(above.status, 201, above.text);
      assert.equal(above.body.condition, "above");
      assert.equal(above.body.referencePrice, last.close);
      const move = await post({ asset: "bitcoin", movePct: 50 });
      assert.equal(move.body.threshold, 0.5);
      // the next day's bar closes 20 % higher: above fires, a 50 % move does not
      const day = 86_400_000;
      const up = last.close * 1.2;
      await store.upsertCandles(key, [{
        ts: last.ts + day,
        open: last.close,
        high: up,
        low: last.close,
        close: up,
        volume: 1,
      }]);
      const fired = await ws.next((m) => m.channel === "alerts");
      assert.equal(fired.data.id, above.body.id);
      assert.equal(fired.data.triggeredPrice, up);
      assert.equal(fired.data.note, "breakout");
      // another bar: nothing fires twice
      await store.upsertCandles(key, [{
        ts: last.ts + 2 * day,
        open: up,
        high: up * 1.01,
        low: up,
        close: up * 1.01,
        volume: 1,
      }]);
      await new Promise((r) => setTimeout(r, 400));
      assert.equal(ws.messages.filter((m) => m.channel === "alerts").length, 1);
      const active = await call(`${url}/alerts?active=true`, { token: SECRET });
      assert.deepEqual(active.body.alerts.map((a: any) => a.id), [move.body.id]);
      const all = await call(`${url}/alerts`, { token: SECRET });
      const a = all.body.alerts.find((x: any) => x.id === above.body.id);
      assert.equal(a.triggeredPrice, up);
      assert.equal(
        (await call(`${url}/alerts/${move.body.id}`, { method: "DELETE", token: SECRET })).status,
        204,
      );
      assert.equal(
        (await call(`${url}/alerts/${move.body.id}`, { method: "DELETE", token: SECRET })).status,
        404,
      );
    } finally {
      await ws.close();
    }
  });
});

Deno.test("a relayed book's mid price fires a book alert", async () => {
  await withService({}, async ({ url, cache }) => {
    const ws = await wsClient(`${url.replace("http", "ws")}/ws?token=${SECRET}`);
    try {
      ws.send({ type: "subscribe", channels: ["alerts"] });
      await ws.next((m) => m.type === "subscribed");
      const book = { exchange: "binance", market: "spot", symbol: "BTCUSDT" } as const;
      const r = await call(`${url}/alerts`, {
        method: "POST",
        token: SECRET,
        json: { book, below: 60_000 },
      });
      assert.equal(r.status, 201, r.text);
      // mid (64,000.5 + 64,001) / 2: above 60,000, nothing fires
      await cache.publish(bookCacheKey(book), sampleBook(1, 64_000.5));
      // bid 59,000, ask 59,000.5: mid 59,000.25
      await cache.publish(bookCacheKey(book), sampleBook(2, 59_000));
      const fired = await ws.next((m) => m.channel === "alerts");
      assert.equal(fired.data.triggeredPrice, 59_000.25);
      assert.equal(fired.data.subject, "binance:spot:BTCUSDT");
    } finally {
      await ws.close();
    }
  });
});

Deno.test("an asset alert fires on the mid of a live spot book of its symbol (stream prices)", async () => {
  await withService({}, async ({ url, cache }) => {
    const ws = await wsClient(`${url.replace("http", "ws")}/ws?token=${SECRET}`);
    try {
      ws.send({ type: "subscribe", channels: ["alerts"] });
      await ws.next((m) => m.type === "subscribed");
      const r = await call(`${url}/alerts`, {
        method: "POST",
        token: SECRET,
        json: { asset: "bitcoin", above: 70_000 },
      });
      assert.equal(r.status, 201, r.text);
      const spot = { exchange: "binance", market: "spot", symbol: "BTCUSDT" } as const;
      const perp = { ...spot, market: "perp" } as const;
      await call(`${url}/books/binance/spot/BTCUSDT`, { token: SECRET }); // relay subscribes
      await call(`${url}/books/binance/perp/BTCUSDT`, { token: SECRET });
      await cache.set("mts:books", ["binance:spot:BTCUSDT", "binance:perp:BTCUSDT"]);
      await new Promise((res) => setTimeout(res, 300)); // the relay re-reads the index
      // a perp book above the threshold, and a spot book above it that is not live: nothing
      await cache.publish(bookCacheKey(perp), { ...sampleBook(1, 71_000), market: "perp" });
      await cache.publish(bookCacheKey(spot), { ...sampleBook(2, 71_000), state: "syncing" });
      // the live spot book: bid 70,500, ask 70,500.5, mid 70,500.25
      await cache.publish(bookCacheKey(spot), sampleBook(3, 70_500));
      const fired = await ws.next((m) => m.channel === "alerts");
      assert.equal(fired.data.id, r.body.id);
      assert.equal(fired.data.subject, "bitcoin");
      assert.equal(fired.data.triggeredPrice, 70_500.25);
      await new Promise((res) => setTimeout(res, 200));
      assert.equal(ws.messages.filter((m) => m.channel === "alerts").length, 1);
    } finally {
      await ws.close();
    }
  });
});

Deno.test("bad alert requests are 400s naming the field; a move without a price is 422", async () => {
  await withService({}, async ({ url }) => {
    const post = (json: unknown, token = SECRET) =>
      call(`${url}/alerts`, { method: "POST", token, json });
    assert.equal((await post({ asset: "bitcoin", above: 1 }, "")).status, 401);
    const both = await post({ asset: "bitcoin", above: 1, below: 2 });
    assert.equal(both.status, 400);
    assert.match(both.body.error, /json\.above: give exactly one of above, below or movePct/);
    const none = await post({ above: 1 });
    assert.match(none.body.error, /json\.asset: give exactly one of asset or book/);
    const neg = await post({ asset: "bitcoin", above: -5 });
    assert.match(neg.body.error, /^json\.above: /);
    const noPrice = await post({ asset: "dogecoin", movePct: 5 });
    assert.equal(noPrice.status, 422);
    assert.match(noPrice.body.error, /no current price for dogecoin/);
    const badId = await call(`${url}/alerts/abc`, { method: "DELETE", token: SECRET });
    assert.equal(badId.status, 400);
    assert.match(badId.body.error, /^param\.id: /);
  });
});
