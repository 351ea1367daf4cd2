/**
 * Publishes a task's events for the API server (`lib/services/published_events.ts`) on Redis
 * (`EVENT_CHANNELS`), when `REDIS_URL` is set: `deno task signals`, `collect`, `macro` and
 * `schedule` running as their own processes reach `serve`'s WebSocket clients this way. Without
 * `REDIS_URL` there is nobody to tell (the memory cache is this process's own): nothing is
 * published and nothing fails. Events are notifications, not data: when Redis cannot be reached
 * (the host not granted, the server down) the task warns once and carries on — what it
 * collected or decided is in the database either way.
 * @module
 */
import type { ResolvedConfig } from "../config/config.ts";
import { missingNetPermissions } from "../net/permissions.ts";
import type { Cache } from "../storage/cache.ts";
import { RedisCache } from "../storage/redis_cache.ts";
import { EVENT_CHANNELS } from "../streams/published.ts";
import type { EventSink } from "./published_events.ts";

/** An open publisher. */
export interface EventPublisher {
  /** Where the task sends its events. */
  readonly sink: EventSink;
  /** True when events go to Redis. */
  readonly enabled: boolean;
  /** Waits for the events sent so far, then closes the connection. */
  close(): Promise<void>;
}

/** Options of {@link openEventPublisher}. */
export interface EventPublisherOptions {
  /** Told once why events are not published (Redis set but unreachable). */
  readonly warn: (message: string) => void;
  /** Opens the Redis connection (tests replace it). */
  readonly connect?: (url: string) => Promise<Cache>;
}

const NONE: EventPublisher = { sink: () => {}, enabled: false, close: () => Promise.resolve() };

/** `redis://host:port`: the host and port to check the permission of (6379 when not given). */
function redisHostUrl(url: string): string {
  const u = new URL(url);
  return `http://${u.hostname.includes(":") ? `[${u.hostname}]` : u.hostname}:${u.port || 6379}`;
}

/** Opens the publisher of `config` (see the module doc); never rejects. */
export async function openEventPublisher(
  config: ResolvedConfig,
  o: EventPublisherOptions,
): Promise<EventPublisher> {
  const url = config.redis.url;
  if (!url) return NONE;
  const denied = await missingNetPermissions([{ variable: "REDIS_URL", url: redisHostUrl(url) }]);
  if (denied.length) {
    o.warn(
      `events not published: ${denied[0].replace(/; add it to.*$/, "")}; grant it with ` +
        '--allow-net=<host>:<port> (docs/service.md, "Events from other processes")',
    );
    return NONE;
  }
  let cache: Cache;
  try {
    cache = await (o.connect ??
      ((u) => RedisCache.connect(u, { ttlSeconds: config.redis.ttlSeconds })))(url);
  } catch (e) {
    o.warn(`events not published: ${(e as Error).message}`);
    return NONE;
  }
  const pending = new Set<Promise<unknown>>();
  let warned = false;
  return {
    enabled: true,
    sink: (channel, event) => {
      const p = cache.publish(EVENT_CHANNELS[channel], event).catch((e) => {
        if (!warned) o.warn(`events not published: ${(e as Error).message}`);
        warned = true;
      }).finally(() => pending.delete(p));
      pending.add(p);
    },
    close: async () => {
      await Promise.allSettled([...pending]);
      await cache.close();
    },
  };
}
