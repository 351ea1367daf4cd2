/**
 * Runs in SQLite (`collection_runs`, `collection_run_items`), each held by the lease of the
 * process that started it (see leases.ts), so that a live run is never mistaken for a dead one.
 * @module
 */
import type { RunItem, RunOutcome, RunRecord, RunStore } from "../run_store.ts";
import type { SqliteDb } from "./db.ts";
import type { Leases } from "./leases.ts";
import { optStr, type Row } from "./rows.ts";

/** The run concern of the SQLite store. */
export class SqliteRuns implements RunStore {
  readonly #db: SqliteDb;
  readonly #leases: Leases;
  /** Runs this store started and has not finished. */
  readonly #mine = new Set<number>();

  /** Runs over `db`, owned under `leases`. */
  constructor(db: SqliteDb, leases: Leases) {
    this.#db = db;
    this.#leases = leases;
  }

  /** Ids of the runs this store started and has not finished. */
  get unfinished(): ReadonlySet<number> {
    return this.#mine;
  }

  async startRun(task: string, params: Record<string, unknown>): Promise<number> {
    const owner = await this.#leases.acquire();
    try {
      const id = await this.#db.write(() =>
        Number(
          this.#db.stmt(
            `INSERT INTO collection_runs (task, started_at, status, params, owner)
             VALUES (?, ?, 'running', ?, ?)`,
          ).run(task, this.#db.now(), JSON.stringify(params), owner).lastInsertRowid,
        )
      );
      this.#mine.add(id);
      return id;
    } catch (e) {
      this.#leases.release();
      throw e;
    }
  }

  async finishRun(id: number, outcome: RunOutcome): Promise<void> {
    await this.#db.write(() => {
      this.#db.stmt(
        `UPDATE collection_runs SET finished_at = ?, status = ?, rows_written = ?, issues = ?, error = ?
         WHERE id = ?`,
      ).run(
        this.#db.now(),
        outcome.status,
        outcome.rowsWritten,
        outcome.issues ?? 0,
        outcome.error ?? null,
        id,
      );
      const item = this.#db.stmt(
        `INSERT OR REPLACE INTO collection_run_items (run_id, source, subject, interval, status, rows_written, error)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      );
      for (const i of outcome.items ?? []) {
        item.run(
          id,
          i.source,
          i.subject,
          i.interval ?? "",
          i.status,
          i.rowsWritten,
          i.error ?? null,
        );
      }
    });
    if (this.#mine.delete(id)) this.#leases.release();
  }

  listRuns(options: { task?: string; limit?: number } = {}): Promise<RunRecord[]> {
    const runs = this.#db.read(
      `SELECT * FROM collection_runs WHERE (?1 IS NULL OR task = ?1) ORDER BY id DESC LIMIT ?2`,
    ).all(options.task ?? null, options.limit ?? -1) as Row[];
    const items = this.#db.read(
      `SELECT * FROM collection_run_items WHERE run_id = ? ORDER BY subject`,
    );
    return Promise.resolve(runs.map((r) => {
      const status = String(r.status) as RunRecord["status"];
      return {
        id: Number(r.id),
        task: String(r.task),
        startedAt: Number(r.started_at),
        finishedAt: r.finished_at === null ? undefined : Number(r.finished_at),
        status,
        params: JSON.parse(String(r.params)),
        rowsWritten: Number(r.rows_written),
        issues: Number(r.issues ?? 0),
        error: optStr(r.error),
        live: status === "running" ? this.#isLive(Number(r.id), optStr(r.owner)) : undefined,
        items: (items.all(r.id as number) as Row[]).map(toItem),
      };
    }));
  }

  async closeAbandonedRuns(task: string, error: string): Promise<number[]> {
    const running = this.#db.read(
      "SELECT id, owner FROM collection_runs WHERE task = ? AND status = 'running' ORDER BY id",
    ).all(task) as Row[];
    const dead = running.filter((r) => !this.#isLive(Number(r.id), optStr(r.owner)));
    if (dead.length === 0) return [];
    const owners = [...new Set(dead.map((r) => optStr(r.owner)).filter((o) => o !== undefined))];
    await this.#db.write(() => {
      const mark = this.#db.stmt(
        `UPDATE collection_runs SET status = 'failed', finished_at = ?, error = ?
         WHERE id = ? AND status = 'running'`,
      );
      for (const r of dead) mark.run(this.#db.now(), error, Number(r.id));
      for (const o of owners) this.#leases.markDead(o);
    });
    for (const o of owners) this.#leases.removeLockFile(o);
    return dead.map((r) => Number(r.id));
  }

  #isLive(id: number, owner: string | undefined): boolean {
    return this.#mine.has(id) || this.#leases.isAlive(owner);
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
