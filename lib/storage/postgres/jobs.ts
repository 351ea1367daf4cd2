/**
 * Scheduler job runs in PostgreSQL (`job_runs`, one row per job and slot). A claim takes the
 * slot's advisory lock, then inserts the slot's row or takes over one whose run was cancelled or
 * whose process died — so of two processes claiming the same slot, exactly one gets it.
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
import { optStr, type Row, toJson } from "../sqlite/rows.ts";
import type { PgDb } from "./db.ts";
import type { PgLeases } from "./leases.ts";

/** The scheduler concern of the PostgreSQL store. */
export class PgJobs implements JobStore {
  readonly #db: PgDb;
  readonly #leases: PgLeases;
  /** Claims this store holds and has not finished. */
  readonly #mine = new Set<number>();

  /** Job runs over `db`, claimed under `leases`. */
  constructor(db: PgDb, leases: PgLeases) {
    this.#db = db;
    this.#leases = leases;
  }

  async claimJobRun(c: JobRunClaim): Promise<number | undefined> {
    const owner = await this.#leases.acquire();
    let id: number | undefined;
    try {
      id = await this.#db.transaction(() => this.#claim(c, owner));
    } finally {
      if (id === undefined) this.#leases.release();
    }
    if (id !== undefined) this.#mine.add(id);
    return id;
  }

  /** Inside a unit: the row's id if this process now holds the slot, else `undefined`. */
  async #claim(c: JobRunClaim, owner: string): Promise<number | undefined> {
    const sql = await this.#db.sql();
    await this.#db.lockKey(sql, `job\u001f${c.job}\u001f${c.slot}`);
    const [row] = await sql`SELECT id, status, owner FROM job_runs
                            WHERE job = ${c.job} AND slot = ${c.slot}`;
    const catchUp = c.catchUp ? 1 : 0;
    if (!row) {
      const [r] = await sql`
        INSERT INTO job_runs (job, slot, started_at, status, catch_up, missed_slots, owner)
        VALUES (${c.job}, ${c.slot}, ${c.startedAt}, 'running', ${catchUp}, ${c.missedSlots},
                ${owner})
        RETURNING id`;
      return Number(r.id);
    }
    const id = Number(row.id);
    const retake = row.status === "cancelled" ||
      (row.status === "running" && !await this.#isLive(id, optStr(row.owner)));
    if (!retake) return undefined;
    await sql`
      UPDATE job_runs SET started_at = ${c.startedAt}, finished_at = NULL, status = 'running',
        attempts = 0, catch_up = ${catchUp}, missed_slots = ${c.missedSlots}, error = NULL,
        detail = NULL, owner = ${owner}
      WHERE id = ${id}`;
    return id;
  }

  async finishJobRun(id: number, end: JobRunEnd): Promise<void> {
    const sql = await this.#db.sql();
    await sql`
      UPDATE job_runs SET finished_at = ${end.finishedAt}, status = ${end.status},
        attempts = ${end.attempts}, error = ${end.error ?? null},
        detail = ${end.detail === undefined ? null : toJson(end.detail)}
      WHERE id = ${id}`;
    if (this.#mine.delete(id)) this.#leases.release();
  }

  async recordSkippedSlot(job: string, slot: number, atMs: number, reason: string): Promise<void> {
    const sql = await this.#db.sql();
    await sql`
      INSERT INTO job_runs (job, slot, started_at, finished_at, status, error)
      VALUES (${job}, ${slot}, ${atMs}, ${atMs}, 'skipped', ${reason})
      ON CONFLICT (job, slot) DO NOTHING`;
  }

  async listJobRuns(filter: { job?: string; limit?: number } = {}): Promise<JobRunRecord[]> {
    const sql = await this.#db.sql();
    const job = filter.job ?? null;
    const rows = await sql`
      SELECT * FROM job_runs WHERE (${job}::text IS NULL OR job = ${job})
      ORDER BY slot DESC, job COLLATE "C" LIMIT ${filter.limit ?? null}`;
    return await Promise.all(rows.map((r) => this.#record(r)));
  }

  async jobStates(): Promise<JobState[]> {
    const sql = await this.#db.sql();
    const jobs = await sql`SELECT job FROM job_runs GROUP BY job ORDER BY job COLLATE "C"`;
    const out: JobState[] = [];
    for (const j of jobs) out.push(await this.#state(String(j.job)));
    return out;
  }

  async #state(job: string): Promise<JobState> {
    const sql = await this.#db.sql();
    const first = async (rows: readonly Row[]) => rows[0] ? await this.#record(rows[0]) : undefined;
    // the newest slot handled: walk down past cancelled runs and runs of dead processes
    const candidates = await sql`
      SELECT * FROM job_runs WHERE job = ${job} AND status <> 'cancelled'
      ORDER BY slot DESC LIMIT 50`;
    let handled: JobRunRecord | undefined;
    for (const c of candidates) {
      const r = await this.#record(c);
      if (r.status !== "running" || r.live) {
        handled = r;
        break;
      }
    }
    const [skipped] = await sql`SELECT COUNT(*)::bigint AS n FROM job_runs
                                WHERE job = ${job} AND status = 'skipped'`;
    return {
      job,
      handledSlot: handled?.slot,
      lastRun: await first(
        await sql`SELECT * FROM job_runs WHERE job = ${job} AND status <> 'skipped'
                  ORDER BY slot DESC LIMIT 1`,
      ),
      lastSuccess: await first(
        await sql`SELECT * FROM job_runs WHERE job = ${job} AND status = 'success'
                  ORDER BY slot DESC LIMIT 1`,
      ),
      lastFailure: await first(
        await sql`SELECT * FROM job_runs WHERE job = ${job}
                  AND status IN ('failed', 'partial', 'timeout') ORDER BY slot DESC LIMIT 1`,
      ),
      skipped: Number(skipped.n),
    };
  }

  async #record(r: Row): Promise<JobRunRecord> {
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
      live: status === "running" ? await this.#isLive(id, optStr(r.owner)) : undefined,
    };
  }

  #isLive(id: number, owner: string | undefined): Promise<boolean> {
    return this.#mine.has(id) ? Promise.resolve(true) : this.#leases.isAlive(owner);
  }
}
