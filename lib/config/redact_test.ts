import assert from "node:assert/strict";
import { resolveConfig } from "./config.ts";
import { createRedactor, redactorFor, secretValues } from "./redact.ts";

Deno.test("every configured secret is removed from any text, raw or percent-encoded", () => {
  const c = resolveConfig({
    COINGECKO_API_KEY: "CG-abc/123+xyz",
    FRED_API_KEY: "0123456789abcdef0123456789abcdef",
    API_SECRET_KEY: "hunter2hunter2",
    REDIS_URL: "redis://mts:p%40ss-word@cache.internal:6379/0",
  });
  assert.deepEqual(secretValues(c).sort(), [
    "0123456789abcdef0123456789abcdef",
    "CG-abc/123+xyz",
    "hunter2hunter2",
    "p%40ss-word",
    "p@ss-word",
  ]);
  const redact = redactorFor(c);
  const text = [
    'HTTP 401: {"error":"key CG-abc/123+xyz is invalid"}',
    "GET /x?key2=CG-abc%2F123%2Bxyz",
    "token hunter2hunter2 rejected",
    "auth failed for p@ss-word at redis://mts:p%40ss-word@cache.internal:6379/0",
    "fred said 0123456789abcdef0123456789abcdef",
  ].join("\n");
  const out = redact(text);
  for (const s of secretValues(c)) assert.ok(!out.includes(s), `${s} in ${out}`);
  assert.equal(
    out,
    [
      'HTTP 401: {"error":"key *** is invalid"}',
      "GET /x?key2=***",
      "token *** rejected",
      "auth failed for *** at redis://mts:***@cache.internal:6379/0",
      "fred said ***",
    ].join("\n"),
  );
});

Deno.test("unknown secrets in key-like query parameters and URL passwords are redacted too", () => {
  const redact = createRedactor([]);
  assert.equal(
    redact("GET https://h/x?series_id=A&api_key=zzz&x=1 via postgres://u:pw@db/x"),
    "GET https://h/x?series_id=A&api_key=***&x=1 via postgres://u:***@db/x",
  );
});

Deno.test("empty and very short secrets are not searched for (they would garble every text)", () => {
  const redact = createRedactor(["", undefined, "ab", "abcd"]);
  assert.equal(redact("ab cab abcd"), "ab cab ***");
});

Deno.test("the DATABASE_URL password is a secret, raw and percent-decoded", () => {
  const c = resolveConfig({ DATABASE_URL: "postgres://mts:p%40ss-w0rd@db:5432/mts" });
  const redact = redactorFor(c);
  const out = redact("connect failed for p@ss-w0rd and p%40ss-w0rd");
  assert.ok(!out.includes("p@ss-w0rd") && !out.includes("p%40ss-w0rd"), out);
});
