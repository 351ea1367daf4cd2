/**
 * WebSocket notifications over a real server: a PublishedBook published on the memory cache's
 * channel reaches a subscribed client; auth by query token or first message; a signal run
 * publishes one message per signal and a `run` summary; a client that reconnects with `since`
 * gets what it missed.
 */
import assert from "node:assert/strict";
import { bookCacheKey } from "../../lib/streams/published.ts";
import { call, epoch, jwt, sampleBook, SECRET, withService, wsClient } from "./helpers.ts";

function wsUrl(url: string, token?: string): string {
  return `${url.replace(/^http/, "ws")}/ws${token ? `?token=${encodeURIComponent(token)}` : ""}`;
}

Deno.test("a book published on the memory cache reaches a subscribed WebSocket client", async () => {
  await withService({}, async ({ url, cache }) => {
    const c = await wsClient(wsUrl(url, SECRET));
    try {
      c.send({ type: "subscribe", channels: ["books:binance:spot:BTCUSDT"] });
      const ack = await c.next((m) => m.type === "subscribed");
      assert.deepEqual(ack.channels, {
        "books:binance:spot:BTCUSDT": { lastSeq: 0, complete: true },
      });
      const key = { exchange: "binance", market: "spot", symbol: "BTCUSDT" } as const;
      const book = sampleBook(101);
      await cache.publish(bookCacheKey(key), book);
      // another book's channel is not delivered to this client
      await cache.publish(bookCacheKey({ ...key, symbol: "ETHUSDT" }), {
        ...sampleBook(5),
        symbol: "ETHUSDT",
      });
      await cache.publish(bookCacheKey(key), sampleBook(102, 64_001));
      const first = await c.next((m) => m.channel === "books:binance:spot:BTCUSDT" && m.seq === 1);
      assert.equal(first.type, "book");
      assert.deepEqual(first.data, JSON.parse(JSON.stringify(book)));
      const second = await c.next((m) => m.seq === 2);
      assert.equal(second.data.updateId, 102);
      assert.equal(second.data.bids[0][0], 64_001);
      assert.ok(!c.messages.some((m) => m.data?.symbol === "ETHUSDT"));
      assert.ok(Date.parse(first.time) > 0);
    } finally {
      await c.close();
    }
  });
});

Deno.test("WebSocket auth: a wrong query token is refused, a first auth message works", async () => {
  await withService({}, async ({ url }) => {
    const r = await call(`${url}/ws?token=wrong`, { headers: { upgrade: "websocket" } });
    assert.equal(r.status, 401);
    const c = await wsClient(wsUrl(url));
    c.send({ type: "subscribe", channels: ["signals"] });
    const closed = await c.closed;
    assert.equal(closed.code, 4001);
    assert.match(closed.reason, /authenticate first/);
    const d = await wsClient(wsUrl(url));
    try {
      d.send({ type: "auth", token: jwt({ scope: "read", exp: epoch(60) }) });
      assert.equal((await d.next((m) => m.type === "authenticated")).scope, "read");
      d.send({ type: "subscribe", channels: ["nope"] });
      assert.match((await d.next((m) => m.type === "error")).error, /unknown channel "nope"/);
    } finally {
      await d.close();
    }
  });
});

Deno.test("a signal run notifies subscribers; a reconnect with since replays what was missed", async () => {
  await withService({}, async ({ url }) => {
    const c = await wsClient(wsUrl(url, SECRET));
    c.send({ type: "subscribe", channels: ["signals"] });
    await c.next((m) => m.type === "subscribed");
    const run = async () => {
      const r = await call(`${url}/signals/generate`, {
        method: "POST",
        token: SECRET,
        json: { strategies: ["sma_cross"], assets: ["bitcoin"], at: "2024-06-28", save: false },
      });
      assert.equal(r.status, 200, r.text);
      return r.body;
    };
    const body = await run();
    const summary = await c.next((m) => m.channel === "signals" && m.type === "run");
    const fired = body.signals.length + body.aggregate.signals.length;
    assert.equal(summary.seq, fired + 1, "one message per signal, then the run summary");
    assert.equal(summary.data.at, "2024-06-28");
    const lastSeen = summary.seq;
    await c.close();
    // missed while disconnected
    await run();
    const d = await wsClient(wsUrl(url, SECRET));
    try {
      d.send({ type: "subscribe", channels: ["signals"], since: { signals: lastSeen } });
      const ack = await d.next((m) => m.type === "subscribed");
      assert.deepEqual(ack.channels.signals, { lastSeq: 2 * lastSeen, complete: true });
      const replayed = d.messages.filter((m) => m.channel === "signals");
      assert.deepEqual(
        replayed.map((m) => m.seq),
        Array.from({ length: lastSeen }, (_, i) => lastSeen + 1 + i),
      );
      assert.equal(replayed[replayed.length - 1].type, "run");
    } finally {
      await d.close();
    }
  });
});
