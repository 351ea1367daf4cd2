/**
 * The worker side of the Web Worker pool (`worker_pool.ts`): keeps each dataset it is sent,
 * by hash, for every later trial, and answers each chunk of trials with their outcomes (the
 * equity curves transferred, not copied). The entry script (`workers/optimize_worker.ts`)
 * passes the strategy registry, since `lib/` never imports `strategies/`.
 *
 * Messages in: `{ type: "dataset", dataset }`, `{ type: "run", trials }`.
 * Messages out: `{ type: "results", outcomes }` or `{ type: "error", message }`.
 * @module
 */
import type { StrategyRegistry } from "../signals/registry.ts";
import { runTrial, type TrialDataset, type TrialOutcome, type TrialSpec } from "./trials.ts";

/** A message to a trial worker. */
export type ToWorker =
  | { readonly type: "dataset"; readonly dataset: TrialDataset }
  | { readonly type: "run"; readonly trials: readonly TrialSpec[] };

/** A message from a trial worker. */
export type FromWorker =
  | { readonly type: "results"; readonly outcomes: readonly TrialOutcome[] }
  | { readonly type: "error"; readonly message: string };

/** The part of a worker's global scope the server uses. */
export interface WorkerPort {
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
}

/** Serves trials on `port` with strategies from `registry`. */
export function serveTrials(registry: StrategyRegistry, port: WorkerPort): void {
  const datasets = new Map<string, TrialDataset>();
  port.onmessage = (event) => {
    const msg = event.data;
    if (msg.type === "dataset") {
      datasets.set(msg.dataset.hash, msg.dataset);
      return;
    }
    try {
      const outcomes = msg.trials.map((t) => {
        const d = datasets.get(t.datasetHash);
        if (!d) throw new RangeError(`Cannot run trial ${t.id}: dataset not loaded`);
        return runTrial(registry, d, t);
      });
      port.postMessage(
        { type: "results", outcomes },
        outcomes.map((o) => o.equity.buffer as ArrayBuffer),
      );
    } catch (e) {
      port.postMessage({ type: "error", message: (e as Error).message ?? String(e) });
    }
  };
}
