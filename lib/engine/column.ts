/**
 * Append-only columns for the engine's logs. A number column keeps its first {@link HEAD} values
 * in a plain array (V8 stores them unboxed; a short run — an optimisation trial with tens or
 * hundreds of fills — allocates no typed array at all), then fixed-size Float64Array chunks of
 * {@link CHUNK} values, so that appending never copies a large array to grow it. Strings are
 * stored as codes into a table of the distinct values (names, sides, reasons: a handful, found
 * by a linear scan).
 * @module
 */

/** Values kept in the plain head array. */
export const HEAD = 1024;
const SHIFT = 13;
/** Values per Float64Array chunk after the head. */
export const CHUNK = 1 << SHIFT;
const MASK = CHUNK - 1;

/** An append-only column of numbers. */
export class NumberColumn {
  readonly #head: number[] = [];
  readonly #chunks: Float64Array[] = [];
  #n = 0;

  /** Values appended. */
  get length(): number {
    return this.#n;
  }

  /** Appends `v`. */
  push(v: number): void {
    const n = this.#n;
    if (n < HEAD) this.#head.push(v);
    else {
      const j = (n - HEAD) & MASK;
      if (j === 0) this.#chunks.push(new Float64Array(CHUNK));
      this.#chunks[this.#chunks.length - 1][j] = v;
    }
    this.#n = n + 1;
  }

  /** Value `k` (0 ≤ k < length). */
  at(k: number): number {
    return k < HEAD ? this.#head[k] : this.#chunks[(k - HEAD) >>> SHIFT][(k - HEAD) & MASK];
  }

  /** Every value, in order, as one array. */
  toArray(): Float64Array {
    const out = new Float64Array(this.#n);
    for (let k = 0; k < this.#n; k++) out[k] = this.at(k);
    return out;
  }
}

/** An append-only column of strings with few distinct values (names, sides, reasons). */
export class TextColumn<T extends string = string> {
  readonly #codes = new NumberColumn();
  readonly #values: T[] = [];

  /** Values appended. */
  get length(): number {
    return this.#codes.length;
  }

  /** Appends `v`. */
  push(v: T): void {
    const values = this.#values;
    let c = 0;
    while (c < values.length && values[c] !== v) c++;
    if (c === values.length) values.push(v);
    this.#codes.push(c);
  }

  /** Value `k`. */
  at(k: number): T {
    return this.#values[this.#codes.at(k)];
  }
}
