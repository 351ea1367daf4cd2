import assert from "node:assert/strict";
import { RateLimitError } from "../core/errors.ts";
import { ManualClock } from "./clock.ts";
import { HttpStatusError, NetworkError } from "./errors.ts";
import { BreakerRegistry } from "./circuit_breaker.ts";
import { TokenBucket } from "./rate_limiter.ts";
import {
  type ClientObservation,
  type Endpoint,
  ResilientClient,
  type ResilientClientOptions,
} from "./resilient_client.ts";

// A scripted fetch: each host answers from its own queue; "refused" throws like Deno's fetch does.
type Step = "refused" | { status: number; body?: string; headers?: Record<string, string> };
function scriptedFetch(script: Record<string, Step[]>) {
  const calls: { url: string; headers: Record<string, string> }[] = [];
  const fetchFn = (input: string, init?: RequestInit) => {
    const u = new URL(input);
    calls.push({ url: input, headers: { ...(init?.headers as Record<string, string>) } });
    const queue = script[u.host] ?? [];
    const step = queue.length > 1 ? queue.shift()! : queue[0];
    if (!step || step === "refused") {
      const cause = new Error(`tcp connect error: Connection refused (os error 111)`);
      return Promise.reject(Object.assign(new TypeError("fetch failed"), { cause }));
    }
    return Promise.resolve(
      new Response(step.body ?? "{}", { status: step.status, headers: step.headers }),
    );
  };
  return { fetchFn, calls };
}

const PRO: Endpoint = { name: "pro", baseUrl: "http://pro.test/api/v3", headers: { "x-key": "K" } };
const PUB: Endpoint = { name: "public", baseUrl: "http://pub.test/api/v3" };

function client(
  script: Record<string, Step[]>,
  extra: Partial<ResilientClientOptions> = {},
) {
  const clock = new ManualClock(0);
  const f = scriptedFetch(script);
  const events: string[] = [];
  const c = new ResilientClient({
    endpoints: [PRO, PUB],
    timeoutMs: 1_000,
    backoff: { baseMs: 100, maxMs: 10_000 },
    clock,
    random: () => 0.5,
    fetchFn: f.fetchFn,
    onEvent: (e) => events.push(e.type),
    ...extra,
  });
  return { c, clock, calls: f.calls, events };
}

Deno.test("an unreachable primary host falls back to the next endpoint with that endpoint's headers", async () => {
  const { c, calls, events } = client({
    "pro.test": ["refused"],
    "pub.test": [{ status: 200, body: '{"ok":1}' }],
  });
  const res = await c.get("/ping");
  assert.equal(res.endpoint, "public");
  assert.equal(res.body, '{"ok":1}');
  assert.equal(calls.length, 2);
  assert.equal(calls[1].url, "http://pub.test/api/v3/ping");
  assert.equal(calls[1].headers["x-key"], undefined, "the Pro key is not sent to the public host");
  assert.deepEqual(events, ["fallback"]);
});

Deno.test("a 429 waits the Retry-After on the same host and never falls back", async () => {
  const { c, clock, calls, events } = client({
    "pro.test": [{ status: 429, headers: { "retry-after": "2" } }, { status: 200 }],
    "pub.test": [{ status: 200 }],
  });
  const res = await c.get("/coins/bitcoin/market_chart");
  assert.equal(res.endpoint, "pro");
  assert.deepEqual(clock.sleeps, [2_000]);
  assert.ok(calls.every((x) => x.url.startsWith("http://pro.test")));
  assert.deepEqual(events, ["rate_limited"]);
});

Deno.test("a rate-limit body inside an HTTP 200 is treated as a 429", async () => {
  const body = '{"status":{"error_code":429,"error_message":"You\'ve exceeded the Rate Limit."}}';
  const { c, clock, calls } = client(
    { "pro.test": [{ status: 200, body, headers: { "retry-after": "1" } }, { status: 200 }] },
    {
      inspect: (r) =>
        r.body.includes('"error_code":429') ? { kind: "rate_limit", message: "limit" } : undefined,
    },
  );
  await c.get("/x");
  assert.equal(calls.length, 2);
  assert.deepEqual(clock.sleeps, [1_000]);
});

