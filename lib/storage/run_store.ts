/**
 * The run concern of the store: every collection and import is a run, with its items and
 * outcome. A running run is held by a lease of the process that owns it, so that another process
 * can tell a live run from one whose process died.
 * @module
 */

/** Per-item outcome of a run. */
export interface RunItem {
  /** Source of the series. */
  source: string;
  /** Asset or macro series. */
  subject: string;
  /** Bar interval, when the series has one. */
  interval?: string;
  /** What happened to this item. */
  status: "success" | "failed" | "skipped";
  /** Rows inserted or updated. */
  rowsWritten: number;
  /** Why it failed or was skipped. */
  error?: string;
}

/** A recorded collection or import run. */
export interface RunRecord {
  /** Run id. */
  id: number;
  /** collect, macro, import, … */
  task: string;
  /** UTC ms. */
  startedAt: number;
  /** UTC ms; absent while running. */
  finishedAt?: number;
  /** `running` until finished. */
  status: "running" | "success" | "partial" | "failed";
  /** What the run was asked to do (flags, file, …). */
  params: Record<string, unknown>;
  /** Rows inserted or updated. */
  rowsWritten: number;
  /** Data-quality issues the run found. */
  issues: number;
  /** Why it failed, or a summary of what did. */
  error?: string;
  /**
   * For `running` runs: whether the process that owns the run is still alive (its lease is held).
   * `false` means it died; the next run of the task marks it interrupted.
   */
  live?: boolean;
  /** Per-item outcomes. */
  items: RunItem[];
}

/** How a run ended. */
export interface RunOutcome {
  /** Final status. */
  status: Exclude<RunRecord["status"], "running">;
  /** Rows inserted or updated. */
  rowsWritten: number;
  /** Data-quality issues found. */
  issues?: number;
  /** Why it failed, or a summary. */
  error?: string;
  /** Per-item outcomes. */
  items?: RunItem[];
}

/** Run records. */
export interface RunStore {
  /** Starts a run record, held by this process's lease until finished, and returns its id. */
  startRun(task: string, params: Record<string, unknown>): Promise<number>;
  /** Completes a run record with its outcome and releases it. */
  finishRun(id: number, outcome: RunOutcome): Promise<void>;
  /** Most recent runs first. */
  listRuns(options?: { task?: string; limit?: number }): Promise<RunRecord[]>;
  /**
   * Marks the `running` runs of `task` whose owning process is gone (lease expired or released)
   * as failed with `error`; runs of live processes are left alone. Returns the ids it marked.
   */
  closeAbandonedRuns(task: string, error: string): Promise<number[]>;
}
