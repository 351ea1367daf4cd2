/**
 * Leases: how a process shows that the runs and staged batches it owns are still alive.
 *
 * A store that owns something takes one lease: a random token, a row in `leases` whose
 * `expires_at` a heartbeat pushes forward, and — for a database file — an exclusively locked file
 * `<database>-leases/<token>.lock`. The operating system drops that lock when the process ends,
 * however it ends (kill -9 included), so another process knows at once that the owner is gone,
 * without waiting for the expiry and without pid checks (pids are reused, and checking them needs
 * extra permissions). Where the lock file is missing (removed by hand, or the database seen from
 * another machine) the expiry decides. A lease that was closed with nothing unfinished removes
 * its lock file; one closed with unfinished runs keeps it, unlocked, so its runs read as dead.
 * @module
 */
import { getLogger } from "../../log/logger.ts";
import type { SqliteDb } from "./db.ts";
import type { Row } from "./rows.ts";

/** Options of {@link Leases}. */
export interface LeaseOptions {
  /** How long a lease lives without a heartbeat (ms); a heartbeat comes every third of it. */
  leaseMs: number;
}

const TOKEN = /^[0-9a-f-]{36}$/;

/** The lease of one store (see the module doc). */
export class Leases {
  readonly #db: SqliteDb;
  readonly #leaseMs: number;
  readonly #dir?: string;
  #token?: string;
  #creating?: Promise<string>;
  #file?: Deno.FsFile;
  #timer?: ReturnType<typeof setInterval>;
  #holds = 0;
  #closed = false;

  /** Leases for the database behind `db`. */
  constructor(db: SqliteDb, options: LeaseOptions) {
    this.#db = db;
    this.#leaseMs = options.leaseMs;
    this.#dir = db.isMemory ? undefined : `${db.path}-leases`;
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

  /**
   * Whether the process owning `owner` is alive: this store's own token is; a held lock file
   * means alive, a free one dead; without a lock file, an unexpired lease row means alive. No
   * owner (rows from before leases existed) means dead.
   */
  isAlive(owner: string | null | undefined): boolean {
    if (!owner) return false;
    if (owner === this.#token) return true;
    const lock = this.#lockState(owner);
    if (lock !== "absent") return lock === "held";
    const row = this.#db.read("SELECT expires_at FROM leases WHERE token = ?").get(owner) as
      | Row
      | undefined;
    return row !== undefined && Number(row.expires_at) > this.#db.now();
  }

  /** Inside a write block: records that `owner` is dead, so that every reader agrees. */
  markDead(owner: string): void {
    this.#db.stmt("UPDATE leases SET expires_at = MIN(expires_at, ?) WHERE token = ?").run(
      this.#db.now(),
      owner,
    );
  }

  /** Removes the lock file of a dead owner (after {@link Leases.markDead} committed). */
  removeLockFile(owner: string): void {
    if (!this.#dir || !TOKEN.test(owner) || owner === this.#token) return;
    try {
      Deno.removeSync(`${this.#dir}/${owner}.lock`);
    } catch { /* already gone, or not ours to remove: the lease row decides then */ }
  }

  /** Stops the heartbeat and lets go of the lock file (see the module doc). */
  close(): void {
    this.#closed = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#file?.close();
    this.#file = undefined;
    if (this.#token && this.#holds === 0 && this.#dir) {
      try {
        Deno.removeSync(`${this.#dir}/${this.#token}.lock`);
      } catch { /* best effort: a leftover unlocked file reads as a dead owner */ }
    }
  }

  async #create(): Promise<string> {
    const token = crypto.randomUUID();
    this.#file = this.#lockFile(token);
    const now = this.#db.now();
    await this.#db.writeAutonomous(() =>
      this.#db.stmt(
        "INSERT INTO leases (token, pid, started_at, heartbeat_at, expires_at) VALUES (?, ?, ?, ?, ?)",
      ).run(token, Deno.pid, now, now, now + this.#leaseMs)
    );
    this.#token = token;
    this.#startHeartbeat(token);
    return token;
  }

  #lockFile(token: string): Deno.FsFile | undefined {
    if (!this.#dir) return undefined;
    try {
      Deno.mkdirSync(this.#dir, { recursive: true });
      const f = Deno.openSync(`${this.#dir}/${token}.lock`, { write: true, create: true });
      if (f.tryLockSync(true)) return f;
      f.close();
    } catch (e) {
      getLogger("storage").debug("no lease lock file; liveness falls back to the lease expiry", {
        error: (e as Error).message,
      });
    }
    return undefined;
  }

  #startHeartbeat(token: string): void {
    const beat = () =>
      this.#db.writeIfIdle(() => {
        const now = this.#db.now();
        this.#db.stmt("UPDATE leases SET heartbeat_at = ?, expires_at = ? WHERE token = ?").run(
          now,
          now + this.#leaseMs,
          token,
        );
      }, (e) => {
        // A beat still waiting for the lock when the store closes fails harmlessly.
        if (!this.#closed) {
          getLogger("storage").warn("lease heartbeat failed", { error: e.message });
        }
      });
    const timer = setInterval(beat, Math.max(1, Math.floor(this.#leaseMs / 3)));
    // The heartbeat must never keep a finished task alive.
    Deno.unrefTimer(timer);
    this.#timer = timer;
  }

  #lockState(owner: string): "held" | "free" | "absent" {
    if (!this.#dir || !TOKEN.test(owner)) return "absent";
    let f: Deno.FsFile;
    try {
      f = Deno.openSync(`${this.#dir}/${owner}.lock`, { read: true });
    } catch {
      return "absent";
    }
    try {
      if (!f.tryLockSync(true)) return "held";
      f.unlockSync();
      return "free";
    } finally {
      f.close();
    }
  }
}
