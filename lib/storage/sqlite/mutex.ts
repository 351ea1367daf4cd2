/**
 * A first-in, first-out async mutex: the store's in-process queue for its one write connection.
 * @module
 */

/** FIFO async mutex. */
export class Mutex {
  #tail: Promise<void> = Promise.resolve();
  #pending = 0;

  /** Waits for the mutex; resolves to the function that releases it. */
  lock(): Promise<() => void> {
    this.#pending++;
    let release!: () => void;
    const next = new Promise<void>((resolve) => (release = resolve));
    const prev = this.#tail;
    this.#tail = prev.then(() => next);
    return prev.then(() => {
      let done = false;
      return () => {
        if (done) return;
        done = true;
        this.#pending--;
        release();
      };
    });
  }

  /** True while someone holds or waits for the mutex. */
  get busy(): boolean {
    return this.#pending > 0;
  }
}
