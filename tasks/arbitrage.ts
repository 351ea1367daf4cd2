/**
 * `deno task arbitrage` — cross-exchange arbitrage alerts net of taker fees and depth, from the
 * books a running `deno task stream` publishes (`--from-cache`, through Redis) or over a
 * recording (`--replay FILE`, optionally `--evaluate`). Alerts go to the terminal (`--json`: one
 * line per event), SQLite, the `mts:alerts:arbitrage` channel and `ALERT_WEBHOOK_URL`.
 * @module
 */
import {
  badFlag,
  durationFlag,
  intFlag,
  jsonFlag,
  listFlag,
  numberFlag,
} from "../lib/cli/flags.ts";
import { stdoutIsTerminal } from "../lib/cli/output.ts";
import { formatTable } from "../lib/cli/table.ts";
import { defineTask, type TaskRun } from "../lib/cli/task.ts";
import { UsageError } from "../lib/core/errors.ts";
import { escapeControls } from "../lib/core/text.ts";
import { interruptSignal } from "../lib/services/collect_cli.ts";
import { type ArbitrageOutcome, runArbitrage } from "../lib/services/arbitrage_service.ts";
import type { ArbitrageAlert } from "../lib/streams/arbitrage/alert.ts";
import type { ArbitrageDetector } from "../lib/streams/arbitrage/detector.ts";
import type { AlertEvaluation } from "../lib/streams/arbitrage/evaluate.ts";
import { feeTable, rateTable, splitSymbol } from "../lib/streams/arbitrage/costs.ts";
import {
  type DetectorOptions,
  type MinDuration,
  resolveDetector,
} from "../lib/streams/arbitrage/settings.ts";

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
  --symbols A,B           only these symbols (BTCUSDT,ETHUSDT); default every published book
  --min-net-bps N         least net edge to open, bps of the buy notional (default 5)
  --hysteresis-bps N      close below min-net-bps − N (default 2)
  --max-notional N        most buy notional per opportunity, buy quote (default: no cap)
  --min-notional N        least buy notional (default 10)
  --fees JSON             taker fees as fractions, e.g. '{"bybit:perp":0.0002}' (over
                          ARBITRAGE_FEES, over the defaults binance:spot 0.001, binance:perp
                          0.0005, bybit:spot 0.001, bybit:perp 0.00055)
  --fixed-cost N          fixed cost per opportunity (transfer, withdrawal), buy quote (default 0)
  --lots JSON             lot step per book kind, a power of ten, e.g. '{"binance:perp":0.001}'
                          (a pair trades multiples of its coarser leg's step; default 0.00000001)
  --rates JSON            stated quote rates, e.g. '{"USDC/USDT":0.9998}' (1 USDC = 0.9998 USDT)
  --max-age D             oldest book traded against (default 5s)
  --min-duration N|D      updates (a number, default 2) or a time (500ms, 2s) an edge must last
  --update-bps N          an 'updated' event needs net bps to move this much (default 1)
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
  symbols: { type: "string" },
  "min-net-bps": { type: "string" },
  "hysteresis-bps": { type: "string" },
  "max-notional": { type: "string" },
  "min-notional": { type: "string" },
  fees: { type: "string" },
  "fixed-cost": { type: "string" },
  rates: { type: "string" },
  lots: { type: "string" },
  "max-age": { type: "string" },
  "min-duration": { type: "string" },
  "update-bps": { type: "string" },
  evaluate: { type: "boolean" },
  latency: { type: "string" },
  "no-store": { type: "boolean" },
  publish: { type: "boolean" },
  for: { type: "string" },
} as const;

type Flags = TaskRun<typeof FLAGS>["flags"];

function minDuration(v: string | undefined): MinDuration | undefined {
  if (v === undefined) return undefined;
  if (/^\d+$/.test(v.trim())) {
    return { updates: intFlag(v, "min-duration", { min: 1, max: 1_000_000, fallback: 2 }) };
  }
  const ms = durationFlag(v, "min-duration");
  if (ms === undefined) badFlag("min-duration", "a number of updates or a duration", v);
  return { ms };
}

const TABLE_FORM = {
  fees: 'fees such as {"bybit:perp":0.0002}',
  rates: 'rates such as {"USDC/USDT":0.9998}',
  lots: 'lot steps such as {"binance:perp":0.001}',
} as const;

