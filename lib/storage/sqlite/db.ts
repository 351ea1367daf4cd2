/**
 * The handle that the SQLite store's modules share: the write connection and its statement
 * cache, a read connection, the clock, and units of work — the locking policy lives here, not in
 * callers.
 *
 * Units of work. One connection runs one SQLite transaction at a time, while async callers
 * interleave at every `await`. So:
 * - every write runs inside a unit of work: alone ({@link SqliteDb.write}) or in a
 *   {@link SqliteDb.transaction};
 * - units from unrelated async contexts queue on an in-process FIFO mutex instead of joining
 *   each other's transaction (a shared depth counter let one caller release or roll back
 *   another's savepoint);
 * - inside a transaction, each nested transaction or write is a savepoint, and the steps of one
 *   level run one at a time, so savepoints always form a stack: a failed nested step rolls back
 *   exactly its own savepoint and the enclosing transaction goes on;
 * - SQLite's write lock is taken (write_lock.ts: `BEGIN IMMEDIATE`, async backoff, never "database
 *   is locked") only at the first write of an outermost transaction, so that work done before it
 *   (staging large writes in short chunks, see staging.ts) holds no lock.
 * The async context of a caller is tracked with AsyncLocalStorage.
 *
 * Reads inside a unit of work use the write connection (they see its writes). Reads from outside,
 * while this process has an outermost transaction open, use a second, read-only connection that
 * sees only committed data (WAL), so no reader, in this process or another, sees half a unit.
 * (An in-memory database has no second connection; there, such reads see the open unit's writes.)
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { DatabaseSync, type StatementSync } from "node:sqlite";
import { Mutex } from "./mutex.ts";
import {
  beginImmediate,
  STATEMENT_BUSY_MS,
  WaitSignal,
  type WriteLockPolicy,
} from "./write_lock.ts";

/** Commits `fn` in its own short write transaction (see {@link SqliteDb.commitChunk}). */
export type ChunkCommit = <T>(fn: () => T) => Promise<T>;

/** Undoes, after a rollback, work that was committed in chunks (staged rows). */
export type RollbackHook = (commit: ChunkCommit) => Promise<void>;

interface Unit {
  /** The SQLite transaction is open (the write lock is held). */
  locked: boolean;
  /** Run inside the final SQLite transaction, just before COMMIT. */
  commitHooks: (() => void)[];
  /** Run after a rollback, newest first. */
  rollbackHooks: RollbackHook[];
  /** Set when SQLite itself rolled the transaction back (disk full, I/O error). */
  lost?: Error;
}

interface Frame {
  unit: Unit;
  parent?: Frame;
  /** Serialises the steps of this level, so that savepoints nest as a stack. */
  queue: Mutex;
  closed: boolean;
}

/** Options of {@link SqliteDb}. */
export interface SqliteDbOptions {
  /** File path (for the read connection) or `:memory:`. */
  path: string;
  /** Clock for stored times. */
  now: () => number;
  /** How to wait for the write lock. */
  lock: WriteLockPolicy;
  /** SQL run on every new connection (temporary tables the modules use). */
  connectionSql?: string;
}

/** The shared database handle (see the module doc). */
export class SqliteDb {
  readonly #db: DatabaseSync;
  readonly #path: string;
  readonly #lock: WriteLockPolicy;
  readonly #connectionSql: string;
  readonly #als = new AsyncLocalStorage<Frame>();
  readonly #root = new Mutex();
  readonly #stmts = new Map<string, StatementSync>();
  readonly #readerStmts = new Map<string, StatementSync>();
  #reader?: DatabaseSync;
  #open?: Frame;
  #savepoints = 0;
  readonly #signal: WaitSignal;
  /** Clock for stored times (`updated_at`, run times, vintages, leases). */
  readonly now: () => number;

