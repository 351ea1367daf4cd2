import assert from "node:assert/strict";
import type { RunItem } from "../storage/store.ts";
import { runOutcome } from "./run_outcome.ts";

const item = (subject: string, status: RunItem["status"], rowsWritten = 0): RunItem => ({
  source: "s",
  subject,
  status,
  rowsWritten,
});

Deno.test("a run succeeds, fails or is partial by its attempted items and interruption", () => {
  assert.deepEqual(runOutcome([item("a", "success", 3), item("b", "success", 2)]), {
    status: "success",
    rowsWritten: 5,
    error: undefined,
  });
  assert.deepEqual(runOutcome([item("a", "success", 3), item("b", "failed")]), {
    status: "partial",
    rowsWritten: 3,
    error: "1 of 2 failed: b",
  });
  // skipped items (a key is missing) are not attempted: the one attempted failed
  assert.equal(runOutcome([item("a", "failed"), item("b", "skipped")]).status, "failed");
  assert.equal(runOutcome([item("a", "skipped")]).status, "success");
  assert.deepEqual(runOutcome([item("a", "success", 4), item("b", "skipped")], "SIGTERM"), {
    status: "partial",
    rowsWritten: 4,
    error: "interrupted: SIGTERM",
  });
  assert.equal(runOutcome([item("a", "skipped")], "SIGTERM").status, "failed");
});
