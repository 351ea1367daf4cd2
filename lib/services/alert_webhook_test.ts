import assert from "node:assert/strict";
import { AlertWebhook } from "./alert_webhook.ts";

/** A local endpoint answering each request with the next status of `statuses` (then 200). */
function endpoint(statuses: number[], headers: Record<string, string> = {}) {
  const got: { body: unknown; at: number }[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const body = await req.json();
    got.push({ body, at: Date.now() });
    const status = statuses.shift() ?? 200;
    return new Response(status === 204 ? null : "x", { status, headers });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}/hook/s3cr3t-token`,
    got,
    close: () => server.shutdown(),
  };
}

Deno.test("webhook: posts each alert as JSON, in order, retrying a 5xx with backoff", async () => {
  const ep = endpoint([500, 503]);
  try {
    const hook = new AlertWebhook(ep.url, { backoffMs: 20 });
    hook.send({ event: "opened", id: "a" });
    hook.send({ event: "closed", id: "a" });
    await hook.flush(5_000);
    // the first alert took three attempts (500, 503, 200), the second one
    assert.deepEqual(ep.got.map((g) => (g.body as { event: string }).event), [
      "opened",
      "opened",
      "opened",
      "closed",
    ]);
    assert.ok(ep.got[2].at - ep.got[1].at >= 35, "the second retry waits about twice the first");
    assert.deepEqual(hook.stats, { sent: 2, failed: 0, dropped: 0, retries: 2 });
  } finally {
    await ep.close();
  }
});

Deno.test("webhook: a 4xx is not retried; the error names the origin, never the token", async () => {
  const ep = endpoint([400]);
  const errors: string[] = [];
  try {
    const hook = new AlertWebhook(ep.url, { backoffMs: 1, onError: (m) => errors.push(m) });
    hook.send({ id: "x" });
    await hook.flush(5_000);
    assert.equal(ep.got.length, 1);
    assert.deepEqual(hook.stats, { sent: 0, failed: 1, dropped: 0, retries: 0 });
    assert.equal(errors.length, 1);
    assert.match(errors[0], /^webhook http:\/\/127\.0\.0\.1:\d+\/…: HTTP 400$/);
    assert.doesNotMatch(errors[0], /s3cr3t/);
  } finally {
    await ep.close();
  }
});

Deno.test("webhook: 429 waits Retry-After (capped) before retrying", async () => {
  const ep = endpoint([429], { "retry-after": "1" });
  try {
    const hook = new AlertWebhook(ep.url, { backoffMs: 1, maxRetryWaitMs: 300 });
    hook.send({ id: "x" });
    await hook.flush(5_000);
    assert.equal(ep.got.length, 2);
    const waited = ep.got[1].at - ep.got[0].at;
    assert.ok(
      waited >= 280 && waited < 1000,
      `waited ${waited} ms (Retry-After 1 s capped at 300)`,
    );
  } finally {
    await ep.close();
  }
});

Deno.test("webhook: an endpoint that is down never blocks the sender and is given up on", async () => {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close(); // nothing listens there now
  const errors: string[] = [];
  const hook = new AlertWebhook(`http://127.0.0.1:${port}/x`, {
    retries: 2,
    backoffMs: 5,
    onError: (m) => errors.push(m),
  });
  const t = performance.now();
  for (let i = 0; i < 5; i++) hook.send({ i });
  assert.ok(performance.now() - t < 500, "send() returns at once (no network wait)");
  await hook.flush(10_000);
  assert.equal(hook.stats.failed, 5);
  assert.match(errors[0], /connection failed after 3 attempts/);
});

Deno.test("webhook: a full queue drops its oldest alert; flush gives up after its timeout", async () => {
  const ep = endpoint([503, 503, 503, 503, 503, 503, 503, 503]);
  try {
    const hook = new AlertWebhook(ep.url, { maxQueue: 2, backoffMs: 200, retries: 10 });
    hook.send({ id: 1 });
    hook.send({ id: 2 });
    hook.send({ id: 3 }); // queue holds 1 (being sent) and 2: the oldest goes
    assert.equal(hook.stats.dropped, 1);
    const t = Date.now();
    await hook.flush(300);
    assert.ok(Date.now() - t < 1500, "flush does not wait for the whole backoff");
    assert.equal(hook.stats.sent, 0);
    assert.equal(hook.stats.failed, 2);
  } finally {
    await ep.close();
  }
});
