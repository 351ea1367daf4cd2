/**
 * Append-only row storage for the engine's logs. A {@link RowLog} keeps rows of `stride` numbers
 * in Float64Array chunks: a first one of {@link FIRST_ROWS} rows (a short run — an optimisation
 * trial with tens or hundreds of fills — allocates nothing more), then chunks of
 * {@link CHUNK_ROWS} rows (at most 96 KB, under the allocator's mmap threshold, so a run reuses
 * the memory the previous one freed instead of faulting in fresh pages). Appending a row is one
 * bounds check and `stride` unboxed stores; nothing is ever copied. Strings are stored as codes
 * into a {@link Codes} table of the distinct values (names, sides, reasons: a handful).
 * @module
 */

/** Rows in a log's first chunk. */
export const FIRST_ROWS = 32;
const SHIFT = 10;
/** Rows per chunk after the first. */
export const CHUNK_ROWS = 1 << SHIFT;
const MASK = CHUNK_ROWS - 1;

/** An append-only table of rows of `stride` numbers. */
export class RowLog {
  /** Numbers per row. */
  readonly stride: number;
  readonly #chunks: Float64Array[];
  /**
   * The chunk the newest row is in: write a new row's fields at `tail[o + f]`, where `o` is what
   * {@link RowLog.append} returned.
   */
  tail: Float64Array;
  #next = 0;
  #rows = 0;

  /** An empty log of rows of `stride` numbers (at most 12, so a chunk stays within 96 KB). */
  constructor(stride: number) {
    if (!(Number.isInteger(stride) && stride >= 1 && stride <= 12)) {
      throw new RangeError(`A row log needs a stride of 1 to 12 numbers, got ${stride}`);
    }
    this.stride = stride;
    this.tail = new Float64Array(FIRST_ROWS * stride);
    this.#chunks = [this.tail];
  }

  /** Rows appended. */
  get length(): number {
    return this.#rows;
  }

  /** Appends a row (zeros) and returns its offset in {@link RowLog.tail}. */
  append(): number {
    let o = this.#next;
    if (o === this.tail.length) {
      this.tail = new Float64Array(CHUNK_ROWS * this.stride);
      this.#chunks.push(this.tail);
      o = 0;
    }
    this.#next = o + this.stride;
    this.#rows++;
    return o;
  }

  /** Field `f` of row `k` (0 ≤ k < length, 0 ≤ f < stride). */
  at(k: number, f: number): number {
    if (k < FIRST_ROWS) return this.#chunks[0][k * this.stride + f];
    const r = k - FIRST_ROWS;
    return this.#chunks[1 + (r >>> SHIFT)][(r & MASK) * this.stride + f];
  }

  /** Field `f` of every row, in order. */
  column(f: number): Float64Array {
    const out = new Float64Array(this.#rows);
    for (let k = 0; k < this.#rows; k++) out[k] = this.at(k, f);
    return out;
  }
}

/** Codes for the few distinct strings of a log field: 0, 1, 2, … in order of first use. */
export class Codes<T extends string = string> {
  readonly #values: T[] = [];
  #last: T | undefined;
  #lastCode = -1;

  /** The code of `v` (a new one the first time `v` is seen). */
  code(v: T): number {
    if (v === this.#last) return this.#lastCode;
    const values = this.#values;
    let c = 0;
    while (c < values.length && values[c] !== v) c++;
    if (c === values.length) values.push(v);
    this.#last = v;
    this.#lastCode = c;
    return c;
  }

  /** The string of code `c`. */
  value(c: number): T {
    return this.#values[c];
  }

  /** Distinct strings seen. */
  get size(): number {
    return this.#values.length;
  }
}