  /** Wraps an open, migrated write connection. */
  constructor(db: DatabaseSync, options: SqliteDbOptions) {
    this.#db = db;
    this.#path = options.path;
    this.#lock = options.lock;
    this.#connectionSql = options.connectionSql ?? "";
    this.now = options.now;
    this.#signal = new WaitSignal(this.isMemory ? undefined : `${options.path}-leases`);
    if (this.#connectionSql) db.exec(this.#connectionSql);
  }

  /**
   * True while a writer of another process waits for the write lock: a writer committing many
   * chunks in a row pauses between two of them (see {@link WaitSignal}).
   */
  othersWaiting(): boolean {
    return this.#signal.othersWaiting();
  }

  /** The database file, or `:memory:`. */
  get path(): string {
    return this.#path;
  }

  /** True for a private in-memory database (no other connection can see it). */
  get isMemory(): boolean {
    return this.#path === ":memory:";
  }

  /** A cached statement on the write connection, for use inside write blocks. */
  stmt(sql: string): StatementSync {
    return cached(this.#stmts, this.#db, sql);
  }

  /**
   * A cached statement for a read, on the connection that gives the caller a consistent view:
   * the write connection inside a unit of work or when none is open, else the read connection.
   */
  read(sql: string): StatementSync {
    if (this.#open && !this.#frame() && !this.isMemory) {
      return cached(this.#readerStmts, this.#readConnection(), sql);
    }
    return this.stmt(sql);
  }

  /** Runs SQL without results on the write connection (inside write blocks). */
  exec(sql: string): void {
    this.#db.exec(sql);
  }

  /** Runs the synchronous block `fn` atomically: a unit of its own, or a savepoint in one. */
  async write<T>(fn: () => T): Promise<T> {
    const frame = this.#frame();
    if (!frame) {
      const release = await this.#root.lock();
      try {
        await beginImmediate(this.#db, this.#lock, this.#signal);
        return this.#commitOrRollback(fn);
      } finally {
        release();
      }
    }
    const release = await frame.queue.lock();
    try {
      await this.#ensureLocked(frame.unit);
      return this.#inSavepoint(frame.unit, fn);
    } finally {
      release();
    }
  }

  /** Runs `fn` as one unit of work (see the module doc); nested calls are savepoints. */
  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    const parent = this.#frame();
    return parent ? await this.#nested(parent, fn) : await this.#outermost(fn);
  }

  /** True inside a transaction of this caller (its async context). */
  get inTransaction(): boolean {
    return this.#frame() !== undefined;
  }

  /**
   * True inside an outermost transaction that has not written yet, on a file database: then
   * {@link SqliteDb.commitChunk} may commit work in short chunks ahead of the transaction.
   */
  get canCommitChunks(): boolean {
    const f = this.#frame();
    return f !== undefined && f.parent === undefined && !f.unit.locked && !this.isMemory;
  }

  /**
   * Commits `fn` in its own short write transaction, ahead of the enclosing outermost
   * transaction (which must not have written yet). The caller keeps such work invisible until
   * the transaction commits (see {@link SqliteDb.onCommit}) and undoes it if it rolls back
   * (see {@link SqliteDb.onRollback}).
   */
  async commitChunk<T>(fn: () => T): Promise<T> {
    const frame = this.#frame();
    if (!this.canCommitChunks || !frame) {
      throw new Error(
        "Cannot commit a chunk: only inside an outermost transaction, before its writes",
      );
    }
    const release = await frame.queue.lock();
    try {
      // A concurrent step of the unit may have taken the write lock while this one queued: then
      // the chunk is a step of the unit (still invisible to others until it commits).
      if (frame.unit.locked) return this.#inSavepoint(frame.unit, fn);
      await beginImmediate(this.#db, this.#lock, this.#signal);
      return this.#commitOrRollback(fn);
    } finally {
      release();
    }
  }

  /** Adds a step run inside the current unit's final transaction, just before it commits. */
  onCommit(hook: () => void): void {
    this.#current("onCommit").unit.commitHooks.push(hook);
  }

  /** Adds a step run after the current unit rolls back (to undo chunks it committed). */
  onRollback(hook: RollbackHook): void {
    this.#current("onRollback").unit.rollbackHooks.unshift(hook);
  }

  /**
   * A write that commits on its own when it can (outside any unit, or as a chunk ahead of an
   * outermost one) and otherwise joins the current unit. For bookkeeping (leases) that must not
   * force the enclosing transaction to take the write lock early.
   */
  async writeAutonomous<T>(fn: () => T): Promise<T> {
    return this.canCommitChunks ? await this.commitChunk(fn) : await this.write(fn);
  }

  /** Starts `fn` as a write of its own unless the connection is busy; returns whether it did. */
  writeIfIdle(fn: () => void, onError: (e: Error) => void): boolean {
    if (this.#root.busy || this.#frame()) return false;
    this.write(fn).catch(onError);
    return true;
  }

  /** Closes both connections. */
  close(): void {
    this.#signal.close();
    this.#stmts.clear();
    this.#readerStmts.clear();
    this.#reader?.close();
    this.#reader = undefined;
    this.#db.close();
  }

  #frame(): Frame | undefined {
    let f = this.#als.getStore();
    while (f?.closed) f = f.parent;
    return f;
  }

  #current(what: string): Frame {
    const f = this.#frame();
    if (!f) throw new Error(`Cannot ${what}: not inside a transaction`);
    return f;
  }

  #readConnection(): DatabaseSync {
    if (!this.#reader) {
      const r = new DatabaseSync(this.#path, { readOnly: true });
      r.exec(`PRAGMA busy_timeout = ${STATEMENT_BUSY_MS}`);
      if (this.#connectionSql) r.exec(this.#connectionSql);
      this.#reader = r;
    }
    return this.#reader;
  }

  async #outermost<T>(fn: () => Promise<T>): Promise<T> {
    const release = await this.#root.lock();
    const unit: Unit = { locked: false, commitHooks: [], rollbackHooks: [] };
    const frame: Frame = { unit, queue: new Mutex(), closed: false };
    this.#open = frame;
    try {
      const out = await this.#als.run(frame, fn);
      await closeFrame(frame);
      await this.#commitUnit(unit);
      return out;
    } catch (e) {
      frame.closed = true;
      if (unit.locked) this.#rollbackQuietly();
      unit.locked = false;
      for (const hook of unit.rollbackHooks) {
        try {
          await hook(async (chunk) => {
            await beginImmediate(this.#db, this.#lock, this.#signal);
            return this.#commitOrRollback(chunk);
          });
        } catch {
          // The caller must see why the unit failed, not why its cleanup did; what a hook
          // could not undo stays invisible and is cleaned up later (see staging.ts).
        }
      }
      throw e;
    } finally {
      this.#open = undefined;
      release();
    }
  }

  async #commitUnit(unit: Unit): Promise<void> {
    if (unit.lost) {
      throw new Error(`Cannot commit: SQLite rolled the transaction back: ${unit.lost.message}`);
    }
    if (unit.commitHooks.length > 0) await this.#ensureLocked(unit);
    if (!unit.locked) return;
    for (const hook of unit.commitHooks) hook();
    this.#db.exec("COMMIT");
    unit.locked = false;
  }

  async #nested<T>(parent: Frame, fn: () => Promise<T>): Promise<T> {
    const release = await parent.queue.lock();
    try {
      await this.#ensureLocked(parent.unit);
      const name = `sp${++this.#savepoints}`;
      this.#db.exec(`SAVEPOINT ${name}`);
      const child: Frame = { unit: parent.unit, parent, queue: new Mutex(), closed: false };
      try {
        const out = await this.#als.run(child, fn);
        await closeFrame(child);
        this.#db.exec(`RELEASE ${name}`);
        return out;
      } catch (e) {
        await closeFrame(child);
        this.#rollbackTo(name, parent.unit, e as Error);
        throw e;
      }
    } finally {
      release();
    }
  }

  async #ensureLocked(unit: Unit): Promise<void> {
    if (unit.locked) return;
    await beginImmediate(this.#db, this.#lock, this.#signal);
    unit.locked = true;
  }

  #inSavepoint<T>(unit: Unit, fn: () => T): T {
    const name = `sp${++this.#savepoints}`;
    this.#db.exec(`SAVEPOINT ${name}`);
    try {
      const out = fn();
      this.#db.exec(`RELEASE ${name}`);
      return out;
    } catch (e) {
      this.#rollbackTo(name, unit, e as Error);
      throw e;
    }
  }

  /** Undoes a savepoint, keeping the transaction; notes it when SQLite already dropped both. */
  #rollbackTo(name: string, unit: Unit, cause: Error): void {
    if (!this.#db.isTransaction) {
      unit.lost ??= cause;
      return;
    }
    this.#db.exec(`ROLLBACK TO ${name}`);
    this.#db.exec(`RELEASE ${name}`);
  }

  #commitOrRollback<T>(fn: () => T): T {
    try {
      const out = fn();
      this.#db.exec("COMMIT");
      return out;
    } catch (e) {
      this.#rollbackQuietly();
      throw e;
    }
  }

  #rollbackQuietly(): void {
    if (this.#db.isTransaction) this.#db.exec("ROLLBACK");
  }
}

function cached(cache: Map<string, StatementSync>, db: DatabaseSync, sql: string): StatementSync {
  let s = cache.get(sql);
  if (!s) {
    s = db.prepare(sql);
    cache.set(sql, s);
  }
  return s;
}

/** Waits for the frame's step in progress, then closes it to new steps. */
async function closeFrame(frame: Frame): Promise<void> {
  const release = await frame.queue.lock();
  frame.closed = true;
  release();
}