Deno.test("5xx is retried with jittered exponential backoff, then fails with the status", async () => {
  const { c, clock, calls } = client({ "pro.test": [{ status: 503, body: "busy" }] });
  await assert.rejects(
    c.get("/x"),
    (e) => e instanceof HttpStatusError && e.status === 503 && /after 4 attempts/.test(e.message),
  );
  assert.equal(calls.length, 4);
  // random 0.5 * min(10_000, 100 * 2^n) for n = 0, 1, 2
  assert.deepEqual(clock.sleeps, [50, 100, 200]);
});

Deno.test("a Retry-After longer than allowed fails at once without sleeping", async () => {
  const { c, clock, calls } = client(
    { "pro.test": [{ status: 418, headers: { "retry-after": "7200" } }] },
    { maxRetryAfterMs: 60_000 },
  );
  await assert.rejects(
    c.get("/x"),
    (e) => e instanceof RateLimitError && e.retryAfterMs === 7_200_000,
  );
  assert.equal(calls.length, 1);
  assert.deepEqual(clock.sleeps, []);
});

Deno.test("a 4xx other than 408/418/429 is not retried", async () => {
  const { c, calls } = client({
    "pro.test": [{ status: 400, body: '{"code":-1121,"msg":"Invalid symbol."}' }],
  });
  await assert.rejects(
    c.get("/x"),
    (e) => e instanceof HttpStatusError && e.status === 400 && /Invalid symbol/.test(e.message),
  );
  assert.equal(calls.length, 1);
});

Deno.test("after repeated refusals the primary's breaker opens and requests go straight to the fallback", async () => {
  const { c, calls } = client({ "pro.test": ["refused"], "pub.test": [{ status: 200 }] });
  for (let i = 0; i < 7; i++) await c.get(`/r${i}`);
  const toPro = calls.filter((x) => x.url.startsWith("http://pro.test")).length;
  assert.equal(
    toPro,
    5,
    "default breaker threshold 5: the 6th and 7th requests skip the dead host",
  );
  assert.equal(calls.length, 5 + 7);
});

Deno.test("with no fallback left, an unreachable host is retried then reported", async () => {
  const { c, clock } = client({ "pro.test": ["refused"] }, { endpoints: [PRO], maxAttempts: 2 });
  await assert.rejects(c.get("/x"), (e) => e instanceof NetworkError && e.kind === "refused");
  assert.deepEqual(clock.sleeps, [50]);
});

Deno.test("each endpoint's limiter is consulted before every request", async () => {
  const clock = new ManualClock(0);
  const limiter = new TokenBucket({ perMinute: 60, capacity: 1, clock });
  const f = scriptedFetch({ "pro.test": [{ status: 200 }] });
  const c = new ResilientClient({
    endpoints: [{ ...PRO, limiter }],
    timeoutMs: 1_000,
    clock,
    fetchFn: f.fetchFn,
  });
  await c.get("/a");
  await c.get("/b");
  await c.get("/c");
  assert.deepEqual(clock.sleeps, [1_000, 1_000]);
});

Deno.test("a 503 with Retry-After is retried no sooner than asked, on the same host", async () => {
  const { c, clock, calls } = client({
    "pro.test": [{ status: 503, headers: { "retry-after": "7" } }, { status: 200, body: "{}" }],
  });
  const r = await c.get("/ping");
  assert.equal(r.endpoint, "pro");
  // backoff alone would be 50 ms (0.5 x 100); the server asked for 7 s
  assert.deepEqual(clock.sleeps, [7_000]);
  assert.ok(calls.every((x) => x.url.startsWith("http://pro.test")));
});

