/**
 * A {@link TrialExecutor} over a BullMQ queue on Redis (`deno task optimize --queue`): the trials
 * become jobs that any number of `deno task worker` processes, on any host, run.
 *
 * 1. Each dataset of the batch is written once under `mts:dataset:<hash>` (TTL renewed).
 * 2. Every trial is added as a job with the id `<config hash>-<dataset hash>`
 *    (`trial_queue.ts`): a job that exists is not added again, so a trial some earlier sweep —
 *    anyone's — completed is read back from its kept job instead of being run, and one another
 *    sweep is running now is shared. A kept failed job is retried.
 * 3. Completions arrive through BullMQ's queue events (subscribed before anything is added, so
 *    none is missed); each result is read back from its completed job and decoded exactly. As a
 *    safety net (a dropped connection, a trimmed event stream) the unfinished jobs are also
 *    looked at every `pollMs`.
 * 4. The outcomes carry the sweep's trial ids; `runTrials` puts them in trial order, so the
 *    result is the same as with the local executors.
 *
 * A failed trial rejects the execution with its reason; an aborted signal rejects at once and
 * leaves the jobs to the workers (a rerun picks their results up).
 * @module
 */
import { Job, Queue, QueueEvents } from "bullmq";
import type { Redis } from "ioredis";
import { decodeTrialData, encodeTrialData } from "./trial_codec.ts";
import {
  connectRedis,
  datasetKey,
  type QueueSettings,
  trialJobData,
  trialJobId,
  trialJobOptions,
  type TrialJobResult,
} from "./trial_queue.ts";
import {
  checkBatch,
  type ExecuteHooks,
  type TrialBatch,
  type TrialExecutor,
  type TrialOutcome,
  type TrialSpec,
} from "./trials.ts";

/** Options of {@link queueExecutor}. */
export interface QueueExecutorOptions extends QueueSettings {
  /** How often unfinished jobs are looked at besides the events (default 2000 ms). */
  readonly pollMs?: number;
  /** Told things worth a line on the terminal (no worker connected yet). */
  readonly onNote?: (message: string) => void;
}

/** A queue executor; `reusedJobs` counts trials whose completed job existed before. */
export interface QueueExecutor extends TrialExecutor {
  readonly reusedJobs: number;
}

/** Entries kept in the queue's event stream. */
export const EVENTS_MAX_LEN = 1000;
/** Unfinished jobs looked at per poll. */
const POLL_BATCH = 500;

interface Connected {
  readonly queue: Queue;
  readonly events: QueueEvents;
  readonly clients: Redis[];
}

async function connect(options: QueueExecutorOptions): Promise<Connected> {
  const clients = [await connectRedis(options.url), await connectRedis(options.url)];
  // completed events carry the result (an equity curve): keep the event stream short, the
  // poll picks up anything trimmed before it was read
  const queue = new Queue(options.name, {
    connection: clients[0],
    streams: { events: { maxLen: EVENTS_MAX_LEN } },
  });
  const events = new QueueEvents(options.name, { connection: clients[1] });
  queue.on("error", () => {});
  events.on("error", () => {});
  await events.waitUntilReady();
  return { queue, events, clients };
}

/** The states of jobs, `ids.length` at a time in flight at most `width`. */
async function jobsOf(queue: Queue, ids: readonly string[], width = 64) {
  const out: (Job | undefined)[] = [];
  for (let i = 0; i < ids.length; i += width) {
    const part = await Promise.all(ids.slice(i, i + width).map((id) => Job.fromId(queue, id)));
    out.push(...part);
  }
  return out;
}

function outcomeOf(t: TrialSpec, returnvalue: unknown): TrialOutcome {
  if (typeof returnvalue !== "string") {
    throw new Error(`Cannot read trial ${t.id}: its completed job holds no result`);
  }
  const r = decodeTrialData<TrialJobResult>(returnvalue);
  return { ...r, id: t.id, params: t.params };
}

