/**
 * The worker side of distributed sweeps (`deno task worker`): a BullMQ worker on the trial queue
 * that runs each job's trial in one of `concurrency` Web Worker threads (the optimiser's trial
 * worker script), so that trials run in parallel and the main thread stays free to renew the
 * job locks.
 *
 * - Datasets are read from Redis (`mts:dataset:<hash>`) once per hash and kept in memory (the
 *   last {@link DATASET_MEMO} hashes); each thread is sent a dataset once.
 * - Locks: a job's lock lasts `lockDurationMs` and is renewed every half of it; every
 *   `stalledIntervalMs` the workers look for active jobs whose lock expired (a worker killed
 *   with SIGKILL) and put them back in the queue, up to {@link MAX_STALLED} times per job.
 * - `close()` stops taking jobs, waits for the running trials to finish and report (BullMQ's
 *   `worker.close()`), then ends the threads and connections; `close(true)` does not wait — the
 *   running jobs' locks expire and another worker takes them.
 * @module
 */
import { Worker } from "bullmq";
import type { Redis } from "ioredis";
import type { FromWorker, ToWorker } from "./trial_worker.ts";
import { decodeTrialData, encodeTrialData } from "./trial_codec.ts";
import { connectRedis, datasetKey, type TrialJobData, type TrialJobResult } from "./trial_queue.ts";
import type { TrialDataset, TrialOutcome } from "./trials.ts";

/** Datasets kept in memory. */
export const DATASET_MEMO = 4;
/** How often a job may stall (its worker died) before it is failed. */
export const MAX_STALLED = 10;

/** Options of {@link startTrialWorker}. */
export interface TrialWorkerOptions {
  readonly url: string;
  readonly queueName: string;
  /** Trials at once (threads). */
  readonly concurrency: number;
  /** The trial thread's entry script (`workers/optimize_worker.ts`). */
  readonly threadUrl: URL | string;
  readonly lockDurationMs: number;
  readonly stalledIntervalMs: number;
  /** Called on a job that failed and on connection errors (for the log). */
  readonly onError?: (message: string) => void;
}

/** A running worker. */
export interface TrialWorker {
  /** Trials finished by this process. */
  readonly processed: number;
  /** Datasets read from Redis by this process. */
  readonly datasetsLoaded: number;
  /** Rejects when a trial thread dies (its script cannot load, it runs out of memory). */
  readonly failed: Promise<never>;
  /** See the module doc. */
  close(force?: boolean): Promise<void>;
}

interface Slot {
  readonly thread: globalThis.Worker;
  readonly datasets: Set<string>;
  pending?: { resolve: (o: TrialOutcome) => void; reject: (e: Error) => void };
}

function startSlot(url: URL | string, onFatal: (e: Error) => void): Slot {
  const slot: Slot = {
    thread: new globalThis.Worker(url, { type: "module" }),
    datasets: new Set(),
  };
  slot.thread.onmessage = (e: MessageEvent<FromWorker>) => {
    const p = slot.pending;
    slot.pending = undefined;
    if (e.data.type === "error") p?.reject(new Error(e.data.message));
    else p?.resolve(e.data.outcomes[0]);
  };
  slot.thread.onerror = (e: ErrorEvent) => {
    e.preventDefault();
    const p = slot.pending;
    slot.pending = undefined;
    const err = new Error(`trial thread failed: ${e.message}`);
    p?.reject(err);
    onFatal(err);
  };
  return slot;
}

/** Runs one trial on a free slot. */
function runOn(slot: Slot, dataset: TrialDataset, data: TrialJobData): Promise<TrialOutcome> {
  return new Promise((resolve, reject) => {
    slot.pending = { resolve, reject };
    if (!slot.datasets.has(dataset.hash)) {
      slot.thread.postMessage({ type: "dataset", dataset } satisfies ToWorker);
      slot.datasets.add(dataset.hash);
    }
    slot.thread.postMessage({ type: "run", trials: [{ id: 0, ...data }] } satisfies ToWorker);
  });
}

/** Connects and starts taking jobs (see the module doc). */
export async function startTrialWorker(options: TrialWorkerOptions): Promise<TrialWorker> {
  const data = await connectRedis(options.url);
  const bull = await connectRedis(options.url).catch((e) => {
    data.disconnect();
    throw e;
  });
  const failed = Promise.withResolvers<never>();
  failed.promise.catch(() => {});
  const slots = Array.from(
    { length: options.concurrency },
    () => startSlot(options.threadUrl, failed.reject),
  );
  const free = [...slots];
  const waiting: ((s: Slot) => void)[] = [];
  const acquire = () =>
    free.length ? Promise.resolve(free.pop()!) : new Promise<Slot>((r) => waiting.push(r));
  const release = (s: Slot) => {
    const next = waiting.shift();
    if (next) next(s);
    else free.push(s);
  };
  const memo = new Map<string, Promise<TrialDataset>>();
  let processed = 0, datasetsLoaded = 0;
  const dataset = (hash: string) => {
    let p = memo.get(hash);
    if (!p) {
      p = loadDataset(data, hash).then((d) => (datasetsLoaded++, d));
      p.catch(() => memo.delete(hash));
      memo.set(hash, p);
      if (memo.size > DATASET_MEMO) memo.delete(memo.keys().next().value!);
    }
    return p;
  };
  const worker = new Worker<TrialJobData, string>(
    options.queueName,
    async (job) => {
      const ds = await dataset(job.data.datasetHash);
      const slot = await acquire();
      try {
        const { id: _id, params: _params, ...result } = await runOn(slot, ds, job.data);
        processed++;
        return encodeTrialData(result satisfies TrialJobResult);
      } finally {
        release(slot);
      }
    },
    {
      connection: bull,
      concurrency: options.concurrency,
      lockDuration: options.lockDurationMs,
      stalledInterval: options.stalledIntervalMs,
      maxStalledCount: MAX_STALLED,
      autorun: false,
    },
  );
  worker.on("error", (e) => options.onError?.(`queue: ${e.message}`));
  worker.on("failed", (job, e) => options.onError?.(`job ${job?.id} failed: ${e.message}`));
  worker.run().catch((e) => options.onError?.(`queue: ${(e as Error).message}`));
  await worker.waitUntilReady();
  return {
    failed: failed.promise,
    get processed() {
      return processed;
    },
    get datasetsLoaded() {
      return datasetsLoaded;
    },
    async close(force = false) {
      await worker.close(force);
      for (const s of slots) s.thread.terminate();
      for (const c of [bull, data]) await c.quit().catch(() => c.disconnect());
    },
  };
}

async function loadDataset(client: Redis, hash: string): Promise<TrialDataset> {
  const text = await client.get(datasetKey(hash));
  if (text === null) {
    throw new Error(
      `dataset ${hash} is not in Redis (${datasetKey(hash)} expired or was never written): ` +
        "rerun the sweep with deno task optimize --queue",
    );
  }
  const d = decodeTrialData<TrialDataset>(text);
  if (d.hash !== hash) throw new Error(`dataset under ${datasetKey(hash)} is ${d.hash}`);
  return d;
}
