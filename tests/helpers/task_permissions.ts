/**
 * The permission sets of deno.json, read for tests: the production sets grant no loopback
 * network access, so a test that points a task at a fixture server on 127.0.0.1 runs the task
 * with its own set plus loopback — the tests' set, derived from the one definition.
 * @module
 */

const ROOT = new URL("../../", import.meta.url);

/** One named permission set as deno.json declares it. */
export interface PermissionSet {
  readonly env?: readonly string[] | boolean;
  readonly read?: readonly string[] | boolean;
  readonly write?: readonly string[] | boolean;
  readonly net?: readonly string[] | boolean;
  readonly [kind: string]: readonly string[] | boolean | undefined;
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
  const net = Array.isArray(set.net) ? set.net : [];
  const extra = options.loopback ? [`--allow-net=${[...net, ...LOOPBACK].join(",")}`] : [];
  return ["run", "-q", `-P=${name}`, ...extra, `tasks/${name}.ts`];
}
