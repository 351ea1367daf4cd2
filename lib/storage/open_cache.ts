/**
 * Chooses the cache implementation from configuration: Redis when REDIS_URL is set, otherwise
 * the in-process memory cache.
 * @module
 */
import type { Cache } from "./cache.ts";
import { MemoryCache } from "./memory_cache.ts";
import { RedisCache } from "./redis_cache.ts";

/** Opens the configured cache. A set but unreachable REDIS_URL is an error, not a silent fallback. */
export function openCache(options: { url?: string; ttlSeconds: number }): Promise<Cache> {
  if (options.url) return RedisCache.connect(options.url, { ttlSeconds: options.ttlSeconds });
  return Promise.resolve(new MemoryCache({ ttlSeconds: options.ttlSeconds }));
}
