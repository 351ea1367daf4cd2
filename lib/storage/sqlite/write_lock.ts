/**
 * Taking SQLite's write lock without ever failing on contention.
 *
 * SQLite allows one writer at a time per database file. Its own busy handler (`busy_timeout`)
 * sleeps inside the C call, blocking the event loop, and gives up with "database is locked"
 * after the timeout. Instead, a write transaction starts with `BEGIN IMMEDIATE` tried without
 * waiting; while another connection holds the lock, the attempt is repeated after an async sleep
 * with jittered, capped backoff, so timers and other work go on, and the wait is reported once it
 * gets long. Writers therefore queue instead of failing; only `maxWaitMs` (default: no limit)
 * ends a wait with an error.
 * @module
 */
import type { DatabaseSync } from "node:sqlite";

/** How long to wait for the write lock and how to report it. */
export interface WriteLockPolicy {
  /** First report after waiting this long (ms). */
  noticeAfterMs: number;
  /** Then one report per this many ms. */
  noticeEveryMs: number;
  /** Give up after this long (ms); `Infinity` waits for as long as it takes. */
  maxWaitMs: number;
  /** Called with the time waited so far, at each report. */
  onWait: (waitedMs: number) => void;
  /** Called once the lock is taken after at least one report. */
  onAcquired: (waitedMs: number) => void;
}

/** Longest sleep between two attempts (ms): short, so that a free lock is noticed quickly. */
const MAX_BACKOFF_MS = 25;

/** The busy timeout (ms) of ordinary statements, reads included (WAL readers rarely wait). */
export const STATEMENT_BUSY_MS = 5_000;

/** True for SQLite's "another connection holds the lock" errors (SQLITE_BUSY and friends). */
export function isBusy(e: unknown): boolean {
  return e instanceof Error && /^database is locked\b/.test(e.message);
}

/** One attempt at `BEGIN IMMEDIATE` that does not wait: true when the lock was taken. */
export function tryBeginImmediate(db: DatabaseSync): boolean {
  db.exec("PRAGMA busy_timeout = 0");
  try {
    db.exec("BEGIN IMMEDIATE");
    return true;
  } catch (e) {
    if (isBusy(e)) return false;
    throw e;
  } finally {
    db.exec(`PRAGMA busy_timeout = ${STATEMENT_BUSY_MS}`);
  }
}

/**
 * Tells writers of other processes that this one waits for the write lock, so that a writer
 * committing many chunks in a row (staging.ts) leaves the lock free for a moment between two of
 * them. A waiter holds a *shared* lock on `<database>-leases/waiting.lock` while it waits; the
 * chunk writer tests for one with a non-blocking exclusive lock. Without the file (an in-memory
 * database, no permission) there is no signal and writers only rely on their backoff.
 */
export class WaitSignal {
  readonly #path?: string;
  #file?: Deno.FsFile;
  #announced = false;

  /** The signal of the database whose lease directory is `dir` (none for `undefined`). */
  constructor(dir: string | undefined) {
    this.#path = dir ? `${dir}/waiting.lock` : undefined;
  }

  /** Marks this process as waiting (creating the signal file on first use). */
  announce(): void {
    if (this.#announced || !this.#open(true)) return;
    try {
      this.#file!.lockSync(false);
      this.#announced = true;
    } catch { /* best effort */ }
  }

  /** This process no longer waits. */
  withdraw(): void {
    if (!this.#announced) return;
    this.#announced = false;
    try {
      this.#file?.unlockSync();
    } catch { /* best effort */ }
  }

  /** True while a writer of another process waits for the lock. */
  othersWaiting(): boolean {
    // No file: nobody has ever waited (a waiter creates it).
    if (this.#announced || !this.#open(false)) return false;
    try {
      if (!this.#file!.tryLockSync(true)) return true;
      this.#file!.unlockSync();
    } catch { /* no signal */ }
    return false;
  }

  /** Closes the file (and drops an announcement). */
  close(): void {
    this.#file?.close();
    this.#file = undefined;
    this.#announced = false;
  }

  #open(create: boolean): boolean {
    if (this.#file) return true;
    if (!this.#path) return false;
    try {
      if (create) Deno.mkdirSync(this.#path.replace(/\/[^/]*$/, ""), { recursive: true });
      this.#file = Deno.openSync(this.#path, { read: true, write: create, create });
      return true;
    } catch {
      return false; // not created yet, or no permission: no signal
    }
  }
}

/** How long a chunk writer leaves the lock free when others wait: longer than their backoff. */
export const YIELD_TO_WAITERS_MS = 3 * MAX_BACKOFF_MS;

/** Starts a write transaction on `db`, waiting (async, with backoff) while another holds it. */
export async function beginImmediate(
  db: DatabaseSync,
  policy: WriteLockPolicy,
  signal?: WaitSignal,
  clock: () => number = Date.now,
): Promise<void> {
  if (tryBeginImmediate(db)) return;
  signal?.announce();
  try {
    await waitForLock(db, policy, clock);
  } finally {
    signal?.withdraw();
  }
}

async function waitForLock(
  db: DatabaseSync,
  policy: WriteLockPolicy,
  clock: () => number,
): Promise<void> {
  const start = clock();
  let nextNotice = policy.noticeAfterMs;
  let noticed = false;
  for (let attempt = 1;; attempt++) {
    const backoff = Math.min(MAX_BACKOFF_MS, 2 ** Math.min(attempt, 5));
    await new Promise((r) => setTimeout(r, backoff * (0.5 + Math.random())));
    if (tryBeginImmediate(db)) {
      if (noticed) policy.onAcquired(clock() - start);
      return;
    }
    const waited = clock() - start;
    if (waited >= nextNotice) {
      noticed = true;
      policy.onWait(waited);
      nextNotice = waited + policy.noticeEveryMs;
    }
    if (waited >= policy.maxWaitMs) {
      throw new Error(
        `Cannot write to the database: another process has held its write lock for ${
          Math.round(waited / 1000)
        } s (limit ${Math.round(policy.maxWaitMs / 1000)} s)`,
      );
    }
  }
}

/**
 * The blocking variant, for opening a database (migrations), where there is nothing else to do
 * meanwhile: SQLite's busy handler waits in slices of a second, reporting each slice after the
 * first notice time at the policy's pace.
 */
export function beginImmediateSync(
  db: DatabaseSync,
  policy: WriteLockPolicy,
  clock: () => number = Date.now,
): void {
  const start = clock();
  let noticed = false;
  let nextNotice = policy.noticeAfterMs;
  for (;;) {
    db.exec("PRAGMA busy_timeout = 1000");
    try {
      db.exec("BEGIN IMMEDIATE");
      if (noticed) policy.onAcquired(clock() - start);
      return;
    } catch (e) {
      if (!isBusy(e)) throw e;
    } finally {
      db.exec(`PRAGMA busy_timeout = ${STATEMENT_BUSY_MS}`);
    }
    const waited = clock() - start;
    if (waited >= nextNotice) {
      noticed = true;
      policy.onWait(waited);
      nextNotice = waited + policy.noticeEveryMs;
    }
    if (waited >= policy.maxWaitMs) {
      throw new Error(
        `Cannot open the database: another process has held its write lock for ${
          Math.round(waited / 1000)
        } s`,
      );
    }
  }
}
