/**
 * The permission sets of deno.json, read for tests: the production sets grant no loopback
 * network access, so a test that points a task at a fixture server on 127.0.0.1 runs the task
 * with its own set plus loopback — the tests' set, derived from the one definition.
 * @module
 */

const ROOT = new URL("../../", import.meta.url);

/** A permission as deno.json may declare it: a list, all or nothing, or allow + deny lists. */
export type Permission =
  | readonly string[]
  | boolean
  | { readonly allow?: readonly string[]; readonly deny?: readonly string[] };

/** One named permission set as deno.json declares it. */
export interface PermissionSet {
  readonly env?: Permission;
  readonly read?: Permission;
  readonly write?: Permission;
  readonly net?: Permission;
  readonly [kind: string]: Permission | undefined;
}

/** The granted list of a permission (`allow` of the object form); `[]` for booleans. */
export function allowed(p: Permission | undefined): readonly string[] {
  if (Array.isArray(p)) return p;
  if (p && typeof p === "object" && !Array.isArray(p)) {
    return (p as { allow?: readonly string[] }).allow ?? [];
  }
  return [];
}

/** The `permissions` object of deno.json. */
export function permissionSets(): Record<string, PermissionSet> {
  const config = JSON.parse(Deno.readTextFileSync(new URL("deno.json", ROOT)));
  return config.permissions ?? {};
}

/** Hosts the tests' fixture servers listen on. */
export const LOOPBACK = ["127.0.0.1", "localhost"] as const;

/**
 * Arguments for `deno` that run `tasks/<name>.ts` with its permission set, plus loopback network
 * access when `loopback` is set (its other permissions unchanged).
 */
export function taskArgs(name: string, options: { loopback?: boolean } = {}): string[] {
  const set = permissionSets()[name];
  if (!set) throw new Error(`deno.json has no permission set "${name}"`);
  const net = allowed(set.net);
  const extra = options.loopback ? [`--allow-net=${[...net, ...LOOPBACK].join(",")}`] : [];
  return ["run", "-q", `-P=${name}`, ...extra, `tasks/${name}.ts`];
}
