/**
 * Parameter search spaces: a grid expanded into its cartesian product, or a space sampled at
 * random with a seed, both filtered by constraints (see constraint.ts).
 *
 * - Grid `{"fast":[5,10],"slow":[30,50]}`: every combination, in a stable order — parameters in
 *   the object's key order, values in the listed order, the last parameter varying fastest
 *   (`fast 5 slow 30`, `fast 5 slow 50`, `fast 10 slow 30`, …).
 * - Random `{"fast":{"min":2,"max":50,"int":true},"slow":{"min":10,"max":300},"side":[true,false]}`:
 *   `min` and `max` are inclusive; `int: true` draws whole numbers (min and max must then be
 *   whole); an array is a list of choices. Draws come from the project's seeded sfc32 generator
 *   (`lib/core/prng.ts`), one draw per parameter in key order, so a seed always gives the same
 *   trials. `count` trials are returned, all distinct and all satisfying the constraints:
 *   - a finite space of at most 200,000 points (whole-number ranges and choices only) is listed
 *     and filtered first, and `count` points are drawn from it without replacement (a partial
 *     Fisher–Yates shuffle); if fewer than `count` points satisfy the constraints, that is a
 *     RangeError saying how many do;
 *   - otherwise draws are rejected (duplicate or failing the constraints) until `count` are kept;
 *     after `maxDraws` draws (default max(10,000, 100·count)) it stops with a RangeError saying
 *     how many it found.
 * @module
 */
import { createRng, type Rng } from "../core/prng.ts";
import { type Constraint, type Params, type ParamValue, parseConstraint } from "./constraint.ts";

/** A grid: each parameter's list of values. */
export type GridSpace = Readonly<Record<string, readonly ParamValue[]>>;
/** A numeric range for random search, both ends inclusive. */
export interface RangeSpec {
  /** Smallest value. */
  min: number;
  /** Largest value. */
  max: number;
  /** Whole numbers only. */
  int?: boolean;
}
/** A random-search space: each parameter a range or a list of choices. */
export type RandomSpace = Readonly<Record<string, RangeSpec | readonly ParamValue[]>>;

/** One or more constraints, all of which must hold. */
export type Constraints = string | readonly string[];

/** Most combinations a grid may expand to. */
export const MAX_GRID_SIZE = 1_000_000;
/** Finite random spaces up to this size are listed and sampled without replacement. */
export const ENUMERATE_LIMIT = 200_000;

function isValue(v: unknown): v is ParamValue {
  return (typeof v === "number" && Number.isFinite(v)) || typeof v === "boolean" ||
    typeof v === "string";
}

function checkChoices(name: string, values: unknown, what: string): readonly ParamValue[] {
  if (!Array.isArray(values) || values.length === 0) {
    throw new RangeError(`Cannot use the ${what}: ${name} must be a non-empty list of values`);
  }
  const seen = new Set<ParamValue>();
  for (const v of values) {
    if (!isValue(v)) {
      throw new RangeError(`Cannot use the ${what}: ${name} has a bad value ${JSON.stringify(v)}`);
    }
    if (seen.has(v)) {
      throw new RangeError(`Cannot use the ${what}: ${name} lists ${JSON.stringify(v)} twice`);
    }
    seen.add(v);
  }
  return values;
}

function compileConstraints(constraints: Constraints | undefined, names: string[]): Constraint[] {
  const list = constraints === undefined
    ? []
    : typeof constraints === "string"
    ? [constraints]
    : constraints;
  return list.map((c) => parseConstraint(c, names));
}

const satisfies = (p: Params, cs: readonly Constraint[]) => cs.every((c) => c.test(p));
const describe = (cs: readonly Constraint[]) =>
  cs.length ? ` that satisfy ${cs.map((c) => `"${c.text}"`).join(" and ")}` : "";

/** Cartesian product of value lists, last list fastest. */
function product(names: readonly string[], lists: readonly (readonly ParamValue[])[]): Params[] {
  let out: Record<string, ParamValue>[] = [{}];
  names.forEach((name, i) => {
    const next: Record<string, ParamValue>[] = [];
    for (const p of out) for (const v of lists[i]) next.push({ ...p, [name]: v });
    out = next;
  });
  return out;
}

/**
 * Every combination of a grid that satisfies the constraints, in the stable order of the module
 * doc. RangeError for an empty or duplicated value list, a grid above {@link MAX_GRID_SIZE}, or
 * no combination left; SyntaxError for a bad constraint.
 * @example expandGrid({ fast: [5, 10], slow: [10, 30] }, "fast < slow").length // 3
 */
export function expandGrid(grid: GridSpace, constraints?: Constraints): Params[] {
  const names = Object.keys(grid ?? {});
  if (names.length === 0) throw new RangeError("Cannot use the grid: it names no parameter");
  const lists = names.map((n) => checkChoices(n, grid[n], "grid"));
  const size = lists.reduce((s, l) => s * l.length, 1);
  if (size > MAX_GRID_SIZE) {
    throw new RangeError(
      `Cannot use the grid: it has ${size} combinations, more than ${MAX_GRID_SIZE}`,
    );
  }
  const cs = compileConstraints(constraints, names);
  const out = product(names, lists).filter((p) => satisfies(p, cs));
  if (out.length === 0) {
    throw new RangeError(`Cannot use the grid: none of its ${size} combinations${describe(cs)}`);
  }
  return out;
}

