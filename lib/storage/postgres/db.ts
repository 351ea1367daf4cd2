/**
 * The handle that the PostgreSQL store's modules share: the connection pool, the clock, the
 * schema readiness, and units of work.
 *
 * PostgreSQL does what the SQLite store builds by hand: every unit of work is a real transaction
 * on a pooled connection (MVCC), so readers never wait for writers and see a unit all at once or
 * not at all, writers of different rows never wait for each other, and a failed unit leaves
 * nothing. Units from unrelated async contexts run in transactions of their own, side by side
 * (they do not join each other's); inside a unit, nested units are savepoints, and the steps of
 * one level run one at a time so that savepoints form a stack. The caller's async context is
 * tracked with AsyncLocalStorage. Writers that must not interleave on the same logical item (a
 * macro series' revisions, a scheduler slot) take a transaction-scoped advisory lock
 * ({@link PgDb.lockKey}).
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type postgres from "postgres";
import { Mutex } from "../sqlite/mutex.ts";

/** A query function: the pool, or the transaction / savepoint of the caller. */
export type Sql = postgres.Sql | postgres.TransactionSql;

interface Frame {
  sql: postgres.TransactionSql;
  queue: Mutex;
}

/** Advisory lock namespace of mts (`classid` of its two-key advisory locks): "mts" in ASCII. */
export const LOCK_NAMESPACE = 0x6d7473;

/** The shared PostgreSQL handle (see the module doc). */
export class PgDb {
  readonly #pool: postgres.Sql;
  readonly #als = new AsyncLocalStorage<Frame>();
  readonly #ready: Promise<void>;
  /** Clock for stored times (`updated_at`, run times, vintages, leases). */
  readonly now: () => number;
  /** The database, password hidden, for messages. */
  readonly label: string;

  /** Wraps `pool`; `ready` resolves once the schema is migrated (every call waits for it). */
  constructor(
    pool: postgres.Sql,
    options: { now: () => number; ready: Promise<void>; label: string },
  ) {
    this.#pool = pool;
    this.now = options.now;
    this.label = options.label;
    this.#ready = options.ready;
    // an unhandled rejection must not end the process before a caller awaits it
    this.#ready.catch(() => {});
  }

  /** The pool itself (for leases, which hold a connection of their own). */
  get pool(): postgres.Sql {
    return this.#pool;
  }

  /** Resolves when the schema is ready; rejects with the reason it could not be. */
  ready(): Promise<void> {
    return this.#ready;
  }

  /**
   * The query function for the caller: its transaction (or savepoint) inside a unit of work,
   * else the pool (each statement on its own, seeing committed data only).
   */
  async sql(): Promise<Sql> {
    await this.#ready;
    return this.#als.getStore()?.sql ?? this.#pool;
  }

  /** True inside a unit of work of this caller. */
  get inTransaction(): boolean {
    return this.#als.getStore() !== undefined;
  }

  /** Runs `fn` as one unit of work (see the module doc); nested calls are savepoints. */
  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    await this.#ready;
    const parent = this.#als.getStore();
    if (!parent) {
      return await this.#pool.begin((sql) => this.#als.run({ sql, queue: new Mutex() }, fn)) as T;
    }
    const release = await parent.queue.lock();
    try {
      return await parent.sql.savepoint((sql) =>
        this.#als.run({ sql, queue: new Mutex() }, fn)
      ) as T;
    } finally {
      release();
    }
  }

  /**
   * Inside a unit of work: waits for the transaction-scoped advisory lock of `key` (a text,
   * hashed), so that writers of one logical item (a series, a slot) take turns across processes.
   */
  async lockKey(sql: Sql, key: string): Promise<void> {
    await sql`SELECT pg_advisory_xact_lock(${LOCK_NAMESPACE}, hashtext(${key}))`;
  }

  /** Closes the pool (waits for running queries, at most a few seconds). */
  async close(): Promise<void> {
    await this.#pool.end({ timeout: 5 });
  }
}

/**
 * A PostgreSQL array literal of numbers (`{1,2.5,NULL}`), passed as one text parameter and cast
 * in SQL (`::float8[]`). JavaScript prints the shortest text that reads back as the same double,
 * so values round-trip exactly; `null` becomes NULL.
 */
export function numArray(values: readonly (number | null)[]): string {
  let out = "{";
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i > 0) out += ",";
    out += v === null ? "NULL" : String(v);
  }
  return out + "}";
}