/** Creates the executor; it connects on the first `execute`. */
export function queueExecutor(options: QueueExecutorOptions): QueueExecutor {
  let conn: Promise<Connected> | undefined;
  let reusedJobs = 0;
  const connected = () => conn ??= connect(options);
  return {
    concurrency: 1,
    get reusedJobs() {
      return reusedJobs;
    },
    async execute(batch: TrialBatch, hooks: ExecuteHooks = {}): Promise<TrialOutcome[]> {
      checkBatch(batch);
      if (batch.trials.length === 0) return [];
      const { queue, events, clients } = await connected();
      for (const d of batch.datasets) {
        await clients[0].set(
          datasetKey(d.hash),
          encodeTrialData(d),
          "EX",
          options.datasetTtlSeconds,
        );
      }
      const byJob = new Map<string, TrialSpec[]>();
      for (const t of batch.trials) {
        const id = trialJobId(t);
        byJob.set(id, [...(byJob.get(id) ?? []), t]);
      }
      const results: TrialOutcome[] = [];
      const done = new Set<string>();
      return await new Promise<TrialOutcome[]>((resolve, reject) => {
        let settled = false;
        const finish = (e?: unknown) => {
          if (settled) return;
          settled = true;
          events.off("completed", onCompleted);
          events.off("failed", onFailed);
          clearInterval(poller);
          hooks.signal?.removeEventListener("abort", onAbort);
          if (e === undefined) resolve(results);
          else reject(e);
        };
        const complete = (jobId: string, returnvalue: unknown) => {
          if (settled || done.has(jobId)) return;
          done.add(jobId);
          try {
            for (const t of byJob.get(jobId)!) {
              const o = outcomeOf(t, returnvalue);
              results.push(o);
              hooks.onResult?.(o, results.length);
            }
          } catch (e) {
            return finish(e);
          }
          if (done.size === byJob.size) finish();
        };
        const onCompleted = ({ jobId }: { jobId: string }) => {
          if (!byJob.has(jobId) || done.has(jobId)) return;
          // the result is read back from the completed job, the one place it is kept
          Job.fromId(queue, jobId).then((job) => complete(jobId, job?.returnvalue), finish);
        };
        const onFailed = ({ jobId, failedReason }: { jobId: string; failedReason: string }) => {
          const t = byJob.get(jobId)?.[0];
          if (t) finish(new Error(`trial ${t.id} failed on a worker: ${failedReason}`));
        };
        const onAbort = () => finish(hooks.signal!.reason);
        // a safety net for events that never arrive (a dropped connection, a trimmed stream)
        let polling = false, enqueued = false;
        const poller = setInterval(() => {
          if (polling || settled || !enqueued) return;
          polling = true;
          const left = [...byJob.keys()].filter((id) => !done.has(id)).slice(0, POLL_BATCH);
          pollOnce(queue, left, complete, onFailed).catch(finish).finally(() => polling = false);
        }, options.pollMs ?? 2000);
        events.on("completed", onCompleted);
        events.on("failed", onFailed);
        if (hooks.signal?.aborted) return onAbort();
        hooks.signal?.addEventListener("abort", onAbort);
        enqueue(queue, byJob, options, {
          reused: (n) => reusedJobs += n,
          complete,
          onNote: options.onNote,
        }).then(() => enqueued = true, finish);
      });
    },
    async close() {
      const c = conn;
      conn = undefined;
      if (c) await disconnect(c);
    },
  };
}

/** Looks at unfinished jobs: completes the finished ones, fails on a failed one. */
async function pollOnce(
  queue: Queue,
  ids: readonly string[],
  complete: (jobId: string, returnvalue: unknown) => void,
  failed: (e: { jobId: string; failedReason: string }) => void,
): Promise<void> {
  const jobs = await jobsOf(queue, ids);
  jobs.forEach((job, k) => {
    if (job?.finishedOn && job.returnvalue != null) complete(ids[k], job.returnvalue);
    else if (job?.failedReason && job.finishedOn) {
      failed({ jobId: ids[k], failedReason: job.failedReason });
    }
  });
}

/** Closes the queue, its events and connections (a failed connect has nothing to close). */
async function disconnect(conn: Promise<Connected>): Promise<void> {
  const c = await conn.catch(() => undefined);
  if (!c) return;
  await c.events.close().catch(() => {});
  await c.queue.close().catch(() => {});
  for (const r of c.clients) await r.quit().catch(() => r.disconnect());
}

/** Adds the jobs, then completes those already done and retries those that failed before. */
async function enqueue(
  queue: Queue,
  byJob: Map<string, TrialSpec[]>,
  settings: QueueSettings,
  on: {
    reused: (n: number) => void;
    complete: (jobId: string, returnvalue: unknown) => void;
    onNote?: (message: string) => void;
  },
): Promise<void> {
  const ids = [...byJob.keys()];
  const started = Date.now();
  for (let i = 0; i < ids.length; i += 500) {
    await queue.addBulk(
      ids.slice(i, i + 500).map((id) => {
        const t = byJob.get(id)![0];
        return { name: "trial", data: trialJobData(t), opts: trialJobOptions(t, settings) };
      }),
    );
  }
  const jobs = await jobsOf(queue, ids);
  let reused = 0;
  for (const [k, job] of jobs.entries()) {
    if (!job) continue;
    if (job.finishedOn && job.returnvalue != null && !job.failedReason) {
      if (job.finishedOn < started) reused++;
      on.complete(ids[k], job.returnvalue);
    } else if (job.failedReason && (await job.getState()) === "failed") {
      await job.retry("failed");
    }
  }
  on.reused(reused);
  if (reused < ids.length && (await queue.getWorkersCount()) === 0) {
    on.onNote?.(
      `no worker is connected to queue "${settings.name}" yet: start one with deno task worker`,
    );
  }
}
