/**
 * Argument checks shared by the research statistics. Each throws a RangeError that says what
 * could not be computed, which argument was wrong and what it was: "Cannot compute the deflated
 * Sharpe ratio: trials must be a whole number ≥ 1, got 0".
 * @module
 */

/** Throws unless `value` is a finite number; returns it. */
export function finite(action: string, name: string, value: number): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new RangeError(`Cannot ${action}: ${name} must be a finite number, got ${value}`);
  }
  return value;
}

/** Throws unless `value` is a finite number ≥ `min`. */
export function atLeast(action: string, name: string, value: number, min: number): number {
  finite(action, name, value);
  if (value < min) throw new RangeError(`Cannot ${action}: ${name} must be ≥ ${min}, got ${value}`);
  return value;
}

/** Throws unless `value` is a finite number > `min`. */
export function above(action: string, name: string, value: number, min: number): number {
  finite(action, name, value);
  if (!(value > min)) {
    throw new RangeError(`Cannot ${action}: ${name} must be > ${min}, got ${value}`);
  }
  return value;
}

/** Throws unless `value` is a whole number ≥ `min`. */
export function wholeAtLeast(action: string, name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`Cannot ${action}: ${name} must be a whole number ≥ ${min}, got ${value}`);
  }
  return value;
}
