/**
 * Over real sockets: a WebSocket client that stops reading (a raw TCP connection that upgraded,
 * subscribed and then never reads) is closed with 4008 once its socket is backed up and its
 * queue is full, while a normal client receives every message.
 */
import assert from "node:assert/strict";
import { SECRET, withService, wsClient } from "./helpers.ts";

/** A masked client text frame (RFC 6455 §5.2), payload under 64 KiB. */
function clientFrame(text: string): Uint8Array {
  const payload = new TextEncoder().encode(text);
  const mask = new Uint8Array([1, 2, 3, 4]);
  const head = payload.length < 126
    ? [0x81, 0x80 | payload.length]
    : [0x81, 0x80 | 126, payload.length >> 8, payload.length & 0xff];
  const out = new Uint8Array(head.length + 4 + payload.length);
  out.set(head, 0);
  out.set(mask, head.length);
  for (let i = 0; i < payload.length; i++) out[head.length + 4 + i] = payload[i] ^ mask[i % 4];
  return out;
}

Deno.test("a client that stops reading is closed with 4008; a reading one gets everything", async () => {
  await withService({ env: { API_WS_QUEUE: "20" } }, async ({ url, service }) => {
    const { port } = service.addr;
    const slow = await Deno.connect({ hostname: "127.0.0.1", port });
    await slow.write(new TextEncoder().encode(
      `GET /ws?token=${SECRET} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n` +
        "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" +
        "Sec-WebSocket-Version: 13\r\n\r\n",
    ));
    const buf = new Uint8Array(4096);
    const n = await slow.read(buf);
    assert.match(new TextDecoder().decode(buf.subarray(0, n ?? 0)), /^HTTP\/1\.1 101/);
    await slow.write(clientFrame(JSON.stringify({ type: "subscribe", channels: ["arbitrage"] })));
    const fast = await wsClient(`${url.replace("http", "ws")}/ws?token=${SECRET}`);
    try {
      fast.send({ type: "subscribe", channels: ["arbitrage"] });
      await fast.next((m) => m.type === "subscribed");
      // wait until the hub has both subscribers
      const hub = service.deps.hub;
      for (let i = 0; i < 100 && hub.size < 2; i++) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 100));
      const padding = "x".repeat(32 * 1024);
      const total = 400; // 400 x 32 KiB = 12.5 MiB: far beyond what the kernel buffers
      for (let i = 1; i <= total; i++) {
        hub.publish("arbitrage", "arbitrage", { i, padding });
        if (i % 20 === 0) await new Promise((r) => setTimeout(r, 5));
      }
      const last = await fast.next((m) => m.channel === "arbitrage" && m.data.i === total, 30_000);
      assert.equal(last.seq, total);
      const got = fast.messages.filter((m) => m.channel === "arbitrage").map((m) => m.seq);
      assert.deepEqual(
        got,
        Array.from({ length: total }, (_, i) => i + 1),
        "no gap for the fast one",
      );
      assert.equal(hub.size, 1, "the slow client was dropped");
      const metrics = await (await fetch(`${url}/metrics`)).text();
      assert.match(metrics, /^mts_ws_slow_clients_closed_total 1$/m);
    } finally {
      await fast.close();
      slow.close();
    }
  });
});
