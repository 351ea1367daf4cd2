/**
 * Strategy parameters: defaults from `strategies/<name>.json`, deep-merged with user overrides
 * (`--params`), validated by the strategy's zod schema.
 * @module
 */
import type { z } from "zod";
import { ConfigError } from "../core/errors.ts";

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Deep-merges `override` onto `base`: objects merge key by key, anything else (arrays
 * included) replaces.
 */
export function deepMerge(base: unknown, override: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(override)) {
    return override === undefined ? base : override;
  }
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(override)) out[k] = deepMerge(base[k], v);
  return out;
}

/**
 * Merges `overrides` onto `defaults` and validates the result with `schema`. Throws a
 * {@link ConfigError} that names the strategy, each bad key path and the problem.
 */
export function resolveParams<S extends z.ZodType>(
  strategy: string,
  schema: S,
  defaults: unknown,
  overrides: unknown = {},
): z.infer<S> {
  const parsed = schema.safeParse(deepMerge(defaults, overrides));
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => {
    const path = i.path.length ? i.path.join(".") : "(root)";
    return `${path}: ${i.message}`;
  });
  throw new ConfigError(
    `Invalid parameters for strategy ${strategy}: ${problems.join("; ")}`,
    `${strategy}.${String(parsed.error.issues[0].path.join("."))}`,
  );
}
