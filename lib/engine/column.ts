/**
 * Append-only columns for the engine's logs: numbers in fixed-size Float64Array chunks (a first
 * small one, then 1,024 values each), so that appending never copies or reallocates a growing
 * array, and strings as codes into a table of the distinct values.
 * @module
 */

const HEAD = 64;
const SHIFT = 10;
const CHUNK = 1 << SHIFT;
const MASK = CHUNK - 1;

/** An append-only column of numbers. */
export class NumberColumn {
  readonly #head = new Float64Array(HEAD);
  readonly #chunks: Float64Array[] = [];
  #n = 0;

  /** Values appended. */
  get length(): number {
    return this.#n;
  }

  /** Appends `v`. */
  push(v: number): void {
    const n = this.#n;
    if (n < HEAD) this.#head[n] = v;
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
  readonly #index = new Map<T, number>();

  /** Values appended. */
  get length(): number {
    return this.#codes.length;
  }

  /** Appends `v`. */
  push(v: T): void {
    let c = this.#index.get(v);
    if (c === undefined) {
      c = this.#values.length;
      this.#values.push(v);
      this.#index.set(v, c);
    }
    this.#codes.push(c);
  }

  /** Value `k`. */
  at(k: number): T {
    return this.#values[this.#codes.at(k)];
  }
}
