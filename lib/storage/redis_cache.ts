/**
 * Redis {@link Cache} through ioredis: JSON values with `SET … EX`, pub/sub on a second
 * connection (a subscribed Redis connection can do nothing else).
 * @module
 */
import { Redis } from "ioredis";
import type { Cache, CacheOptions } from "./cache.ts";

/** Options for {@link RedisCache.connect}. */
export interface RedisCacheOptions extends CacheOptions {
  /** Connection timeout in ms. */
  connectTimeoutMs?: number;
}

/** A cache on a Redis server. Create with {@link RedisCache.connect}. */
export class RedisCache implements Cache {
  readonly kind = "redis" as const;
  readonly #client: Redis;
  readonly #url: string;
  readonly #ttl: number;
  readonly #ns: string;
  #sub?: Redis;
  readonly #handlers = new Map<string, Set<(m: unknown) => void>>();

  private constructor(client: Redis, url: string, options: RedisCacheOptions) {
    this.#client = client;
    this.#url = url;
    this.#ttl = options.ttlSeconds;
    this.#ns = options.namespace ?? "";
  }

  /**
   * Connects to `url` (`redis://host:port/db`) and checks the server answers. Rejects with a
   * message that names the host (never the password) when it cannot.
   */
  static async connect(url: string, options: RedisCacheOptions): Promise<RedisCache> {
    if (!(options.ttlSeconds > 0)) {
      throw new RangeError("Cannot create cache: ttlSeconds must be > 0");
    }
    const client = RedisCache.#open(url, options);
    try {
      await client.connect();
      await client.ping();
    } catch (e) {
      client.disconnect();
      const where = url.replace(/\/\/[^@/]*@/, "//");
      throw new Error(`Cannot connect to Redis at ${where}: ${(e as Error).message}`);
    }
    return new RedisCache(client, url, options);
  }

  static #open(url: string, options: RedisCacheOptions): Redis {
    const client = new Redis(url, {
      lazyConnect: true,
      connectTimeout: options.connectTimeoutMs ?? 3000,
      maxRetriesPerRequest: 2,
      enableOfflineQueue: true,
      retryStrategy: (times: number) => (times > 5 ? null : Math.min(times * 200, 1000)),
    });
    // Connection errors surface through the rejected commands; without a listener ioredis would
    // also print every reconnect failure as an "unhandled error event".
    client.on("error", () => {});
    return client;
  }

  async get<T = unknown>(key: string): Promise<T | undefined> {
    const raw = await this.#client.get(this.#ns + key);
    return raw === null ? undefined : (JSON.parse(raw) as T);
  }

  async set(key: string, value: unknown, ttlSeconds = this.#ttl): Promise<void> {
    if (!(ttlSeconds > 0)) throw new RangeError(`Cannot cache ${key}: ttl must be > 0`);
    await this.#client.set(this.#ns + key, JSON.stringify(value), "EX", Math.ceil(ttlSeconds));
  }

  async delete(key: string): Promise<boolean> {
    return (await this.#client.del(this.#ns + key)) > 0;
  }

  async ttl(key: string): Promise<number | undefined> {
    const t = await this.#client.ttl(this.#ns + key);
    if (t === -2) return undefined;
    return t === -1 ? Infinity : t;
  }

  publish(channel: string, message: unknown): Promise<number> {
    return this.#client.publish(this.#ns + channel, JSON.stringify(message));
  }

  async subscribe(
    channel: string,
    handler: (message: unknown) => void,
  ): Promise<() => Promise<void>> {
    if (!this.#sub) {
      this.#sub = RedisCache.#open(this.#url, { ttlSeconds: this.#ttl });
      await this.#sub.connect();
      this.#sub.on("message", (ch: string, raw: string) => {
        const hs = this.#handlers.get(ch);
        if (!hs) return;
        let msg: unknown;
        try {
          msg = JSON.parse(raw);
        } catch {
          msg = raw;
        }
        for (const h of hs) h(msg);
      });
    }
    const full = this.#ns + channel;
    let hs = this.#handlers.get(full);
    if (!hs) {
      this.#handlers.set(full, hs = new Set());
      await this.#sub.subscribe(full);
    }
    hs.add(handler);
    return async () => {
      hs.delete(handler);
      if (hs.size === 0) {
        this.#handlers.delete(full);
        await this.#sub?.unsubscribe(full);
      }
    };
  }

  async close(): Promise<void> {
    await this.#sub?.quit().catch(() => this.#sub?.disconnect());
    await this.#client.quit().catch(() => this.#client.disconnect());
  }
}
