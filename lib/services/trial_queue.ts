/**
 * What `deno task optimize --queue` and `deno task worker` agree on: the BullMQ queue of trials,
 * the job id of a trial, the Redis key of a dataset, the job retention, and the connection.
 *
 * - A job's id is `<config hash>-<dataset hash>`: the config hash is the SHA-256 of the engine
 *   version, strategy, complete parameters and execution settings, the dataset hash names the
 *   data ({@link datasetHash}). Adding a job whose id exists adds nothing, so an identical trial
 *   is run once across sweeps, users and reruns while its completed job is kept.
 * - A dataset is stored once under `mts:dataset:<hash>` ({@link encodeTrialData}) with a TTL that
 *   every sweep using it renews; workers read it once per hash and keep it in memory.
 * @module
 */
import { Redis } from "ioredis";
import type { ResolvedConfig } from "../config/config.ts";
import { ConfigError } from "../core/errors.ts";
import { missingNetPermissions } from "../net/permissions.ts";
import { redactSecrets } from "../core/redact.ts";
import { ENGINE_VERSION } from "../engine/engine.ts";
import { canonicalJson, sha256Hex } from "../engine/hash.ts";
import type { TrialExec, TrialOutcome, TrialSpec } from "./trials.ts";

/** The data of a trial job (a trial without its position in a sweep). */
export interface TrialJobData {
  readonly strategy: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly exec: TrialExec;
  readonly datasetHash: string;
}

/** What a worker returns for a job: the outcome without the sweep's id and params. */
export type TrialJobResult = Omit<TrialOutcome, "id" | "params">;

/** The Redis key of a dataset. */
export function datasetKey(hash: string): string {
  return `mts:dataset:${hash}`;
}

/** The config hash of a trial: everything its result depends on but the data. */
export function trialConfigHash(t: TrialJobData): string {
  return sha256Hex(canonicalJson({
    engineVersion: ENGINE_VERSION,
    strategy: t.strategy,
    params: t.params,
    exec: t.exec,
  }));
}

/** The job id of a trial: `<config hash>-<dataset hash>`. */
export function trialJobId(t: TrialSpec | TrialJobData): string {
  return `${trialConfigHash(t)}-${t.datasetHash}`;
}

/** The job data of a trial. */
export function trialJobData(t: TrialSpec): TrialJobData {
  return { strategy: t.strategy, params: t.params, exec: t.exec, datasetHash: t.datasetHash };
}

/** Where the queue lives and how long its entries are kept. */
export interface QueueSettings {
  /** `redis://host:port/db`. */
  readonly url: string;
  /** The BullMQ queue name (QUEUE_NAME). */
  readonly name: string;
  /** Completed jobs are kept this long, in seconds (QUEUE_RETENTION_DAYS). */
  readonly retentionSeconds: number;
  /** Lifetime of a dataset entry, renewed by every sweep that uses it (QUEUE_DATASET_TTL). */
  readonly datasetTtlSeconds: number;
}

/** At most this many completed jobs are kept, whatever their age. */
export const MAX_COMPLETED_JOBS = 1_000_000;

/** The job options of a trial: its id and the documented retention. */
export function trialJobOptions(t: TrialSpec, settings: QueueSettings) {
  return {
    jobId: trialJobId(t),
    removeOnComplete: { age: settings.retentionSeconds, count: MAX_COMPLETED_JOBS },
    // a failed trial is kept a day for inspection; a later sweep retries it
    removeOnFail: { age: 86_400 },
    attempts: 1,
  };
}

/** The URL without its password, for messages. */
export function shownUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, "//");
}

/**
 * Opens an ioredis connection for BullMQ (`maxRetriesPerRequest: null`, as its blocking
 * commands need) and checks the server answers; rejects with a message naming the host, never
 * the password.
 */
export async function connectRedis(url: string, options: { timeoutMs?: number } = {}) {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: options.timeoutMs ?? 3000,
    maxRetriesPerRequest: null,
    retryStrategy: (times: number) => Math.min(times * 200, 2000),
  });
  // failures surface through the commands; without a listener ioredis prints each reconnect
  client.on("error", () => {});
  try {
    await withTimeout(client.connect().then(() => client.ping()), options.timeoutMs ?? 3000);
  } catch (e) {
    client.disconnect();
    const why = redactSecrets((e as Error).message ?? String(e));
    throw new Error(`Cannot connect to Redis at ${shownUrl(url)}: ${why}`);
  }
  return client;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/**
 * The queue settings of the configuration, for `task`. REDIS_URL unset, or its host not granted
 * by the task's permission set, is a configuration error that says what to do.
 */
export async function queueSettingsOf(
  config: ResolvedConfig,
  task: string,
): Promise<QueueSettings> {
  const url = config.redis.url;
  if (!url) {
    throw new ConfigError(
      `REDIS_URL is not set: ${task} needs the Redis server of the trial queue ` +
        "(REDIS_URL=redis://host:6379/0; see docs/scaling.md)",
      "REDIS_URL",
    );
  }
  const missing = await missingNetPermissions([{ variable: "REDIS_URL", url }]);
  if (missing.length) throw new ConfigError(missing[0], "REDIS_URL");
  return {
    url,
    name: config.queue.name,
    retentionSeconds: config.queue.retentionDays * 86_400,
    datasetTtlSeconds: config.queue.datasetTtlSeconds,
  };
}