/** A checked random-space parameter: a draw function and, when finite, its value list. */
interface Dimension {
  draw(rng: Rng): ParamValue;
  values?: readonly ParamValue[];
  size: number;
}

function dimension(name: string, spec: RangeSpec | readonly ParamValue[]): Dimension {
  if (Array.isArray(spec)) {
    const values = checkChoices(name, spec, "space");
    return { draw: (rng) => values[rng.int(0, values.length - 1)], values, size: values.length };
  }
  const { min, max, int } = (spec ?? {}) as RangeSpec;
  if (!Number.isFinite(min) || !Number.isFinite(max) || min > max) {
    throw new RangeError(
      `Cannot use the space: ${name} needs finite min ≤ max, got min ${min}, max ${max}`,
    );
  }
  if (int) {
    if (!Number.isInteger(min) || !Number.isInteger(max)) {
      throw new RangeError(
        `Cannot use the space: ${name} has int: true, so min ${min} and max ${max} must be whole`,
      );
    }
    if (max - min >= 2 ** 32) {
      throw new RangeError(`Cannot use the space: ${name} spans more than 2^32 values`);
    }
    const size = max - min + 1;
    const values = size <= ENUMERATE_LIMIT
      ? Array.from({ length: size }, (_, i) => min + i)
      : undefined;
    return { draw: (rng) => rng.int(min, max), values, size };
  }
  if (min === max) return { draw: () => min, values: [min], size: 1 };
  // next() is k/2³² for k < 2³²; rescaling by 2³²/(2³² − 1) makes k = 2³² − 1 land on max itself.
  const scale = 4294967296 / 4294967295;
  return { draw: (rng) => Math.min(max, min + rng.next() * scale * (max - min)), size: Infinity };
}

/** Options of {@link sampleSpace}. */
export interface SampleOptions {
  /** How many distinct trials to return (≥ 1). */
  count: number;
  /** Seed of the generator (a whole number, taken modulo 2³² as sfc32's seed). */
  seed: number;
  /** Constraints every trial must satisfy. */
  constraints?: Constraints;
  /** Give up after this many draws (default max(10,000, 100·count)). */
  maxDraws?: number;
}

/** Draws `count` of the listed points without replacement (partial Fisher–Yates). */
function drawListed(points: Params[], count: number, rng: Rng): Params[] {
  for (let i = 0; i < count; i++) {
    const j = rng.int(i, points.length - 1);
    [points[i], points[j]] = [points[j], points[i]];
  }
  return points.slice(0, count);
}

/** Rejection sampling of distinct, satisfying draws. */
function drawRejecting(
  names: string[],
  dims: Dimension[],
  o: SampleOptions,
  cs: Constraint[],
  rng: Rng,
) {
  const maxDraws = o.maxDraws ?? Math.max(10_000, 100 * o.count);
  const seen = new Set<string>(), out: Params[] = [];
  let draws = 0;
  while (out.length < o.count && draws < maxDraws) {
    draws++;
    const p: Record<string, ParamValue> = {};
    names.forEach((n, i) => (p[n] = dims[i].draw(rng)));
    const key = JSON.stringify(names.map((n) => p[n]));
    if (seen.has(key) || !satisfies(p, cs)) continue;
    seen.add(key);
    out.push(p);
  }
  if (out.length < o.count) {
    throw new RangeError(
      `Cannot sample ${o.count} distinct trials: only ${out.length}${describe(cs)} turned up in ` +
        `${draws} draws (the constraints may be too tight or the space too small)`,
    );
  }
  return out;
}

/**
 * `count` distinct trials drawn from `space` with `seed`, all satisfying the constraints (see the
 * module doc for the two sampling paths). RangeError for a bad range or choice list, a bad count
 * or seed, or when `count` distinct satisfying trials do not exist (or did not turn up);
 * SyntaxError for a bad constraint.
 * @example sampleSpace({ fast: { min: 2, max: 50, int: true }, slow: { min: 10, max: 300, int: true } }, { count: 100, seed: 7, constraints: "fast < slow" })
 */
export function sampleSpace(space: RandomSpace, options: SampleOptions): Params[] {
  const names = Object.keys(space ?? {});
  if (names.length === 0) throw new RangeError("Cannot use the space: it names no parameter");
  const { count, seed } = options;
  if (!Number.isInteger(count) || count < 1) {
    throw new RangeError(`Cannot sample the space: count must be a whole number ≥ 1, got ${count}`);
  }
  if (!Number.isInteger(seed)) {
    throw new RangeError(`Cannot sample the space: seed must be a whole number, got ${seed}`);
  }
  const dims = names.map((n) => dimension(n, space[n]));
  const cs = compileConstraints(options.constraints, names);
  const size = dims.reduce((s, d) => s * d.size, 1);
  const rng = createRng(seed);
  if (size > ENUMERATE_LIMIT || dims.some((d) => !d.values)) {
    return drawRejecting(names, dims, options, cs, rng);
  }
  const points = product(names, dims.map((d) => d.values!)).filter((p) => satisfies(p, cs));
  if (points.length < count) {
    throw new RangeError(
      `Cannot sample ${count} distinct trials: the space holds only ${points.length}${
        describe(cs)
      }`,
    );
  }
  return drawListed(points, count, rng);
}
