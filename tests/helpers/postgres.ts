/**
 * A real PostgreSQL server for tests: `PG_TEST_URL` (CI starts a throwaway cluster on loopback,
 * see .ci/run) names a role that may create databases; each test gets a fresh database of its
 * own, dropped afterwards. Without `PG_TEST_URL`, PostgreSQL tests fail in CI and skip locally
 * with a message saying how to get one.
 * @module
 */
import postgres from "postgres";

/** How to get a server, for the skip message. */
export const PG_HOWTO = "set PG_TEST_URL=postgres://user@127.0.0.1:PORT/postgres (a role that " +
  "may CREATE DATABASE; `bash scripts/pg_test_cluster.sh` starts a throwaway one and prints it)";

/** The server's URL, or `undefined` to skip (never in CI: there, a missing server fails). */
export function pgTestUrl(): string | undefined {
  const url = Deno.env.get("PG_TEST_URL");
  if (url) return url;
  if (Deno.env.get("CI")) throw new Error(`PG_TEST_URL is not set: ${PG_HOWTO}`);
  return undefined;
}

let warned = false;

/** Logs once that PostgreSQL tests are skipped, and why. */
export function warnSkip(): void {
  if (warned) return;
  warned = true;
  console.warn(`skipping PostgreSQL tests: ${PG_HOWTO}`);
}

/** A fresh database on the test server. */
export interface TestDatabase {
  /** Its URL. */
  url: string;
  /** Drops it (closing whatever is still connected). */
  drop(): Promise<void>;
}

function admin(url: string): postgres.Sql {
  return postgres(url, { max: 1, onnotice: () => {} });
}

/** Creates a database with a random name on the server of `serverUrl`. */
export async function createTestDatabase(serverUrl: string): Promise<TestDatabase> {
  const name = `mts_test_${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
  const sql = admin(serverUrl);
  try {
    await sql.unsafe(`CREATE DATABASE ${name}`);
  } finally {
    await sql.end();
  }
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const s = admin(serverUrl);
      try {
        await s.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await s.end();
      }
    },
  };
}
