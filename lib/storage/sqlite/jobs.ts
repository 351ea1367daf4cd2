/**
 * Scheduler job runs in SQLite (`job_runs`, one row per job and slot). A claim is one write that
 * inserts the slot's row, or takes over a row whose run was cancelled or whose process died —
 * so of two processes claiming the same slot, exactly one gets it. A running row is held by this
 * process's lease (see leases.ts), like collection runs.
 * @module
 */
import type {
  JobRunClaim,
  JobRunEnd,
  JobRunRecord,
  JobRunStatus,
  JobState,
  JobStore,
} from "../job_store.ts";
import type { SqliteDb } from "./db.ts";
import type { Leases } from "./leases.ts";
import { optStr, type Row, toJson } from "./rows.ts";

/** Statuses of a run that ended badly (what `lastFailure` reports). */
const FAILURES = ["failed", "partial", "timeout"];

/** The scheduler concern of the SQLite store. */
export class SqliteJobs implements JobStore {
  readonly #db: SqliteDb;
  readonly #leases: Leases;
  /** Claims this store holds and has not finished. */
  readonly #mine = new Set<number>();

  /** Job runs over `db`, claimed under `leases`. */
  constructor(db: SqliteDb, leases: Leases) {
    this.#db = db;
    this.#leases = leases;
  }

  async claimJobRun(c: JobRunClaim): Promise<number | undefined> {
    const owner = await this.#leases.acquire();
    let id: number | undefined;
    try {
      id = await this.#db.write(() => this.#claim(c, owner));
    } finally {
      if (id === undefined) this.#leases.release();
    }
    if (id !== undefined) this.#mine.add(id);
    return id;
  }

  /** Inside a write: the row's id if this process now holds the slot, else `undefined`. */
  #claim(c: JobRunClaim, owner: string): number | undefined {
    const row = this.#db.stmt("SELECT id, status, owner FROM job_runs WHERE job = ? AND slot = ?")
      .get(c.job, c.slot) as Row | undefined;
    if (!row) {
      return Number(
        this.#db.stmt(
          `INSERT INTO job_runs (job, slot, started_at, status, catch_up, missed_slots, owner)
           VALUES (?, ?, ?, 'running', ?, ?, ?)`,
        ).run(c.job, c.slot, c.startedAt, c.catchUp ? 1 : 0, c.missedSlots, owner)
          .lastInsertRowid,
      );
    }
    const id = Number(row.id);
    const retake = row.status === "cancelled" ||
      (row.status === "running" && !this.#isLive(id, optStr(row.owner)));
    if (!retake) return undefined;
    this.#db.stmt(
      `UPDATE job_runs SET started_at = ?, finished_at = NULL, status = 'running', attempts = 0,
         catch_up = ?, missed_slots = ?, error = NULL, detail = NULL, owner = ?
       WHERE id = ?`,
    ).run(c.startedAt, c.catchUp ? 1 : 0, c.missedSlots, owner, id);
    return id;
  }

  async finishJobRun(id: number, end: JobRunEnd): Promise<void> {
    await this.#db.write(() => {
      this.#db.stmt(
        `UPDATE job_runs SET finished_at = ?, status = ?, attempts = ?, error = ?, detail = ?
         WHERE id = ?`,
      ).run(
        end.finishedAt,
        end.status,
        end.attempts,
        end.error ?? null,
        end.detail === undefined ? null : toJson(end.detail),
        id,
      );
    });
    if (this.#mine.delete(id)) this.#leases.release();
  }

  async recordSkippedSlot(job: string, slot: number, atMs: number, reason: string): Promise<void> {
    await this.#db.write(() => {
      this.#db.stmt(
        `INSERT OR IGNORE INTO job_runs (job, slot, started_at, finished_at, status, error)
         VALUES (?, ?, ?, ?, 'skipped', ?)`,
      ).run(job, slot, atMs, atMs, reason);
    });
  }

  listJobRuns(filter: { job?: string; limit?: number } = {}): Promise<JobRunRecord[]> {
    const rows = this.#db.read(
      `SELECT * FROM job_runs WHERE (?1 IS NULL OR job = ?1) ORDER BY slot DESC, job LIMIT ?2`,
    ).all(filter.job ?? null, filter.limit ?? -1) as Row[];
    return Promise.resolve(rows.map((r) => this.#record(r)));
  }

  jobStates(): Promise<JobState[]> {
    const jobs = this.#db.read("SELECT DISTINCT job FROM job_runs ORDER BY job").all() as Row[];
    return Promise.resolve(jobs.map((j) => this.#state(String(j.job))));
  }

  #state(job: string): JobState {
    const newest = (where: string, ...args: string[]) => {
      const r = this.#db.read(
        `SELECT * FROM job_runs WHERE job = ? AND ${where} ORDER BY slot DESC LIMIT 1`,
      ).get(job, ...args) as Row | undefined;
      return r ? this.#record(r) : undefined;
    };
    // the newest slot handled: walk down past cancelled runs and runs of dead processes
    const candidates = this.#db.read(
      `SELECT * FROM job_runs WHERE job = ? AND status <> 'cancelled' ORDER BY slot DESC LIMIT 50`,
    ).all(job) as Row[];
    const handled = candidates.map((r) => this.#record(r)).find((r) =>
      r.status !== "running" || r.live
    );
    const skipped = this.#db.read(
      "SELECT COUNT(*) AS n FROM job_runs WHERE job = ? AND status = 'skipped'",
    ).get(job) as Row;
    return {
      job,
      handledSlot: handled?.slot,
      lastRun: newest("status <> 'skipped'"),
      lastSuccess: newest("status = 'success'"),
      lastFailure: newest(`status IN (${FAILURES.map(() => "?").join(", ")})`, ...FAILURES),
      skipped: Number(skipped.n),
    };
  }

  #record(r: Row): JobRunRecord {
    const id = Number(r.id);
    const status = String(r.status) as JobRunStatus;
    return {
      id,
      job: String(r.job),
      slot: Number(r.slot),
      startedAt: Number(r.started_at),
      finishedAt: r.finished_at === null ? undefined : Number(r.finished_at),
      status,
      attempts: Number(r.attempts),
      catchUp: Number(r.catch_up) === 1,
      missedSlots: Number(r.missed_slots),
      error: optStr(r.error),
      detail: r.detail === null ? undefined : JSON.parse(String(r.detail)),
      live: status === "running" ? this.#isLive(id, optStr(r.owner)) : undefined,
    };
  }

  #isLive(id: number, owner: string | undefined): boolean {
    return this.#mine.has(id) || this.#leases.isAlive(owner);
  }
}
