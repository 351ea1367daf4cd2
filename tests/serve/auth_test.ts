/**
 * The auth decisions and the rate limiter without a server: which access each token gets, and
 * the token bucket's refill on a fake clock.
 */
import assert from "node:assert/strict";
import { authorize, bearer, safeEqual } from "../../lib/server/auth.ts";
import { RateLimiter } from "../../lib/server/rate_limit.ts";
import { epoch, jwt } from "./helpers.ts";

const settings = { secret: "k", publicRead: false };

Deno.test("authorize: public, read and control access for each kind of token", async () => {
  const read = jwt({ scope: "read", exp: epoch(60) }, "k");
  const control = jwt({ scope: "control", exp: epoch(60) }, "k");
  assert.deepEqual(await authorize("public", undefined, settings), { ok: true, scope: "read" });
  assert.equal((await authorize("read", undefined, settings)).ok, false);
  assert.deepEqual(await authorize("read", read, settings), { ok: true, scope: "read" });
  assert.deepEqual(await authorize("control", "k", settings), { ok: true, scope: "control" });
  assert.deepEqual(await authorize("control", control, settings), { ok: true, scope: "control" });
  const r = await authorize("control", read, settings);
  assert.equal(r.ok === false && r.status, 403);
  // public read opens reads without a token, a bad token is still refused
  const open = { secret: "k", publicRead: true };
  assert.equal((await authorize("read", undefined, open)).ok, true);
  assert.equal((await authorize("read", "wrong", open)).ok, false);
  assert.equal((await authorize("control", undefined, open)).ok, false);
  // no key: reads open, control refused with the reason
  const none = await authorize("control", "anything", { publicRead: false });
  assert.equal(
    none.ok === false && none.reason,
    "control routes are disabled: API_SECRET_KEY is not set",
  );
  assert.equal(bearer("Bearer abc"), "abc");
  assert.equal(bearer("bearer  abc "), "abc");
  assert.equal(bearer("Basic abc"), undefined);
  assert.equal(safeEqual("abc", "abc"), true);
  assert.equal(safeEqual("abc", "abd"), false);
  assert.equal(safeEqual("abc", "abcd"), false);
});

Deno.test("the rate limiter allows a burst of the per-minute budget, then one per 60/n s", () => {
  let now = 0;
  const l = new RateLimiter(6, () => now);
  for (let i = 0; i < 6; i++) assert.equal(l.take("a"), 0);
  // empty: the next token comes in 10 s
  assert.equal(l.take("a"), 10_000);
  assert.equal(l.take("b"), 0, "clients have their own buckets");
  now = 9_999;
  assert.equal(l.take("a"), 1);
  now = 10_000;
  assert.equal(l.take("a"), 0);
  assert.equal(new RateLimiter(0).disabled, true);
});
