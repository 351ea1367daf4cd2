/**
 * Connecting to PostgreSQL from a `DATABASE_URL`. The URL is checked before anything connects,
 * every driver option is passed explicitly (postgres.js otherwise falls back to `PG*` variables
 * and the OS user name, which the tasks' permissions do not grant), and messages name the URL
 * with its password hidden.
 * @module
 */
import postgres from "postgres";
import { ConfigError } from "../../core/errors.ts";
import { redactUrl } from "../sqlite/open.ts";

/** What a `DATABASE_URL` resolves to. */
export interface PgTarget {
  /** Host name or address. */
  host: string;
  /** TCP port (default 5432). */
  port: number;
  /** Database name (default: the user name). */
  database: string;
  /** User name (default `postgres`). */
  user: string;
  /** Password ("" for none: trust or peer authentication). */
  password: string;
  /** TLS: `false`, or a libpq `sslmode` (`require`, `verify-full`, …). */
  ssl: false | string;
  /** The URL with its password hidden, for messages. */
  shown: string;
}

/** True for `postgres://` and `postgresql://` URLs. */
export function isPostgresUrl(text: string): boolean {
  return /^postgres(ql)?:\/\//i.test(text.trim());
}

/**
 * Parses a `postgres://user:pass@host:port/db?sslmode=…` URL; anything else is a
 * {@link ConfigError} naming `origin` (the variable or flag) and the URL without its password.
 */
export function parsePostgresUrl(text: string, origin = "DATABASE_URL"): PgTarget {
  const shown = redactUrl(text.trim());
  const fail = (why: string) =>
    new ConfigError(
      `${origin}: ${why} (${shown}); expected a postgres:// URL naming user, password, host, ` +
        "port and database",
      origin,
    );
  if (!isPostgresUrl(text)) throw fail("not a postgres:// URL");
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw fail("not a valid URL");
  }
  if (!url.hostname) throw fail("the URL names no host");
  const port = url.port === "" ? 5432 : Number(url.port);
  const user = decodeURIComponent(url.username) || "postgres";
  const database = decodeURIComponent(url.pathname.replace(/^\//, "")) || user;
  const sslmode = url.searchParams.get("sslmode");
  for (const key of url.searchParams.keys()) {
    if (key !== "sslmode") throw fail(`unsupported URL parameter "${key}" (only sslmode)`);
  }
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, "$1"),
    port,
    database,
    user,
    password: decodeURIComponent(url.password),
    ssl: sslmode === null || sslmode === "disable" ? false : sslmode,
    shown,
  };
}

/** Options of {@link connectPostgres}. */
export interface PgConnectOptions {
  /** Pool size (default 10). */
  max?: number;
  /** Seconds to wait for a connection (default 10). */
  connectTimeoutS?: number;
}

/** A postgres.js pool for `target`, with every option explicit (see the module doc). */
export function connectPostgres(
  target: PgTarget,
  options: PgConnectOptions = {},
): postgres.Sql {
  const password = target.password;
  return postgres({
    host: target.host,
    port: target.port,
    database: target.database,
    user: target.user,
    // a function, so that an empty password never falls back to PGPASSWORD
    pass: () => password,
    ssl: target.ssl as postgres.Options<never>["ssl"],
    max: options.max ?? 10,
    idle_timeout: 30,
    connect_timeout: options.connectTimeoutS ?? 10,
    max_lifetime: 60 * 30,
    max_pipeline: 100,
    keep_alive: 60,
    prepare: true,
    debug: false,
    fetch_types: false,
    publications: "alltables",
    target_session_attrs: "read-write",
    backoff: (retries: number) => Math.min(0.1 * 2 ** retries, 5),
    sslnegotiation: null,
    connection: { application_name: "mts" },
    onnotice: () => {},
    types: {
      // int8 (ids, UTC ms times, counts) as JS numbers: every value mts stores is below 2^53
      bigint: {
        to: 20,
        from: [20],
        serialize: (x: number) => String(x),
        parse: (x: string) => Number(x),
      },
    },
  } as postgres.Options<Record<string, postgres.PostgresType>>);
}
