/**
 * Injectable time: the HTTP layer never calls `Date.now` or `setTimeout` directly, so tests can
 * run retries, rate limits and breakers on a virtual clock.
 * @module
 */

/** Reads the time and waits. */
export interface Clock {
  /** Current time, UTC ms. */
  now(): number;
  /** Resolves after `ms` (rejects with the signal's reason when aborted). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const id = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, Math.max(0, ms));
      const onAbort = () => {
        clearTimeout(id);
        reject(signal?.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
    }),
};

/**
 * A virtual clock for tests: `sleep` advances time instantly and records every wait.
 * @example const c = new ManualClock(0); await c.sleep(500); c.now() // 500
 */
export class ManualClock implements Clock {
  /** Every wait requested, in order. */
  readonly sleeps: number[] = [];
  constructor(private t = 0) {}
  now(): number {
    return this.t;
  }
  sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.t += Math.max(0, ms);
    return Promise.resolve();
  }
  /** Moves time forward without a recorded wait. */
  advance(ms: number): void {
    this.t += ms;
  }
}
