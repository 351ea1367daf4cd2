/**
 * Runs in PostgreSQL (`collection_runs`, `collection_run_items`), each held by the lease of the
 * process that started it (see leases.ts), so that a live run is never mistaken for a dead one.
 * @module
 */
import type { RunItem, RunOutcome, RunRecord, RunStore } from "../run_store.ts";
import { optStr, type Row } from "../sqlite/rows.ts";
import { numArray, type PgDb } from "./db.ts";
import type { PgLeases } from "./leases.ts";

/** The run concern of the PostgreSQL store. */
export class PgRuns implements RunStore {
  readonly #db: PgDb;
  readonly #leases: PgLeases;
  /** Runs this store started and has not finished. */
  readonly #mine = new Set<number>();

  /** Runs over `db`, owned under `leases`. */
  constructor(db: PgDb, leases: PgLeases) {
    this.#db = db;
    this.#leases = leases;
  }

  async startRun(task: string, params: Record<string, unknown>): Promise<number> {
    const owner = await this.#leases.acquire();
    try {
      const sql = await this.#db.sql();
      const [r] = await sql`
        INSERT INTO collection_runs (task, started_at, status, params, owner)
        VALUES (${task}, ${this.#db.now()}, 'running', ${JSON.stringify(params)}, ${owner})
        RETURNING id`;
      const id = Number(r.id);
      this.#mine.add(id);
      return id;
    } catch (e) {
      this.#leases.release();
      throw e;
    }
  }

  async finishRun(id: number, outcome: RunOutcome): Promise<void> {
    await this.#db.transaction(async () => {
      const sql = await this.#db.sql();
      await sql`
        UPDATE collection_runs SET finished_at = ${this.#db.now()}, status = ${outcome.status},
          rows_written = ${outcome.rowsWritten}, issues = ${outcome.issues ?? 0},
          error = ${outcome.error ?? null}
        WHERE id = ${id}`;
      for (const i of outcome.items ?? []) {
        await sql`
          INSERT INTO collection_run_items
            (run_id, source, subject, interval, status, rows_written, error)
          VALUES (${id}, ${i.source}, ${i.subject}, ${i.interval ?? ""}, ${i.status},
                  ${i.rowsWritten}, ${i.error ?? null})
          ON CONFLICT (run_id, source, subject, interval) DO UPDATE SET
            status = excluded.status, rows_written = excluded.rows_written, error = excluded.error`;
      }
    });
    if (this.#mine.delete(id)) this.#leases.release();
  }

  async listRuns(options: { task?: string; limit?: number } = {}): Promise<RunRecord[]> {
    const sql = await this.#db.sql();
    const task = options.task ?? null;
    const runs = await sql`
      SELECT * FROM collection_runs WHERE (${task}::text IS NULL OR task = ${task})
      ORDER BY id DESC LIMIT ${options.limit ?? null}`;
    const ids = runs.map((r) => Number(r.id));
    const items = ids.length === 0 ? [] : await sql`
      SELECT * FROM collection_run_items WHERE run_id = ANY(${numArray(ids)}::bigint[])
      ORDER BY subject COLLATE "C", source COLLATE "C", interval COLLATE "C"`;
    const out: RunRecord[] = [];
    for (const r of runs) {
      const id = Number(r.id);
      const status = String(r.status) as RunRecord["status"];
      out.push({
        id,
        task: String(r.task),
        startedAt: Number(r.started_at),
        finishedAt: r.finished_at === null ? undefined : Number(r.finished_at),
        status,
        params: JSON.parse(String(r.params)),
        rowsWritten: Number(r.rows_written),
        issues: Number(r.issues ?? 0),
        error: optStr(r.error),
        live: status === "running" ? await this.#isLive(id, optStr(r.owner)) : undefined,
        items: items.filter((i) => Number(i.run_id) === id).map(toItem),
      });
    }
    return out;
  }

  async closeAbandonedRuns(task: string, error: string): Promise<number[]> {
    const sql = await this.#db.sql();
    const running = await sql`
      SELECT id, owner FROM collection_runs WHERE task = ${task} AND status = 'running'
      ORDER BY id`;
    const dead: number[] = [];
    for (const r of running) {
      if (!await this.#isLive(Number(r.id), optStr(r.owner))) dead.push(Number(r.id));
    }
    if (dead.length === 0) return [];
    await sql`
      UPDATE collection_runs SET status = 'failed', finished_at = ${this.#db.now()},
        error = ${error}
      WHERE id = ANY(${numArray(dead)}::bigint[]) AND status = 'running'`;
    return dead;
  }

  #isLive(id: number, owner: string | undefined): Promise<boolean> {
    return this.#mine.has(id) ? Promise.resolve(true) : this.#leases.isAlive(owner);
  }
}

function toItem(i: Row): RunItem {
  return {
    source: String(i.source),
    subject: String(i.subject),
    interval: String(i.interval) || undefined,
    status: String(i.status) as RunItem["status"],
    rowsWritten: Number(i.rows_written),
    error: optStr(i.error),
  };
}
