/**
 * Append-only columns for the engine's logs. A number column is a list of Float64Array chunks:
 * a first one of {@link HEAD} values (2 KB: a short run — an optimisation trial with tens or
 * hundreds of fills — allocates nothing more), then chunks of {@link CHUNK} values (64 KB, under
 * the allocator's mmap threshold, so a run reuses the memory the previous run freed instead of
 * faulting in fresh pages). Appending never copies, and stores a double unboxed. Strings are
 * stored as codes into a table of the distinct values (names, sides, reasons: a handful, found
 * by a linear scan).
 * @module
 */

/** Values in a column's first chunk. */
export const HEAD = 256;
const SHIFT = 13;
/** Values per chunk after the first. */
export const CHUNK = 1 << SHIFT;
const MASK = CHUNK - 1;

/** An append-only column of numbers. */
export class NumberColumn {
  readonly #head = new Float64Array(HEAD);
  readonly #chunks: Float64Array[] = [];
  /** The chunk being filled (the head, then the newest chunk). */
  #tail: Float64Array = this.#head;
  /** Where the next value goes in `#tail`. */
  #j = 0;
  #n = 0;

  /** Values appended. */
  get length(): number {
    return this.#n;
  }

  /** Appends `v`. */
  push(v: number): void {
    let j = this.#j;
    if (j === this.#tail.length) {
      this.#tail = new Float64Array(CHUNK);
      this.#chunks.push(this.#tail);
      j = 0;
    }
    this.#tail[j] = v;
    this.#j = j + 1;
    this.#n++;
  }

  /** Value `k` (0 ≤ k < length). */
  at(k: number): number {
    return k < HEAD ? this.#head[k] : this.#chunks[(k - HEAD) >>> SHIFT][(k - HEAD) & MASK];
  }

  /** Every value, in order, as one array (a copy). */
  toArray(): Float64Array {
    const out = new Float64Array(this.#n);
    out.set(this.#n <= HEAD ? this.#head.subarray(0, this.#n) : this.#head);
    for (let c = 0, at = HEAD; at < this.#n; c++, at += CHUNK) {
      out.set(this.#chunks[c].subarray(0, Math.min(CHUNK, this.#n - at)), at);
    }
    return out;
  }
}

/** An append-only column of strings with few distinct values (names, sides, reasons). */
export class TextColumn<T extends string = string> {
  readonly #codes = new NumberColumn();
  readonly #values: T[] = [];
  /** The last value appended and its code: a log's next value is often the same. */
  #last: T | undefined;
  #lastCode = -1;

  /** Values appended. */
  get length(): number {
    return this.#codes.length;
  }

  /** Appends `v`. */
  push(v: T): void {
    if (v === this.#last) {
      this.#codes.push(this.#lastCode);
      return;
    }
    const values = this.#values;
    let c = 0;
    while (c < values.length && values[c] !== v) c++;
    if (c === values.length) values.push(v);
    this.#last = v;
    this.#lastCode = c;
    this.#codes.push(c);
  }

  /** Value `k`. */
  at(k: number): T {
    return this.#values[this.#codes.at(k)];
  }
}
