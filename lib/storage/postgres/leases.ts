/**
 * Leases in PostgreSQL: how a process shows that the runs and job claims it owns are alive.
 *
 * A store that owns something takes one lease: a row in `leases` (random token, `lock_key`) and
 * the session advisory lock `(mts, lock_key)`, held on a connection reserved for it. PostgreSQL
 * drops the lock when that connection ends — the process exited, was killed, or lost the
 * server — so every other process sees at once, in `pg_locks`, that the owner is gone, on any
 * host, without pid checks. `pg_locks` lists the locks of every database in the cluster and the
 * lease keys of two databases overlap, so the check is limited to this database. A heartbeat keeps `expires_at` current for people reading the table.
 * (A pooler in transaction mode, such as PgBouncer's, cannot hold session locks: connect mts
 * directly or in session mode.)
 * @module
 */
import type postgres from "postgres";
import { getLogger } from "../../log/logger.ts";
import { LOCK_NAMESPACE, type PgDb } from "./db.ts";

/** The lease of one store (see the module doc). */
export class PgLeases {
  readonly #db: PgDb;
  readonly #leaseMs: number;
  #token?: string;
  #creating?: Promise<string>;
  #conn?: postgres.ReservedSql;
  #timer?: ReturnType<typeof setInterval>;
  #holds = 0;

  /** Leases for the database behind `db`; `leaseMs` is the heartbeat horizon. */
  constructor(db: PgDb, options: { leaseMs: number }) {
    this.#db = db;
    this.#leaseMs = options.leaseMs;
  }

  /** This store's token, once it holds a lease. */
  get token(): string | undefined {
    return this.#token;
  }

  /** Takes the lease (once) and counts one more thing held under it; returns the token. */
  async acquire(): Promise<string> {
    this.#holds++;
    if (this.#token) return this.#token;
    this.#creating ??= this.#create().catch((e) => {
      this.#creating = undefined;
      throw e;
    });
    try {
      return await this.#creating;
    } catch (e) {
      this.#holds--;
      throw e;
    }
  }

  /** One thing held under the lease is finished. */
  release(): void {
    if (this.#holds > 0) this.#holds--;
  }

  /** Whether the process owning `owner` is alive: it holds its advisory lock. */
  async isAlive(owner: string | null | undefined): Promise<boolean> {
    if (!owner) return false;
    if (owner === this.#token) return true;
    const sql = await this.#db.sql();
    const rows = await sql`
      SELECT 1 FROM leases l JOIN pg_locks p
        ON p.locktype = 'advisory' AND p.classid = ${LOCK_NAMESPACE}::oid
       AND p.objid = l.lock_key::oid AND p.objsubid = 2 AND p.granted
       AND p.database = (SELECT oid FROM pg_database WHERE datname = current_database())
      WHERE l.token = ${owner}`;
    return rows.length > 0;
  }

  /** Stops the heartbeat and lets go of the advisory lock. */
  async close(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    const conn = this.#conn;
    this.#conn = undefined;
    if (!conn) return;
    try {
      if (this.#holds === 0) await conn`DELETE FROM leases WHERE token = ${this.#token ?? ""}`;
      await conn`SELECT pg_advisory_unlock_all()`;
    } catch { /* the connection ending releases the lock anyway */ }
    conn.release();
  }

  async #create(): Promise<string> {
    await this.#db.ready();
    const token = crypto.randomUUID();
    const now = this.#db.now();
    const conn = await this.#db.pool.reserve();
    try {
      const [row] = await conn`
        INSERT INTO leases (token, pid, started_at, heartbeat_at, expires_at)
        VALUES (${token}, ${Deno.pid}, ${now}, ${now}, ${now + this.#leaseMs})
        RETURNING lock_key`;
      await conn`SELECT pg_advisory_lock(${LOCK_NAMESPACE}, ${Number(row.lock_key)})`;
    } catch (e) {
      conn.release();
      throw e;
    }
    this.#conn = conn;
    this.#token = token;
    this.#startHeartbeat(conn, token);
    return token;
  }

  #startHeartbeat(conn: postgres.ReservedSql, token: string): void {
    const beat = async () => {
      const now = this.#db.now();
      try {
        await conn`UPDATE leases SET heartbeat_at = ${now}, expires_at = ${now + this.#leaseMs}
                   WHERE token = ${token}`;
      } catch (e) {
        if (this.#conn) {
          getLogger("storage").warn("lease heartbeat failed", { error: (e as Error).message });
        }
      }
    };
    const timer = setInterval(beat, Math.max(1, Math.floor(this.#leaseMs / 3)));
    // The heartbeat must never keep a finished task alive.
    Deno.unrefTimer(timer);
    this.#timer = timer;
  }
}
