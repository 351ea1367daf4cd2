/**
 * A real redis-server for tests: REDIS_TEST_URL when set (CI starts one), otherwise a
 * redis-server on PATH started on a free loopback port. Without either, tests skip locally and
 * fail in CI.
 * @module
 */

/** A running Redis the test may use; `stop` ends it when this helper started it. */
export interface TestRedis {
  url: string;
  stop(): Promise<void>;
}

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** Starts or finds a Redis server; `undefined` means "skip" (never in CI). */
export async function testRedis(
  options: { readonly own?: boolean } = {},
): Promise<TestRedis | undefined> {
  // `own`: a server of the test's own even when REDIS_TEST_URL is set — a test that stops it, or
  // one whose processes read every book of a symbol (tests run side by side would see each
  // other's books on a shared server: CI once saw another test's opportunity)
  const given = options.own ? undefined : Deno.env.get("REDIS_TEST_URL");
  if (given) return { url: given, stop: () => Promise.resolve() };
  const port = freePort();
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command("redis-server", {
      args: ["--bind", "127.0.0.1", "--port", String(port), "--save", "", "--appendonly", "no"],
      stdout: "null",
      stderr: "null",
    }).spawn();
  } catch {
    const msg =
      "redis-server not found: install it (apt-get install redis-server) or set REDIS_TEST_URL";
    if (Deno.env.get("CI")) throw new Error(msg);
    console.warn(`skipping Redis tests: ${msg}`);
    return undefined;
  }
  for (let i = 0; i < 100; i++) {
    try {
      const c = await Deno.connect({ hostname: "127.0.0.1", port });
      c.close();
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    url: `redis://127.0.0.1:${port}/0`,
    stop: async () => {
      try {
        child.kill("SIGTERM");
      } catch { /* already stopped */ }
      await child.status;
    },
  };
}
