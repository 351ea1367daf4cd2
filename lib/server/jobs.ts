/**
 * Backtests the API runs: a run that finishes within `API_SYNC_TIMEOUT_MS` answers at once; a
 * longer one answers 202 and is kept here (bounded, oldest finished first out) until fetched by
 * `GET /backtests/{id}`.
 * @module
 */

/** A job's state. */
export interface BacktestJobState {
  readonly id: string;
  status: "running" | "done" | "failed";
  /** The CLI's `--json` result, when done. */
  result?: unknown;
  /** The stored run, when it was stored. */
  runId?: number;
  /** The run's report.html, when done. */
  report?: string;
  /** One-line reason, when failed. */
  error?: string;
  /** The status a synchronous answer would have had (4xx for a bad request). */
  errorStatus?: number;
}

/** The job table. */
export class BacktestJobs {
  readonly #jobs = new Map<string, BacktestJobState>();
  readonly #limit: number;
  #next = 1;
  readonly #running = new Set<Promise<unknown>>();

  /** Keeps at most `limit` jobs (default 50: each holds its HTML report). */
  constructor(limit = 50) {
    this.#limit = limit;
  }

  /** Registers a running job for `work`; the job's state follows the promise. */
  track(
    work: Promise<{ result: unknown; runId?: number; report?: string }>,
    fail: (e: unknown) => { status: number; reason: string },
  ): BacktestJobState {
    const job: BacktestJobState = { id: `job-${this.#next++}`, status: "running" };
    this.#jobs.set(job.id, job);
    this.#evict();
    const p = work.then((r) => {
      job.status = "done";
      job.result = r.result;
      job.runId = r.runId;
      job.report = r.report;
    }, (e) => {
      const f = fail(e);
      job.status = "failed";
      job.error = f.reason;
      job.errorStatus = f.status;
    }).finally(() => this.#running.delete(p));
    this.#running.add(p);
    return job;
  }

  /** A job by id. */
  get(id: string): BacktestJobState | undefined {
    return this.#jobs.get(id);
  }

  /** The job that stored run `runId`. */
  byRunId(runId: number): BacktestJobState | undefined {
    for (const j of this.#jobs.values()) if (j.runId === runId) return j;
    return undefined;
  }

  /** Jobs still running. */
  get running(): number {
    return this.#running.size;
  }

  /** Resolves once every running job has finished (graceful shutdown). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.#running]);
  }

  #evict(): void {
    for (const [id, j] of this.#jobs) {
      if (this.#jobs.size <= this.#limit) return;
      if (j.status !== "running") this.#jobs.delete(id);
    }
  }
}
