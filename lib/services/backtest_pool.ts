/**
 * A bounded pool of Web Workers running {@link computeBacktest} (`API_BACKTEST_WORKERS`): the
 * API server hands each `POST /backtest` its engine run here, so its own thread keeps answering
 * (`/health` stays fast during a long backtest). At most `size` runs at once; more wait their
 * turn in order. Workers start on demand and stay for the next run; a worker that dies fails its
 * run and is replaced. The worker's errors come back as the same classes (RangeError, DataError,
 * …) so that the routes map them to the same statuses as a run on this thread.
 *
 * The worker script (`workers/backtest_worker.ts`) is an edge like a task: it hands the shipped
 * strategies to {@link serveBacktests} (`lib/` never imports `strategies/`).
 * @module
 */
import { ConfigError, DataError, DataGapError, UsageError } from "../core/errors.ts";
import type { StrategyRegistry } from "../signals/registry.ts";
import {
  type BacktestCompute,
  type BacktestComputeOutput,
  type BacktestComputeRequest,
  computeBacktest,
} from "./backtest_compute.ts";

/** A request to the worker. */
export interface ToBacktestWorker {
  readonly id: number;
  readonly request: BacktestComputeRequest;
}

/** The worker's answer. */
export type FromBacktestWorker =
  | { readonly id: number; readonly ok: true; readonly output: BacktestComputeOutput }
  | { readonly id: number; readonly ok: false; readonly name: string; readonly message: string };

/** The worker side of the port (`self` in the worker script). */
export interface BacktestWorkerPort {
  onmessage: ((event: MessageEvent<ToBacktestWorker>) => void) | null;
  postMessage(message: FromBacktestWorker): void;
}

/** Serves backtests on `port` with the strategies of `registry` (the worker script calls it). */
export function serveBacktests(registry: StrategyRegistry, port: BacktestWorkerPort): void {
  port.onmessage = (event) => {
    const { id, request } = event.data;
    try {
      port.postMessage({ id, ok: true, output: computeBacktest(registry, request) });
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      port.postMessage({ id, ok: false, name: err.name, message: err.message });
    }
  };
}

/** The error a worker reported, as its class. */
export function reviveError(name: string, message: string): Error {
  switch (name) {
    case "RangeError":
      return new RangeError(message);
    case "TypeError":
      return new TypeError(message);
    case "DataError":
      return new DataError(message);
    case "DataGapError":
      return new DataGapError(message);
    case "ConfigError":
      return new ConfigError(message);
    case "UsageError":
      return new UsageError(message);
    default:
      return Object.assign(new Error(message), { name });
  }
}

interface Slot {
  readonly worker: Worker;
  busy: boolean;
  /** The run it is on. */
  job?: Waiting;
}

interface Waiting {
  readonly request: BacktestComputeRequest;
  readonly resolve: (o: BacktestComputeOutput) => void;
  readonly reject: (e: Error) => void;
}

/** Options of {@link BacktestPool}. */
export interface BacktestPoolOptions {
  /** Runs at once (≥ 1). */
  readonly size: number;
  /** The worker script (`workers/backtest_worker.ts`). */
  readonly url: URL | string;
}

/** See the module documentation. */
export class BacktestPool {
  readonly #o: BacktestPoolOptions;
  readonly #slots: Slot[] = [];
  readonly #queue: Waiting[] = [];
  #next = 1;
  #closed = false;

  /** A pool of at most `size` workers; none starts before the first run. */
  constructor(options: BacktestPoolOptions) {
    if (!Number.isInteger(options.size) || options.size < 1) {
      throw new RangeError(`Cannot start a backtest pool: size must be ≥ 1, got ${options.size}`);
    }
    this.#o = options;
  }

  /** Runs waiting for a free worker. */
  get waiting(): number {
    return this.#queue.length;
  }

  /** Runs in progress. */
  get running(): number {
    return this.#slots.filter((s) => s.busy).length;
  }

  /** The pool as a {@link BacktestCompute}. */
  readonly compute: BacktestCompute = (request) =>
    new Promise((resolve, reject) => {
      if (this.#closed) return reject(new Error("Cannot run a backtest: the pool is closed"));
      this.#queue.push({ request, resolve, reject });
      this.#dispatch();
    });

  #dispatch(): void {
    while (this.#queue.length) {
      let slot = this.#slots.find((s) => !s.busy);
      if (!slot && this.#slots.length < this.#o.size) {
        slot = { worker: new Worker(this.#o.url, { type: "module" }), busy: false };
        this.#slots.push(slot);
      }
      if (!slot) return;
      this.#run(slot, this.#queue.shift()!);
    }
  }

  #run(slot: Slot, job: Waiting): void {
    slot.busy = true;
    slot.job = job;
    const id = this.#next++;
    const done = () => {
      slot.worker.onmessage = null;
      slot.worker.onerror = null;
      slot.busy = false;
      slot.job = undefined;
      this.#dispatch();
    };
    slot.worker.onmessage = (e: MessageEvent<FromBacktestWorker>) => {
      if (e.data.id !== id) return;
      done();
      if (e.data.ok) job.resolve(e.data.output);
      else job.reject(reviveError(e.data.name, e.data.message));
    };
    slot.worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      // the worker is gone: replace it, fail this run
      slot.worker.terminate();
      this.#slots.splice(this.#slots.indexOf(slot), 1);
      done();
      job.reject(new Error(`backtest worker failed: ${e.message}`));
    };
    slot.worker.postMessage({ id, request: job.request } satisfies ToBacktestWorker);
  }

  /** Terminates the workers; running and waiting runs are rejected. */
  close(): void {
    this.#closed = true;
    const closed = () => new Error("Cannot finish the backtest: the server is shutting down");
    for (const w of this.#queue.splice(0)) w.reject(closed());
    for (const s of this.#slots.splice(0)) {
      s.worker.terminate();
      s.job?.reject(closed());
    }
  }
}
