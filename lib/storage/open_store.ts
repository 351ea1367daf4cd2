/**
 * The one place that chooses the storage backend: `DATABASE_URL` (a `postgres://` URL) selects
 * PostgreSQL and takes precedence — nothing is then written to SQLite — and otherwise
 * `DATABASE_PATH` names the SQLite file. Every task opens its store here.
 * @module
 */
import { PostgresStore, type PostgresStoreOptions } from "./postgres_store.ts";
import { redactUrl } from "./sqlite/open.ts";
import { SqliteStore, type SqliteStoreOptions } from "./sqlite_store.ts";
import type { Store } from "./store.ts";

/** The part of the resolved configuration that picks the store. */
export interface StoreConfig {
  /** SQLite database file (`DATABASE_PATH`). */
  readonly databasePath: string;
  /** PostgreSQL URL (`DATABASE_URL`); when set, it wins. */
  readonly databaseUrl?: string;
}

/** The backend {@link openStore} picks for `config`. */
export function storeBackend(config: StoreConfig): "postgres" | "sqlite" {
  return config.databaseUrl ? "postgres" : "sqlite";
}

/**
 * How messages name the configured database: the SQLite path, or the PostgreSQL URL with its
 * password hidden.
 */
export function describeStore(config: StoreConfig): string {
  return config.databaseUrl ? redactUrl(config.databaseUrl) : config.databasePath;
}

/**
 * Opens the configured store: PostgreSQL when `databaseUrl` is set, else the SQLite file.
 *
 * @example
 * ```ts
 * import { openStore } from "./open_store.ts";
 * const store = openStore({ databasePath: ":memory:" });
 * console.log((await store.listSeries()).length); // 0
 * await store.close();
 * ```
 */
export function openStore(
  config: StoreConfig,
  options: SqliteStoreOptions & PostgresStoreOptions = {},
): Store {
  if (config.databaseUrl) {
    return PostgresStore.open(config.databaseUrl, { origin: "DATABASE_URL", ...options });
  }
  return SqliteStore.open(config.databasePath, { origin: "DATABASE_PATH", ...options });
}
