/**
 * The leader lock: when several instances of a long-running process (the scheduler) share the
 * work, the one holding this lock does it and the others stand by. The lock expires unless its
 * holder renews it, so when the holder dies, a standby takes over after at most one expiry.
 * @module
 */

/** A lock with expiry, held by at most one instance at a time. */
export interface LeaderLock {
  /** This instance's token (unique per instance; never shown as a secret). */
  readonly id: string;
  /**
   * Takes the lock for `ttlMs` when nobody holds it, or renews it when this instance already
   * does; resolves to true when this instance holds it afterwards.
   */
  acquire(ttlMs: number): Promise<boolean>;
  /** Extends this instance's hold by `ttlMs`; false when it no longer holds the lock (it expired and another took it). */
  renew(ttlMs: number): Promise<boolean>;
  /** Lets go of the lock if this instance holds it, so a standby takes over at once. */
  release(): Promise<void>;
  /** Closes the connection (after {@link LeaderLock.release}). */
  close(): Promise<void>;
}
