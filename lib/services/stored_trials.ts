/**
 * Stored sweeps: a {@link TrialExecutor} decorator that reuses trials stored before and stores
 * every trial it runs, so that rerunning an identical or interrupted sweep skips what is done.
 *
 * A trial's key is the SHA-256 of the engine version, strategy, complete parameters, execution
 * settings and dataset hash — everything its result depends on — so a stored trial is reused
 * only for the identical backtest. Finished trials are saved in batches while the sweep runs and
 * once more when it ends, stops on an error or is interrupted (Ctrl-C): the next run resumes.
 * @module
 */
import { ENGINE_VERSION } from "../engine/engine.ts";
import { canonicalJson, sha256Hex } from "../engine/hash.ts";
import type { Metrics } from "../engine/metrics.ts";
import type { StoredTrial, TrialStore } from "../storage/trial_store.ts";
import type { ExecuteHooks, TrialBatch, TrialExecutor, TrialOutcome, TrialSpec } from "./trials.ts";

/** The key a trial is stored under. */
export function trialKey(t: TrialSpec): string {
  return sha256Hex(canonicalJson({
    engineVersion: ENGINE_VERSION,
    strategy: t.strategy,
    params: t.params,
    exec: t.exec,
    datasetHash: t.datasetHash,
  }));
}

/** Options of {@link storedExecutor}. */
export interface StoredExecutorOptions {
  /** Reuse stored trials (default true); false runs every trial again (and stores it). */
  readonly resume?: boolean;
  /** Clock for `createdAt`. */
  readonly now?: () => number;
  /** Trials per save (default 200). */
  readonly batch?: number;
}

/** An executor that reuses and stores trials; `resumed` counts the trials it reused. */
export interface StoredExecutor extends TrialExecutor {
  /** Trials reused from the store instead of run. */
  readonly resumed: number;
}

function fromStored(t: TrialSpec, s: StoredTrial): TrialOutcome {
  return {
    id: t.id,
    params: t.params,
    metrics: s.metrics as unknown as Metrics,
    trades: s.trades,
    configHash: s.configHash,
    dataChecksum: s.dataChecksum,
    equity: s.equity,
  };
}

/** Wraps `inner` with the store, opened on first use (see the module doc). */
export function storedExecutor(
  inner: TrialExecutor,
  store: () => TrialStore,
  options: StoredExecutorOptions = {},
): StoredExecutor {
  let resumed = 0;
  const now = options.now ?? Date.now, size = options.batch ?? 200;
  return {
    concurrency: inner.concurrency,
    get resumed() {
      return resumed;
    },
    async execute(batch: TrialBatch, hooks: ExecuteHooks = {}): Promise<TrialOutcome[]> {
      const keys = new Map(batch.trials.map((t) => [t.id, trialKey(t)]));
      const found = options.resume === false
        ? new Map<string, StoredTrial>()
        : await store().findTrials([...keys.values()]);
      const reused: TrialOutcome[] = [], todo: TrialSpec[] = [];
      for (const t of batch.trials) {
        const s = found.get(keys.get(t.id)!);
        if (s) reused.push(fromStored(t, s));
        else todo.push(t);
      }
      resumed += reused.length;
      reused.forEach((o, k) => hooks.onResult?.(o, k + 1));
      const strategyOf = new Map(batch.trials.map((t) => [t.id, t]));
      let buffer: StoredTrial[] = [], saving: Promise<unknown> = Promise.resolve();
      const flush = () => {
        if (buffer.length === 0) return;
        const rows = buffer;
        buffer = [];
        saving = saving.then(() => store().saveTrials(rows));
      };
      const onResult = (o: TrialOutcome, done: number) => {
        const t = strategyOf.get(o.id)!;
        buffer.push({
          trialKey: keys.get(o.id)!,
          configHash: o.configHash,
          datasetHash: t.datasetHash,
          dataChecksum: o.dataChecksum,
          strategy: t.strategy,
          params: t.params,
          metrics: o.metrics as unknown as Record<string, number>,
          trades: o.trades,
          equity: o.equity,
          createdAt: now(),
        });
        if (buffer.length >= size) flush();
        hooks.onResult?.(o, reused.length + done);
      };
      try {
        const ran = todo.length
          ? await inner.execute({ datasets: batch.datasets, trials: todo }, {
            signal: hooks.signal,
            onResult,
          })
          : [];
        return [...reused, ...ran];
      } finally {
        flush();
        await saving;
      }
    },
    close: () => inner.close(),
  };
}
