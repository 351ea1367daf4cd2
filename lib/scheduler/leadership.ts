/**
 * Leadership over a {@link LeaderLock}: a beat every third of the lock's expiry takes the lock
 * (standby) or renews it (leader). The leader counts as leading only until its last successful
 * beat's start plus the expiry — so when Redis cannot be reached, or the lock was lost, it stops
 * starting runs before another instance can have taken over.
 * @module
 */
import { getLogger } from "../log/logger.ts";
import type { LeaderLock } from "../storage/leader_lock.ts";

/** Options of {@link Leadership}. */
export interface LeadershipOptions {
  /** The lock. */
  readonly lock: LeaderLock;
  /** Its expiry, ms; beats come every third of it. */
  readonly ttlMs: number;
  /** The clock. */
  readonly now: () => number;
  /**
   * Told when this instance starts or stops leading, and when the reason it does not lead changes:
   * `held` (another instance holds the lock) or `unreachable` (the lock's store did not answer).
   */
  readonly onChange: (leading: boolean, standbyReason?: StandbyReason) => void;
}

/** Why an instance is not leading: the lock is held elsewhere, or its store cannot be reached. */
export type StandbyReason = "held" | "unreachable";

/** See the module doc. */
export class Leadership {
  readonly #o: LeadershipOptions;
  #leading = false;
  #validUntil = -Infinity;
  #timer?: ReturnType<typeof setTimeout>;
  #beating?: Promise<void>;
  #stopped = false;
  #failing = false;
  #reported = false;
  #reason?: StandbyReason;

  /** Leadership over `options.lock`; call {@link Leadership.start}. */
  constructor(options: LeadershipOptions) {
    this.#o = options;
  }

  /** True while this instance holds the lock and its hold has not expired on its clock. */
  get leading(): boolean {
    return this.#leading && this.#o.now() < this.#validUntil;
  }

  /** Starts beating (the first beat at once). */
  start(): void {
    this.#beating = this.#beat();
  }

  async #beat(): Promise<void> {
    const began = this.#o.now();
    let held = false;
    try {
      held = this.#leading
        ? await this.#o.lock.renew(this.#o.ttlMs)
        : await this.#o.lock.acquire(this.#o.ttlMs);
      this.#failing = false;
    } catch (e) {
      if (!this.#failing) {
        getLogger("scheduler").warn("leader lock unreachable; not leading until it answers", {
          error: (e as Error).message,
        });
      }
      this.#failing = true;
    }
    if (held) this.#validUntil = began + this.#o.ttlMs;
    const reason: StandbyReason | undefined = held
      ? undefined
      : this.#failing
      ? "unreachable"
      : "held";
    // the first beat always reports, so an instance that starts as a standby says so (and why)
    const changed = held !== this.#leading || !this.#reported || reason !== this.#reason;
    // recorded even when stopping, so that stop() releases a lock this last beat took
    this.#leading = held;
    if (this.#stopped) return;
    this.#reported = true;
    this.#reason = reason;
    if (changed) this.#o.onChange(held, reason);
    this.#timer = setTimeout(() => {
      this.#beating = this.#beat();
    }, Math.max(1, Math.floor(this.#o.ttlMs / 3)));
  }

  /** Stops beating and lets go of the lock, so a standby takes over at once. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#beating;
    const was = this.#leading;
    this.#leading = false;
    if (!was) return;
    try {
      await this.#o.lock.release();
    } catch (e) {
      getLogger("scheduler").warn("could not release the leader lock (it expires by itself)", {
        error: (e as Error).message,
      });
    }
  }
}