/** A JSON flag checked by `check` (which throws a RangeError saying what is wrong). */
function tableFlag(
  f: Flags,
  name: keyof typeof TABLE_FORM,
  check: (v: Record<string, unknown>) => unknown,
) {
  const v = jsonFlag(f[name], name);
  if (v === undefined) return undefined;
  try {
    check(v);
  } catch (e) {
    badFlag(name, TABLE_FORM[name], f[name]!, (e as Error).message);
  }
  return v;
}

function symbols(v: string | undefined): string[] | undefined {
  const list = listFlag(v);
  for (const s of list ?? []) {
    if (!/^[A-Za-z0-9]{2,30}$/.test(s) || !splitSymbol(s)) {
      badFlag("symbols", "symbols such as BTCUSDT,ETHUSDC (base + USDT, USDC, FDUSD, USD, …)", v!);
    }
  }
  return list;
}

function detectorOptions(f: Flags): DetectorOptions {
  const bps = (name: keyof Flags & string) => numberFlag(f[name] as string, name, { min: 0 });
  const amount = (name: keyof Flags & string) => numberFlag(f[name] as string, name, { min: 0 });
  const maxAge = durationFlag(f["max-age"], "max-age");
  if (maxAge !== undefined && maxAge <= 0) badFlag("max-age", "a duration above 0", f["max-age"]!);
  const max = amount("max-notional");
  if (max !== undefined && max <= 0) badFlag("max-notional", "a number > 0", f["max-notional"]!);
  return {
    symbols: symbols(f.symbols),
    minNetBps: bps("min-net-bps"),
    hysteresisBps: numberFlag(f["hysteresis-bps"], "hysteresis-bps", { min: 0 }),
    maxNotional: max,
    minNotional: amount("min-notional"),
    fees: tableFlag(f, "fees", feeTable),
    fixedCost: amount("fixed-cost"),
    rates: tableFlag(f, "rates", rateTable),
    lots: tableFlag(f, "lots", (v) => resolveDetector({ lots: v })),
    maxAgeMs: maxAge,
    minDuration: minDuration(f["min-duration"]),
    updateBps: numberFlag(f["update-bps"], "update-bps", { min: 0 }),
  };
}

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

/** One terminal line per alert. */
function alertLine(a: ArbitrageAlert): string {
  const t = a.at.slice(11, 23);
  const what = `${a.event.padEnd(7)} ${clean(a.pair)}`;
  if (a.event === "closed") {
    return `${t} ${what} after ${(a.durationMs / 1000).toFixed(1)}s (${clean(a.reason ?? "")}), ` +
      `peak ${n2(a.peakNetBps)} bps  ${clean(a.id)}`;
  }
  const funding = a.funding?.netBps != null ? `, funding ${n2(a.funding.netBps)} bps` : "";
  return `${t} ${what} size ${a.size} buy ${a.buy.vwap} sell ${a.sell.vwap} ` +
    `net ${n2(a.netBps)} bps (${n2(a.netAmount)} ${clean(a.buy.quote)}), gross ${
      n2(a.grossBps)
    } bps${funding}${a.capped ? ", capped" : ""}`;
}

/**
 * The terminal view: on a terminal, the open opportunities as a table redrawn on every event,
 * with the latest events below it; elsewhere (a pipe, a file), one line per event.
 */
function terminalView(): (a: ArbitrageAlert, d: ArbitrageDetector) => void {
  if (!stdoutIsTerminal()) return (a) => console.log(alertLine(a));
  const recent: string[] = [];
  return (a, d) => {
    recent.push(alertLine(a));
    if (recent.length > 8) recent.shift();
    const open = d.openAlerts(Date.parse(a.at));
    const table = open.length === 0 ? "no open opportunity" : formatTable(open, [
      { header: "pair", value: (x) => clean(x.pair) },
      { header: "size", value: (x) => String(x.size), align: "right" },
      { header: "buy vwap", value: (x) => String(x.buy.vwap), align: "right" },
      { header: "sell vwap", value: (x) => String(x.sell.vwap), align: "right" },
      { header: "net bps", value: (x) => n2(x.netBps), align: "right" },
      { header: "net", value: (x) => `${n2(x.netAmount)} ${clean(x.buy.quote)}`, align: "right" },
      {
        header: "funding bps",
        value: (x) => x.funding?.netBps == null ? "-" : n2(x.funding.netBps),
        align: "right",
      },
      { header: "open for", value: (x) => `${(x.durationMs / 1000).toFixed(1)}s`, align: "right" },
    ]);
    console.log(`\x1b[H\x1b[2J${a.at} — ${open.length} open\n${table}\n\n${recent.join("\n")}`);
  };
}

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
