import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import fc from "fast-check";
import { jitterMs, MAX_JITTER_MS } from "./jitter.ts";

Deno.test("jitter is at most 10 % of the period and 30 s, and the same for the same name (property)", () => {
  fc.assert(
    fc.property(
      fc.string({ minLength: 1, maxLength: 40 }),
      fc.integer({ min: 1_000, max: 31_622_400_000 }),
      (name, period) => {
        const j = jitterMs(name, period);
        assert.ok(Number.isInteger(j) && j >= 0, "a whole, non-negative offset");
        assert.ok(j <= period / 10, `${j} ms is more than 10 % of ${period} ms`);
        assert.ok(j <= MAX_JITTER_MS, `${j} ms is more than 30 s`);
        assert.equal(jitterMs(name, period), j, "deterministic");
      },
    ),
    { numRuns: 2_000 },
  );
});

Deno.test("jitter is the name's SHA-256 fraction of the cap (checked by hand for one name)", () => {
  // first 32 bits of sha256("collect") as a fraction of 2^32, times (cap + 1), floored
  const u = parseInt(createHash("sha256").update("collect").digest("hex").slice(0, 8), 16) /
    2 ** 32;
  assert.equal(jitterMs("collect", 3_600_000), Math.floor(u * 30_001)); // cap 30 s
  assert.equal(jitterMs("collect", 2_000), Math.floor(u * 201)); // cap 10 % of 2 s
});

Deno.test("different names spread over the jitter window", () => {
  const offsets = new Set(Array.from({ length: 50 }, (_, i) => jitterMs(`job-${i}`, 3_600_000)));
  assert.ok(offsets.size >= 45, `only ${offsets.size} distinct offsets for 50 names`);
  const spread = Math.max(...offsets) - Math.min(...offsets);
  assert.ok(spread > 20_000, `offsets span only ${spread} ms of the 30 s window`);
});
