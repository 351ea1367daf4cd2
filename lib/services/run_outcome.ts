/**
 * How a collection run ends, from its items — the one rule for `collect`, `macro` and the
 * scheduler's jobs that run them: `success` when nothing failed and nothing interrupted it;
 * `failed` when every attempted item failed, or it was interrupted before writing a row;
 * `partial` otherwise. Items skipped (not attempted, or needing a key) do not count as attempted.
 * @module
 */
import type { RunItem, RunOutcome } from "../storage/store.ts";

/** The run's status, rows written and one-line error (see the module doc). */
export function runOutcome(
  items: readonly RunItem[],
  interrupted?: string,
): { status: RunOutcome["status"]; rowsWritten: number; error?: string } {
  const failed = items.filter((i) => i.status === "failed");
  const attempted = items.filter((i) => i.status !== "skipped").length;
  const rowsWritten = items.reduce((n, i) => n + i.rowsWritten, 0);
  const status: RunOutcome["status"] = failed.length === 0 && !interrupted
    ? "success"
    : (failed.length > 0 && failed.length === attempted) || (interrupted && rowsWritten === 0)
    ? "failed"
    : "partial";
  const error = interrupted
    ? `interrupted: ${interrupted}`
    : failed.length
    ? `${failed.length} of ${items.length} failed: ${failed.map((i) => i.subject).join(", ")}`
    : undefined;
  return { status, rowsWritten, error };
}
