/**
 * `deno task serve` — the HTTP API over the library: health, readiness, Prometheus metrics,
 * strategies, prices, macro, signals, backtests, status, live books and WebSocket notifications
 * (docs/service.md). Stops gracefully on SIGINT/SIGTERM and exits 0.
 * @module
 */
import { intFlag } from "../lib/cli/flags.ts";
import { defineTask } from "../lib/cli/task.ts";
import { interruptSignal } from "../lib/services/collect_cli.ts";
import { attachScheduler, startService } from "../lib/services/serve.ts";
import { checkStreamNet } from "../lib/services/stream_runner.ts";
import { LiveStreamView, servePlan, startServeStreams } from "../lib/services/serve_stream.ts";
import { openCache } from "../lib/storage/open_cache.ts";
import { STRATEGIES } from "../strategies/mod.ts";
import { MTS_VERSION } from "../lib/server/version.ts";

const HELP = `Usage: deno task serve [options]

Serves the HTTP API and WebSocket notifications until Ctrl-C / SIGTERM (then it stops taking
connections, closes WebSocket clients, waits for running backtests and exits 0).

Options:
  --host <address>   bind address (default API_HOST, 127.0.0.1); anything but loopback needs
                     API_SECRET_KEY
  --port <n>         port (default API_PORT, 8000; 0 picks a free one). The serve permission set
                     grants 127.0.0.1:8000 and 0.0.0.0:8000; another port needs
                     --allow-net=<host>:<port> (docs/service.md, "Permissions")
  --schedule         also run the scheduler in this process (the jobs of schedule.json, as
                     deno task schedule does); its finished runs go to the WebSocket channel
                     "collection"
  --schedule-file <path>  the job file for --schedule (default schedule.json)
  --stream           also run the live streams in this process (as deno task stream does, on
                     REALTIME_EXCHANGES, spot and perp, REALTIME_SYMBOLS, depth 20), published into
                     the cache this service reads: /books, /funding, the books: and funding
                     WebSocket channels and the price alerts are live; /ready and /metrics show
                     each book's state, messages, resyncs, gaps and age. REALTIME_ENABLED=true
                     does the same without the flag
  --json             one JSON line {"listening": url} on stdout instead of the text line
  -h, --help         show this help

Endpoints: GET /openapi.json lists them all; docs/service.md has a curl example for each.

Examples:
  deno task serve
  API_SECRET_KEY=$(openssl rand -hex 32) deno task serve --host 0.0.0.0
  deno task serve --stream
  curl -s localhost:8000/health`;

const task = defineTask({
  name: "serve",
  help: HELP,
  flags: {
    host: { type: "string" },
    port: { type: "string" },
    schedule: { type: "boolean" },
    "schedule-file": { type: "string" },
    stream: { type: "boolean" },
  },
  run: async ({ flags, json, config, store, redact }) => {
    const port = flags.port === undefined
      ? undefined
      : intFlag(flags.port, "port", { min: 0, max: 65_535, fallback: config.api.port });
    const streaming = flags.stream === true || config.realtime.enabled;
    const plan = streaming ? servePlan(config) : undefined;
    if (plan) await checkStreamNet(config, plan);
    const view = plan ? new LiveStreamView() : undefined;
    const interrupt = interruptSignal();
    const cache = await openCache(config.redis);
    try {
      const service = await startService({
        streams: view,
        config,
        store: store(),
        cache,
        registry: STRATEGIES,
        hostname: flags.host,
        port,
        version: MTS_VERSION,
        redact,
        backtestWorkerUrl: new URL("../workers/backtest_worker.ts", import.meta.url),
      });
      const scheduler = flags.schedule || flags["schedule-file"] !== undefined
        ? await attachScheduler(service, { config, store: store(), registry: STRATEGIES, redact }, {
          file: flags["schedule-file"],
          signal: interrupt.signal,
        }).catch(async (e) => {
          await service.shutdown();
          throw e;
        })
        : undefined;
      const streams = plan && view
        ? startServeStreams({
          config,
          plan,
          cache,
          store: store(),
          signal: interrupt.signal,
          view,
        })
        : undefined;
      console.log(
        json ? JSON.stringify({ listening: service.url }) : `listening on ${service.url}`,
      );
      await new Promise((resolve) => interrupt.signal.addEventListener("abort", resolve));
      // the scheduler and the streams stop on the same signal: the scheduler's running job
      // finishes, the streams close their sockets and flush; then the server
      await scheduler?.done;
      await streams?.done;
      await service.shutdown();
      if (!json) console.log("stopped");
      return 0;
    } finally {
      interrupt.dispose();
      await cache.close();
    }
  },
});

/** Entry point; returns the exit code. */
export function main(args: string[]): Promise<number> {
  return task(args);
}

if (import.meta.main) Deno.exit(await main(Deno.args));