Deno.test("errors keep no secret even when serialised whole into a log line", async () => {
  const key = "0123456789abcdef0123456789abcdef";
  const ep: Endpoint = { name: "fred", baseUrl: "http://fred.test/fred", query: { api_key: key } };
  for (const step of ["refused", { status: 400, body: '{"error_code":400}' }] as Step[]) {
    const { c } = client({ "fred.test": [step] }, { endpoints: [ep], maxAttempts: 1 });
    await assert.rejects(c.get("/series/observations"), (e) => {
      assert.ok(e instanceof NetworkError || e instanceof HttpStatusError);
      const text = JSON.stringify(e) + String(e) + (e as Error).stack;
      assert.ok(!text.includes(key), text);
      return true;
    });
  }
});

Deno.test("every HTTP attempt is counted: 429, 429, 200 is three requests", async () => {
  const { c, calls } = client({
    "pro.test": [{ status: 429 }, { status: 429 }, { status: 200 }],
  });
  assert.equal(c.requestsSent, 0);
  await c.get("/coins/bitcoin/market_chart");
  assert.equal(calls.length, 3, "the server saw three requests");
  assert.equal(c.requestsSent, 3);
});

Deno.test("attempts on an unreachable host and on the fallback both count", async () => {
  const { c, calls } = client({
    "pro.test": ["refused"],
    "pub.test": [{ status: 503 }, { status: 200 }],
  });
  await c.get("/ping");
  assert.equal(calls.length, 3);
  assert.equal(c.requestsSent, 3);
  // a request that fails for good still counts its attempts
  const failing = client({ "pro.test": [{ status: 500 }] }, { endpoints: [PRO], maxAttempts: 2 });
  await assert.rejects(failing.c.get("/ping"), HttpStatusError);
  assert.equal(failing.c.requestsSent, 2);
});

Deno.test("a secret the server echoes in its error body is redacted by the client's redactor", async () => {
  const secret = "CG-echoed-secret-42";
  const redact = (t: string) => t.replaceAll(secret, "***");
  const body = `{"status":{"error_code":10002,"error_message":"key ${secret} is not valid"}}`;
  const events: string[] = [];
  for (const status of [401, 503, 429]) {
    const { c } = client({ "pro.test": [{ status, body }] }, {
      endpoints: [PRO],
      maxAttempts: 2,
      redact,
      inspect: (res) => ({ kind: "error", message: res.body }),
      onEvent: (e) => events.push(JSON.stringify(e)),
    });
    await assert.rejects(c.get("/ping"), (e) => {
      const text = String(e) + JSON.stringify(e);
      assert.ok(!text.includes(secret), text);
      assert.match(text, /key \*\*\* is not valid/);
      return true;
    });
  }
  assert.ok(events.length > 0 && events.every((e) => !e.includes(secret)), events.join("\n"));
});

Deno.test("the monitor hears every attempt's outcome and each circuit change: closed, open, half-open, closed", async () => {
  const clock = new ManualClock(0);
  const seen: ClientObservation[] = [];
  const c = new ResilientClient({
    endpoints: [PUB],
    timeoutMs: 1_000,
    maxAttempts: 2,
    backoff: { baseMs: 10, maxMs: 10 },
    clock,
    random: () => 0,
    breakers: new BreakerRegistry({ failureThreshold: 2, cooldownMs: 5_000, clock }),
    fetchFn: scriptedFetch({
      "pub.test": [{ status: 503 }, { status: 503 }, { status: 429 }, { status: 200 }],
    }).fetchFn,
    onObservation: (o) => seen.push(o),
  });
  await assert.rejects(c.get("/x"), HttpStatusError); // two 503s: the second opens the circuit
  await assert.rejects(c.get("/x"), /circuit/i); // refused while open: no attempt
  clock.advance(5_000); // the cooldown is over: one trial, a 429 (the host is alive), then a 200
  await c.get("/x");
  const line = (o: ClientObservation) =>
    o.type === "attempt" ? `attempt ${o.outcome}` : `circuit ${o.state} ${o.host}`;
  assert.deepEqual(seen.map(line), [
    "circuit closed pub.test",
    "attempt server_error",
    "attempt server_error",
    "circuit open pub.test",
    "circuit half_open pub.test",
    "attempt rate_limited",
    "circuit closed pub.test",
    "attempt ok",
  ]);
});
