/**
 * {@link LeaderLock} on Redis: `SET key token NX PX ttl` takes the lock, a compare-and-expire
 * script renews it and a compare-and-delete script releases it, so an instance can only ever
 * extend or drop its own hold — never one another instance took after its own expired.
 *
 * Why not `redis-semaphore`: its `Mutex` is this same SET NX PX with a refresh timer, plus
 * acquisition retry loops the scheduler does not want (a standby simply tries again at its next
 * beat), so the three commands below are all of it that would be used — without a dependency.
 * @module
 */
import { Redis } from "ioredis";
import type { LeaderLock } from "./leader_lock.ts";

/** Compare-and-expire: extends the key only while it holds our token. */
const RENEW = `if redis.call("get", KEYS[1]) == ARGV[1] then
  return redis.call("pexpire", KEYS[1], ARGV[2])
end
return 0`;

/** Compare-and-delete: removes the key only while it holds our token. */
const RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then
  return redis.call("del", KEYS[1])
end
return 0`;

/** Options of {@link RedisLeaderLock.connect}. */
export interface RedisLeaderLockOptions {
  /** The lock's key (default `mts:scheduler:leader`). */
  readonly key?: string;
  /** Connection timeout, ms (default 3000). */
  readonly connectTimeoutMs?: number;
}

/** A leader lock on a Redis server. Create with {@link RedisLeaderLock.connect}. */
export class RedisLeaderLock implements LeaderLock {
  readonly id = crypto.randomUUID();
  readonly #client: Redis;
  readonly #key: string;

  private constructor(client: Redis, key: string) {
    this.#client = client;
    this.#key = key;
  }

  /**
   * Connects to `url` and checks the server answers; rejects with a message naming the host
   * (never a password) when it cannot. The connection reconnects by itself afterwards; while it
   * is down, every call fails at once (the holder then stops leading: it cannot prove it holds
   * the lock).
   */
  static async connect(
    url: string,
    options: RedisLeaderLockOptions = {},
  ): Promise<RedisLeaderLock> {
    const client = new Redis(url, {
      lazyConnect: true,
      connectTimeout: options.connectTimeoutMs ?? 3_000,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      // keep reconnecting for as long as the process runs: a standby must see the lock again
      retryStrategy: (times: number) => Math.min(times * 200, 2_000),
    });
    client.on("error", () => {}); // failures surface through the rejected commands
    try {
      await client.connect();
      await client.ping();
    } catch (e) {
      client.disconnect();
      const where = url.replace(/\/\/[^@/]*@/, "//");
      throw new Error(`Cannot connect to Redis at ${where}: ${(e as Error).message}`);
    }
    return new RedisLeaderLock(client, options.key ?? "mts:scheduler:leader");
  }

  async acquire(ttlMs: number): Promise<boolean> {
    const set = await this.#client.set(this.#key, this.id, "PX", ttlMs, "NX");
    if (set === "OK") return true;
    return await this.renew(ttlMs);
  }

  async renew(ttlMs: number): Promise<boolean> {
    return Number(await this.#client.eval(RENEW, 1, this.#key, this.id, String(ttlMs))) === 1;
  }

  async release(): Promise<void> {
    await this.#client.eval(RELEASE, 1, this.#key, this.id);
  }

  async close(): Promise<void> {
    try {
      await this.#client.quit();
    } catch {
      this.#client.disconnect();
    }
  }
}
