import assert from "node:assert/strict";
import { jsonLine } from "./events.ts";

Deno.test("--json lines: exactly the issue's keys, in order, with ISO times", () => {
  const slot = Date.UTC(2024, 0, 1, 10);
  assert.equal(
    jsonLine({
      type: "finished",
      job: "collect",
      slot,
      startMs: slot + 15_177,
      endMs: slot + 17_500,
      outcome: "partial",
      catchUp: true,
      missedSlots: 71,
      attempts: 3,
      error: "1 of 2 failed: ethereum",
      detail: { collectRun: 9 },
    }),
    '{"job":"collect","slot":"2024-01-01T10:00:00Z","start":"2024-01-01T10:00:15.177Z",' +
      '"end":"2024-01-01T10:00:17.500Z","outcome":"partial","catchUp":true,"missedSlots":71,' +
      '"attempts":3}',
  );
  assert.equal(
    jsonLine({ type: "skipped", job: "collect", slot, reason: "overlap", atMs: slot + 20_000 }),
    '{"job":"collect","slot":"2024-01-01T10:00:00Z","skipped":"overlap"}',
  );
  assert.equal(
    jsonLine({ type: "started", job: "c", slot, startMs: slot, catchUp: false, missedSlots: 0 }),
    undefined,
  );
  assert.equal(jsonLine({ type: "leader", state: "leader", atMs: slot }), undefined);
});
