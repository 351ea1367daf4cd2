/**
 * Append-only columns for the engine's logs (`logs.ts`): plain arrays, which V8 keeps as unboxed
 * doubles (numbers) or as pointers to the few shared strings (names, sides, reasons), cut into
 * chunks of {@link CHUNK} values. A short run (an optimisation trial: tens or hundreds of fills)
 * allocates one small array per column and nothing up front; a long one (a million bars, a
 * hundred thousand fills) never copies a large array to grow it — growing one big array copies it
 * again and again, and those copies of fresh memory were most of the engine's time at that size.
 * @module
 */

const SHIFT = 12;
/** Values per chunk. */
export const CHUNK = 1 << SHIFT;
const MASK = CHUNK - 1;

/** An append-only column of values. */
export class Column<T> {
  /** The full chunks, then the one being filled (always the last). */
  readonly #chunks: T[][];
  #cur: T[] = [];
  #n = 0;

  constructor() {
    this.#chunks = [this.#cur];
  }

  /** Values appended. */
  get length(): number {
    return this.#n;
  }

  /** Appends `v`. */
  push(v: T): void {
    if (this.#cur.length === CHUNK) this.#chunks.push(this.#cur = []);
    this.#cur.push(v);
    this.#n++;
  }

  /** Value `k` (0 ≤ k < length). */
  at(k: number): T {
    return this.#chunks[k >>> SHIFT][k & MASK];
  }

  /** Every value, in order, as one array (the chunk itself while there is only one). */
  toArray(): readonly T[] {
    return this.#chunks.length === 1 ? this.#cur : this.#chunks.flat();
  }
}
