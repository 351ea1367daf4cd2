/**
 * Checks, before any request, that the task may reach every configured host. The permission sets
 * in deno.json grant `net` only the default API hosts; a proxy or mirror set through a
 * `*_BASE_URL` variable must be added there too, and this says so in one line instead of failing
 * deep inside a retry loop.
 * @module
 */

/** A URL the task will call and the variable it came from. */
export interface ConfiguredUrl {
  /** The variable that set the URL (named in the message). */
  readonly variable: string;
  /** The URL. */
  readonly url: string;
}

/** `host[:port]` as `--allow-net` understands it. */
export function netHost(url: string): string {
  const u = new URL(url);
  return u.port ? `${u.hostname}:${u.port}` : u.hostname;
}

/**
 * Returns one message per URL whose host the process may not reach (empty when all are allowed).
 * Never prompts.
 */
export async function missingNetPermissions(urls: readonly ConfiguredUrl[]): Promise<string[]> {
  const out: string[] = [];
  for (const { variable, url } of urls) {
    const host = netHost(url);
    const status = await Deno.permissions.query({ name: "net", host });
    if (status.state !== "granted") {
      out.push(
        `no network permission for ${host} (${variable}); add it to the "net" list of this ` +
          `task's permission set in deno.json (see docs/configuration.md, "Permissions")`,
      );
    }
  }
  return out;
}
