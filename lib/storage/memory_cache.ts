/**
 * In-process {@link Cache}: a Map with lazy expiry and local pub/sub. The default when REDIS_URL
 * is unset.
 * @module
 */
import type { Cache, CacheOptions } from "./cache.ts";

/** Options for {@link MemoryCache}. */
export interface MemoryCacheOptions extends CacheOptions {
  /** Clock in ms (tests pass a fake one). */
  now?: () => number;
  /** Most entries kept; the oldest-inserted are dropped beyond it. */
  maxEntries?: number;
}

/** A Map-backed cache with expiry; values are stored as JSON so callers never share objects. */
export class MemoryCache implements Cache {
  readonly kind = "memory" as const;
  readonly #entries = new Map<string, { json: string; expiresAt: number }>();
  readonly #subs = new Map<string, Set<(m: unknown) => void>>();
  readonly #now: () => number;
  readonly #ttl: number;
  readonly #max: number;

  constructor(options: MemoryCacheOptions) {
    if (!(options.ttlSeconds > 0)) {
      throw new RangeError("Cannot create cache: ttlSeconds must be > 0");
    }
    this.#now = options.now ?? Date.now;
    this.#ttl = options.ttlSeconds;
    this.#max = options.maxEntries ?? 100_000;
  }

  #live(key: string) {
    const e = this.#entries.get(key);
    if (e && e.expiresAt <= this.#now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return e;
  }

  get<T = unknown>(key: string): Promise<T | undefined> {
    const e = this.#live(key);
    return Promise.resolve(e ? (JSON.parse(e.json) as T) : undefined);
  }

  set(key: string, value: unknown, ttlSeconds = this.#ttl): Promise<void> {
    if (!(ttlSeconds > 0)) {
      return Promise.reject(new RangeError(`Cannot cache ${key}: ttl must be > 0`));
    }
    this.#entries.delete(key);
    this.#entries.set(key, {
      json: JSON.stringify(value),
      expiresAt: this.#now() + ttlSeconds * 1000,
    });
    while (this.#entries.size > this.#max) {
      this.#entries.delete(this.#entries.keys().next().value as string);
    }
    return Promise.resolve();
  }

  delete(key: string): Promise<boolean> {
    const had = this.#live(key) !== undefined;
    this.#entries.delete(key);
    return Promise.resolve(had);
  }

  ttl(key: string): Promise<number | undefined> {
    const e = this.#live(key);
    return Promise.resolve(e ? Math.ceil((e.expiresAt - this.#now()) / 1000) : undefined);
  }

  publish(channel: string, message: unknown): Promise<number> {
    const subs = this.#subs.get(channel);
    if (!subs) return Promise.resolve(0);
    const json = JSON.stringify(message);
    for (const h of subs) queueMicrotask(() => h(JSON.parse(json)));
    return Promise.resolve(subs.size);
  }

  subscribe(channel: string, handler: (message: unknown) => void): Promise<() => Promise<void>> {
    let subs = this.#subs.get(channel);
    if (!subs) this.#subs.set(channel, subs = new Set());
    subs.add(handler);
    return Promise.resolve(() => {
      subs.delete(handler);
      return Promise.resolve();
    });
  }

  close(): Promise<void> {
    this.#entries.clear();
    this.#subs.clear();
    return Promise.resolve();
  }
}
