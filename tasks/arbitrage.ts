/**
 * `deno task arbitrage` — cross-exchange arbitrage alerts net of taker fees and depth, from the
 * books a running `deno task stream` publishes (`--from-cache`, through Redis) or over a
 * recording (`--replay FILE`, optionally `--evaluate`). Alerts go to the terminal (`--json`: one
 * line per event), SQLite, the `mts:alerts:arbitrage` channel and `ALERT_WEBHOOK_URL`.
 * @module
 */
import { badFlag, durationFlag } from "../lib/cli/flags.ts";
import { formatTable } from "../lib/cli/table.ts";
import { defineTask, type TaskRun } from "../lib/cli/task.ts";
import { UsageError } from "../lib/core/errors.ts";
import { escapeControls } from "../lib/core/text.ts";
import {
  DETECTOR_FLAGS,
  DETECTOR_HELP,
  detectorOptions,
  terminalView,
} from "../lib/services/arbitrage_cli.ts";
import { type ArbitrageOutcome, runArbitrage } from "../lib/services/arbitrage_service.ts";
import { interruptSignal } from "../lib/services/collect_cli.ts";
import type { AlertEvaluation } from "../lib/streams/arbitrage/evaluate.ts";

const HELP = `Usage: deno task arbitrage (--from-cache | --replay FILE) [options]

Finds cross-exchange arbitrage between Binance spot, Binance perp, Bybit spot and Bybit perp
books of the same asset: for each pair of books, in both directions, the size that maximises net
profit after each leg's taker fee (and --fixed-cost) with the net edge at or above --min-net-bps,
walking both books' depth. Different quote currencies (USDT, USDC, …) pair only at a stated
--rates rate. No alert while either book is not live, crossed, or older than --max-age; an edge
must last --min-duration before it opens, and closes below --min-net-bps − --hysteresis-bps.

Input (one of):
  --from-cache            follow the books a running 'deno task stream' publishes (REDIS_URL)
  --replay FILE           a recording of published books: JSON lines (.gz too) or a JSON array
  (connecting to the exchanges directly needs the stream runner: run 'deno task stream' beside)

Options:
${DETECTOR_HELP}
  --evaluate              with --replay: score each opened alert against the books --latency later
  --latency D             latency for --evaluate (default 100ms)
  --no-store              do not record opportunities in SQLite
  --publish               with --replay: publish the alerts on mts:alerts:arbitrage too
  --for D                 with --from-cache: stop after D (e.g. 10m)
  --json                  one JSON line per opened / updated / closed alert (and evaluated)
  -h, --help              show this help

Examples:
  deno task stream --symbols BTCUSDT,ETHUSDT &     # publishes the books (REDIS_URL set)
  deno task arbitrage --from-cache --symbols BTCUSDT,ETHUSDT --min-net-bps 5 --max-notional 50000
  deno task arbitrage --replay data/books.jsonl.gz --json
  deno task arbitrage --replay data/books.jsonl --evaluate --latency 100ms
`;

const FLAGS = {
  "from-cache": { type: "boolean" },
  replay: { type: "string" },
  ...DETECTOR_FLAGS,
  evaluate: { type: "boolean" },
  latency: { type: "string" },
  "no-store": { type: "boolean" },
  publish: { type: "boolean" },
  for: { type: "string" },
} as const;

type Flags = TaskRun<typeof FLAGS>["flags"];

function checkModes(f: Flags): "cache" | "replay" {
  if (f["from-cache"] && f.replay !== undefined) {
    throw new UsageError("--from-cache: not with --replay (one input at a time)");
  }
  if (!f["from-cache"] && f.replay === undefined) {
    throw new UsageError(
      "choose an input: --from-cache (follow a running 'deno task stream' through REDIS_URL) " +
        "or --replay FILE; connecting to the exchanges directly needs the stream runner",
    );
  }
  const replay = f.replay !== undefined;
  if (f.evaluate && !replay) throw new UsageError("--evaluate: only with --replay");
  if (f.latency !== undefined && !f.evaluate) {
    throw new UsageError("--latency: only with --evaluate");
  }
  if (f.publish && !replay) {
    throw new UsageError("--publish: only with --replay (live alerts are always published)");
  }
  if (f.for !== undefined && replay) throw new UsageError("--for: only with --from-cache");
  return replay ? "replay" : "cache";
}

const n2 = (v: number) => v.toFixed(2);
const clean = (s: string) => escapeControls(s, { singleLine: true });

function printSummary(o: ArbitrageOutcome): void {
  const s = o.stats;
  console.log(
    `${o.alerts} alert(s); ${s.books} book updates, ${s.evaluations} pair evaluations ` +
      `(${s.walks} depth walks), ${s.ignored} updates ignored`,
  );
  if (o.unpriced.length > 0) {
    console.log(`not compared (no --rates rate): ${o.unpriced.map(clean).join(", ")}`);
  }
  if (o.webhook) {
    const w = o.webhook;
    console.log(
      `webhook: ${w.sent} sent, ${w.failed} failed, ${w.dropped} dropped, ${w.retries} retries`,
    );
  }
  if (o.evaluations && o.evaluations.length > 0) printEvaluations(o.evaluations);
}

function printEvaluations(list: readonly AlertEvaluation[]): void {
  const ok = list.filter((e) => e.executable).length;
  console.log(
    `evaluated ${list.length} opened alert(s): ${ok} still executable after ${
      list[0].latencyMs
    } ms`,
  );
  console.log(formatTable(list, [
    { header: "alert", value: (e) => clean(e.id) },
    { header: "executable", value: (e) => e.executable ? "yes" : `no (${e.reason})` },
    { header: "buy vwap", value: (e) => String(e.buyVwap ?? "-"), align: "right" },
    { header: "sell vwap", value: (e) => String(e.sellVwap ?? "-"), align: "right" },
    { header: "net bps", value: (e) => e.netBps === null ? "-" : n2(e.netBps), align: "right" },
  ]));
}

const task = defineTask({
  name: "arbitrage",
  help: HELP,
  flags: FLAGS,
  lists: ["symbols"],
  run: async ({ flags, json, config, store, redact }) => {
    const mode = checkModes(flags);
    const detector = detectorOptions(flags);
    const latencyMs = flags.evaluate ? durationFlag(flags.latency, "latency") ?? 100 : undefined;
    const forMs = durationFlag(flags.for, "for");
    if (forMs === 0) badFlag("for", "a duration above 0, such as 10m", flags.for!);
    const interrupt = interruptSignal();
    const stop = new AbortController();
    const timer = forMs === undefined ? undefined : setTimeout(() => stop.abort(), forMs);
    interrupt.signal.addEventListener("abort", () => stop.abort(), { once: true });
    try {
      const outcome = await runArbitrage({ config, store, redact }, {
        mode,
        file: flags.replay,
        latencyMs,
        detector,
        store: !flags["no-store"],
        publish: flags.publish,
        signal: stop.signal,
        onAlert: json ? (a) => console.log(JSON.stringify(a)) : terminalView(),
        onProblem: (m) => console.error(`mts arbitrage: ${m}`),
      });
      if (json) { for (const e of outcome.evaluations ?? []) console.log(JSON.stringify(e)); }
      else printSummary(outcome);
      return 0;
    } finally {
      clearTimeout(timer);
      interrupt.dispose();
    }
  },
});

/** Entry point; returns the exit code. */
export function main(args: string[]): Promise<number> {
  return task(args);
}

if (import.meta.main) Deno.exit(await main(Deno.args));
