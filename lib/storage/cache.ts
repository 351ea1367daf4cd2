/**
 * The cache contract: a small key/value store with expiry plus publish/subscribe. The in-memory
 * implementation serves a single process; the Redis one is shared between processes and hosts.
 * @module
 */

/** A key/value cache with per-entry lifetime and pub/sub. Values are JSON-serialisable. */
export interface Cache {
  /** Which implementation this is: `memory` or `redis`. */
  readonly kind: "memory" | "redis";
  /** The value stored under `key`, or `undefined` when absent or expired. */
  get<T = unknown>(key: string): Promise<T | undefined>;
  /** Stores `value` under `key` for `ttlSeconds` (default: the cache's TTL). */
  set(key: string, value: unknown, ttlSeconds?: number): Promise<void>;
  /** Removes `key`; resolves to true when something was removed. */
  delete(key: string): Promise<boolean>;
  /** Seconds until `key` expires; `undefined` when absent, `Infinity` when it never expires. */
  ttl(key: string): Promise<number | undefined>;
  /** Publishes a JSON message on `channel`; resolves to the number of receivers. */
  publish(channel: string, message: unknown): Promise<number>;
  /** Calls `handler` for every message on `channel` until the returned function is called. */
  subscribe(channel: string, handler: (message: unknown) => void): Promise<() => Promise<void>>;
  /** Releases connections and timers. */
  close(): Promise<void>;
}

/** Options shared by cache implementations. */
export interface CacheOptions {
  /** Default lifetime of an entry in seconds. */
  ttlSeconds: number;
  /**
   * Prefix for every key and channel (keeps several deployments apart on one Redis). Default
   * none: mts's keys and channels already carry their `mts:` prefix (`lib/streams/published.ts`).
   */
  namespace?: string;
}
