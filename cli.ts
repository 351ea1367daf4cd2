/**
 * `mts` — one entry point for every task, used by `deno compile` to build a single binary:
 * `mts <task> [flags]` runs exactly what `deno task <task> [flags]` runs.
 * This is the one module allowed to import tasks (it is an edge, like them).
 * @module
 */
import { main as arbitrage } from "./tasks/arbitrage.ts";
import { main as backtest } from "./tasks/backtest.ts";
import { main as collect } from "./tasks/collect.ts";
import { main as demo } from "./tasks/demo.ts";
import { main as exportTask } from "./tasks/export.ts";
import { main as importTask } from "./tasks/import.ts";
import { main as macro } from "./tasks/macro.ts";
import { main as optimize } from "./tasks/optimize.ts";
import { main as schedule } from "./tasks/schedule.ts";
import { main as serve } from "./tasks/serve.ts";
import { main as signals } from "./tasks/signals.ts";
import { main as status } from "./tasks/status.ts";
import { main as stream } from "./tasks/stream.ts";
import { main as volatility } from "./tasks/volatility.ts";

/** Every task the binary can run, with a one-line summary. */
export const TASKS: Record<string, { run: (args: string[]) => Promise<number>; summary: string }> =
  {
    demo: { run: demo, summary: "load the generated sample market, run signals and a backtest" },
    import: {
      run: importTask,
      summary: "import a CSV file (CoinGecko, CryptoDataDownload, OHLCV, FRED, CBOE)",
    },
    export: { run: exportTask, summary: "write every stored series to CSV backups" },
    collect: { run: collect, summary: "collect crypto prices from CoinGecko or Binance" },
    macro: { run: macro, summary: "collect macro indicators (VIX, DXY, yields) from FRED / CBOE" },
    status: { run: status, summary: "collection runs, failures and freshness of every series" },
    schedule: {
      run: schedule,
      summary: "run collect, macro, signals, funding and backups on their tiers, with catch-up",
    },
    arbitrage: {
      run: arbitrage,
      summary: "cross-exchange arbitrage alerts net of fees and depth, live or over a recording",
    },
    stream: {
      run: stream,
      summary: "live Binance and Bybit order books and funding over WebSocket, record and replay",
    },
    serve: {
      run: serve,
      summary: "HTTP API, Prometheus metrics and WebSocket notifications (docs/service.md)",
    },
    signals: {
      run: signals,
      summary: "run the enabled strategies on the latest data (or --at a date)",
    },
    volatility: { run: volatility, summary: "annualised rolling volatility per asset" },
    backtest: { run: backtest, summary: "event-driven backtest with metrics and reports" },
    optimize: {
      run: optimize,
      summary: "parameter search in parallel workers, with DSR, PBO and walk-forward",
    },
  };

/** Dispatches `args[0]` to its task; prints usage for no task or `--help`. */
export async function main(args: string[]): Promise<number> {
  const [name, ...rest] = args;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    const width = Math.max(...Object.keys(TASKS).map((k) => k.length));
    console.log(
      "Usage: mts <task> [flags]   (mts <task> --help for a task's flags)\n\nTasks:\n" +
        Object.entries(TASKS).map(([k, t]) => `  ${k.padEnd(width)}  ${t.summary}`).join("\n"),
    );
    return name ? 0 : 2;
  }
  const task = TASKS[name];
  if (!task) {
    console.error(`mts: unknown task "${name}"; expected one of ${Object.keys(TASKS).join(", ")}`);
    return 2;
  }
  return await task.run(rest);
}

if (import.meta.main) Deno.exit(await main(Deno.args));
