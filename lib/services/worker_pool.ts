/**
 * A {@link TrialExecutor} over a pool of Web Workers, each running the trial worker script
 * (`workers/optimize_worker.ts`, which serves `trial_worker.ts`).
 *
 * - The trials are cut into chunks (a few per worker, so that a slow chunk does not hold up the
 *   end); an idle worker takes the next chunk.
 * - Before a worker gets its first trial on a dataset, it is sent that dataset once; it keeps it
 *   by hash for the rest of the pool's life (across `execute` calls).
 * - Outcomes arrive in completion order; `runTrials` puts them back in trial order, so the result
 *   does not depend on the number of workers.
 * - A failing trial (or worker) rejects the execution with its message; an aborted signal stops
 *   handing out chunks and rejects. `close()` terminates the workers.
 * @module
 */
import type { FromWorker, ToWorker } from "./trial_worker.ts";
import {
  checkBatch,
  type ExecuteHooks,
  type TrialBatch,
  type TrialExecutor,
  type TrialOutcome,
  type TrialSpec,
} from "./trials.ts";

/** Options of {@link workerPoolExecutor}. */
export interface WorkerPoolOptions {
  /** Number of workers (≥ 1). */
  readonly workers: number;
  /** The worker entry script. */
  readonly url: URL | string;
  /** Trials per chunk (default: about a quarter of an even share, 1 … 64). */
  readonly chunk?: number;
}

interface PoolWorker {
  readonly worker: Worker;
  readonly datasets: Set<string>;
}

function chunksOf(trials: readonly TrialSpec[], size: number): TrialSpec[][] {
  const out: TrialSpec[][] = [];
  for (let i = 0; i < trials.length; i += size) out.push(trials.slice(i, i + size));
  return out;
}

/** Creates the pool; workers start on the first `execute`. */
export function workerPoolExecutor(options: WorkerPoolOptions): TrialExecutor {
  if (!Number.isInteger(options.workers) || options.workers < 1) {
    throw new RangeError(`Cannot start a worker pool: workers must be ≥ 1, got ${options.workers}`);
  }
  const pool: PoolWorker[] = [];
  const start = () => {
    while (pool.length < options.workers) {
      pool.push({
        worker: new Worker(options.url, { type: "module" }),
        datasets: new Set(),
      });
    }
  };
  return {
    concurrency: options.workers,
    execute(batch: TrialBatch, hooks: ExecuteHooks = {}): Promise<TrialOutcome[]> {
      const byHash = checkBatch(batch);
      if (batch.trials.length === 0) return Promise.resolve([]);
      start();
      const share = Math.ceil(batch.trials.length / options.workers);
      const size = options.chunk ?? Math.max(1, Math.min(64, Math.ceil(share / 4)));
      const queue = chunksOf(batch.trials, size);
      const results: TrialOutcome[] = [];
      return new Promise((resolve, reject) => {
        let active = 0, failed = false;
        const fail = (e: unknown) => {
          if (failed) return;
          failed = true;
          // Chunks still in flight would answer a later execution: start afresh instead.
          for (const p of pool) p.worker.terminate();
          pool.length = 0;
          reject(e);
        };
        const send = (p: PoolWorker, msg: ToWorker) => p.worker.postMessage(msg);
        const next = (p: PoolWorker) => {
          if (failed) return;
          if (hooks.signal?.aborted) return fail(hooks.signal.reason);
          const chunk = queue.shift();
          if (!chunk) {
            if (active === 0) resolve(results);
            return;
          }
          active++;
          for (const t of chunk) {
            if (p.datasets.has(t.datasetHash)) continue;
            send(p, { type: "dataset", dataset: byHash.get(t.datasetHash)! });
            p.datasets.add(t.datasetHash);
          }
          send(p, { type: "run", trials: chunk });
        };
        for (const p of pool) {
          p.worker.onmessage = (e: MessageEvent<FromWorker>) => {
            active--;
            const msg = e.data;
            if (msg.type === "error") return fail(new Error(msg.message));
            for (const o of msg.outcomes) {
              results.push(o);
              hooks.onResult?.(o, results.length);
            }
            next(p);
          };
          p.worker.onerror = (e: ErrorEvent) => {
            e.preventDefault();
            fail(new Error(`optimisation worker failed: ${e.message}`));
          };
        }
        for (const p of pool) next(p);
      });
    },
    close() {
      for (const p of pool) p.worker.terminate();
      pool.length = 0;
      return Promise.resolve();
    },
  };
}
