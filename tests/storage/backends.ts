/**
 * The storage backends the contract suite runs on: a fresh SQLite file, and a fresh database on
 * the PostgreSQL test server (`PG_TEST_URL`, see tests/helpers/postgres.ts). Each test opens
 * stores with {@link Backend.open}; several stores on one backend are several processes' views
 * of one database.
 * @module
 */
import { openStore, type StoreConfig } from "../../lib/storage/open_store.ts";
import type { Store } from "../../lib/storage/store.ts";
import { createTestDatabase, pgTestUrl, warnSkip } from "../helpers/postgres.ts";

/** One fresh database of one backend. */
export interface BackendDb {
  /** What `openStore` takes to open it. */
  config: StoreConfig;
  /** Opens a store on it (another "process"), closed by `dispose`. */
  open(options?: { now?: () => number; leaseMs?: number }): Store;
  /** Closes the stores it opened and removes the database. */
  dispose(): Promise<void>;
}

/** A backend the suite runs on. */
export interface Backend {
  name: "sqlite" | "postgres";
  /** A fresh, empty database; `undefined` when the backend is not available (skip). */
  create(): Promise<BackendDb | undefined>;
}

function tracked(config: StoreConfig, cleanup: () => Promise<void>): BackendDb {
  const stores: Store[] = [];
  return {
    config,
    open: (options = {}) => {
      const s = openStore(config, options);
      stores.push(s);
      return s;
    },
    dispose: async () => {
      for (const s of stores) {
        try {
          await s.close();
        } catch { /* closed by the test already */ }
      }
      await cleanup();
    },
  };
}

/** Both backends. */
export const BACKENDS: readonly Backend[] = [
  {
    name: "sqlite",
    create: () => {
      const dir = Deno.makeTempDirSync({ prefix: "mts-contract-" });
      return Promise.resolve(
        tracked({ databasePath: `${dir}/mts.db` }, () => Deno.remove(dir, { recursive: true })),
      );
    },
  },
  {
    name: "postgres",
    create: async () => {
      const server = pgTestUrl();
      if (!server) {
        warnSkip();
        return undefined;
      }
      const db = await createTestDatabase(server);
      return tracked({ databasePath: "unused.db", databaseUrl: db.url }, () => db.drop());
    },
  },
];

/**
 * Registers `fn` as one test per backend: `"<name> [sqlite]"` and `"<name> [postgres]"`. The
 * PostgreSQL one is ignored (with a message) when no server is configured locally.
 */
export function contractTest(name: string, fn: (db: BackendDb) => Promise<void>): void {
  for (const backend of BACKENDS) {
    Deno.test({
      name: `${name} [${backend.name}]`,
      // the pool's and the lease's timers are closed by dispose; sanitizers stay on
      fn: async () => {
        const db = await backend.create();
        if (!db) return;
        try {
          await fn(db);
        } finally {
          await db.dispose();
        }
      },
    });
  }
}
