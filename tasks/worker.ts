/**
 * `deno task worker`: runs optimisation trials from the BullMQ queue on REDIS_URL, which
 * `deno task optimize --queue` fills. Prints one line when ready; on SIGTERM or Ctrl-C it takes
 * no new trial, finishes the running ones (their results reach the queue) and exits 0.
 * @module
 */
import { durationFlag, intFlag } from "../lib/cli/flags.ts";
import { defineTask } from "../lib/cli/task.ts";
import { getLogger } from "../lib/log/logger.ts";
import { startTrialWorker } from "../lib/services/queue_worker.ts";
import { queueSettingsOf, shownUrl } from "../lib/services/trial_queue.ts";

const HELP = `Usage: deno task worker [options]

Run optimisation trials from the BullMQ queue on REDIS_URL (QUEUE_NAME, default mts-trials):
deno task optimize --queue puts a sweep's trials there, and any number of workers on any host
run them. Prints one line when ready. SIGTERM or Ctrl-C: no new trial is taken, the running
ones finish and report, then the worker exits 0 (a second signal stops at once; the running
trials go back to the queue when their lock expires).

Options
  --concurrency <n>        trials at once, one thread each (default WORKER_CONCURRENCY, 1)
  --lock-duration <d>      a running trial's lock, renewed every half of it; a worker that dies
                           (kill -9) hands its trials back when it expires (default 30s)
  --stalled-interval <d>   how often expired locks are looked for (default 30s)
  --json                   the ready line as JSON
  --help                   this text

Needs the Redis host in the task's permissions (see docs/scaling.md, "Distributed sweeps").
`;

const FLAGS = {
  concurrency: { type: "string" },
  "lock-duration": { type: "string" },
  "stalled-interval": { type: "string" },
} as const;

const task = defineTask({
  name: "worker",
  help: HELP,
  flags: FLAGS,
  run: async ({ flags, json, config }) => {
    const concurrency = intFlag(flags.concurrency, "concurrency", {
      min: 1,
      max: 256,
      fallback: config.queue.workerConcurrency,
    });
    const lockDurationMs = durationFlag(flags["lock-duration"], "lock-duration") ?? 30_000;
    const stalledIntervalMs = durationFlag(flags["stalled-interval"], "stalled-interval") ??
      30_000;
    const settings = await queueSettingsOf(config, "deno task worker");
    const log = getLogger("worker");
    const worker = await startTrialWorker({
      url: settings.url,
      queueName: settings.name,
      concurrency,
      threadUrl: new URL("../workers/optimize_worker.ts", import.meta.url),
      lockDurationMs: Math.max(1000, lockDurationMs),
      stalledIntervalMs: Math.max(100, stalledIntervalMs),
      onError: (message) => log.warn(message),
    });
    const stopped = Promise.withResolvers<string>();
    const names: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
    let stopping = false;
    const handlers = names.map((name) => {
      const h = () => {
        if (stopping) {
          // a second signal: do not wait; the running trials' locks expire and others take them
          worker.close(true).finally(() => Deno.exit(0));
          return;
        }
        stopping = true;
        stopped.resolve(name);
      };
      Deno.addSignalListener(name, h);
      return [name, h] as const;
    });
    const ready = {
      ready: true,
      queue: settings.name,
      redis: shownUrl(settings.url),
      concurrency,
      pid: Deno.pid,
    };
    if (json) console.log(JSON.stringify(ready));
    else {
      console.log(
        `worker ready: queue ${ready.queue} on ${ready.redis}, concurrency ${concurrency}, pid ${Deno.pid}`,
      );
    }
    try {
      const signal = await Promise.race([stopped.promise, worker.failed]).catch(async (e) => {
        await worker.close(true);
        throw e;
      });
      log.info("stopping", { signal, processed: worker.processed });
      await worker.close();
      log.info("stopped", { processed: worker.processed, datasets: worker.datasetsLoaded });
      return 0;
    } finally {
      for (const [n, h] of handlers) Deno.removeSignalListener(n, h);
    }
  },
});

/** Entry point; returns the exit code. */
export function main(args: string[]): Promise<number> {
  return task(args);
}

if (import.meta.main) Deno.exit(await main(Deno.args));
