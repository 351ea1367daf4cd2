/**
 * Leases in PostgreSQL: how a process shows that the runs and job claims it owns are alive.
 *
 * A store that owns something takes one lease: a row in `leases` (random token, `lock_key`) and
 * the session advisory lock `(mts, lock_key)`, held on a connection reserved for it. PostgreSQL
 * drops the lock when that connection ends — the process exited, was killed, or lost the
 * server — so every other process sees at once, in `pg_locks`, that the owner is gone, on any
 * host, without pid checks. `pg_locks` lists the locks of every database in the cluster and the
 * lease keys of two databases overlap, so the check is limited to this database. A heartbeat keeps `expires_at` current for people reading the table.
 *
 * A pooler in transaction mode (PgBouncer's `pool_mode = transaction`) breaks this: the lock stays
 * with whichever server connection ran the statement, which outlives the process and serves other
 * clients — a dead owner looks alive, and a client that unlocks all its locks there releases a
 * live owner's lock. A direct connection's backend never changes, so a lease checks that it is
 * still on the backend that took its lock: once when it is taken, while another connection of the
 * pool holds a transaction (a pooler then hands the lease's next statement to another server
 * connection; PgBouncer reuses the one just released for that transaction), which stops the
 * store with {@link POOLER_ERROR}; and at every heartbeat, which logs it.
 * @module
 */
import type postgres from "postgres";
import { ConfigError } from "../../core/errors.ts";
import { getLogger } from "../../log/logger.ts";
import { LOCK_NAMESPACE, type PgDb } from "./db.ts";

/** Why leases cannot work through the database connection (see the module doc). */
export const POOLER_ERROR = "the session advisory lock of this process's lease moved to another " +
  "server connection: DATABASE_URL goes through a pooler in transaction mode (PgBouncer " +
  "pool_mode = transaction), where dead processes look alive and live ones dead; connect " +
  "directly or through a pooler in session mode (docs/scaling.md, PostgreSQL setup)";

/** The lease of one store (see the module doc). */
export class PgLeases {
  readonly #db: PgDb;
  readonly #leaseMs: number;
  #token?: string;
  #creating?: Promise<string>;
  #conn?: postgres.ReservedSql;
  #timer?: ReturnType<typeof setInterval>;
  #holds = 0;
  /** The server process that holds this store's advisory lock. */
  #backend?: number;
  /** The key of this store's advisory lock. */
  #lockKey?: number;
  #warned = false;

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
      // this lock only: on a server connection shared through a pooler, unlocking all would
      // release other processes' locks too
      await conn`SELECT pg_advisory_unlock(${LOCK_NAMESPACE}, ${this.#lockKey ?? 0})`;
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
      this.#lockKey = Number(row.lock_key);
      const [locked] = await conn`
        SELECT pg_advisory_lock(${LOCK_NAMESPACE}, ${Number(row.lock_key)}) AS locked,
               pg_backend_pid() AS pid`;
      this.#backend = Number(locked.pid);
      await this.#checkDirect(conn);
    } catch (e) {
      await conn`DELETE FROM leases WHERE token = ${token}`.catch(() => {});
      await conn`SELECT pg_advisory_unlock(${LOCK_NAMESPACE}, ${this.#lockKey ?? 0})`
        .catch(() => {});
      conn.release();
      throw e;
    }
    this.#conn = conn;
    this.#token = token;
    this.#startHeartbeat(conn, token);
    return token;
  }

  /**
   * Throws {@link POOLER_ERROR} when the lease's connection is not on the backend that took its
   * lock while another of the pool's connections holds a transaction (see the module doc).
   * Skipped for a pool of one connection, whose only connection is the lease's.
   */
  async #checkDirect(conn: postgres.ReservedSql): Promise<void> {
    const pool = this.#db.pool;
    if (Number(pool.options.max) < 2) return;
    await pool.begin(async (other) => {
      await other`SELECT 1`;
      const [r] = await conn`SELECT pg_backend_pid() AS pid`;
      if (Number(r.pid) !== this.#backend) throw new ConfigError(POOLER_ERROR, "DATABASE_URL");
    });
  }

  #startHeartbeat(conn: postgres.ReservedSql, token: string): void {
    const beat = async () => {
      const now = this.#db.now();
      try {
        const [r] = await conn`
          UPDATE leases SET heartbeat_at = ${now}, expires_at = ${now + this.#leaseMs}
          WHERE token = ${token} RETURNING pg_backend_pid() AS pid`;
        if (r && Number(r.pid) !== this.#backend && !this.#warned) {
          this.#warned = true;
          getLogger("storage").error(POOLER_ERROR, {});
        }
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
