/**
 * `deno task optimize`: grid or seeded random search of a strategy's parameters over the same
 * data and execution settings as `deno task backtest`, in parallel Web Workers, ranked by an
 * objective, with the overfitting statistics (PSR, DSR, MinTRL, PBO) and optional walk-forward.
 * @module
 */
import {
  DATA_FLAGS,
  DATA_HELP,
  EXECUTION_FLAGS,
  EXECUTION_HELP,
  readDataFlags,
  readExecutionFlags,
} from "../lib/cli/backtest_flags.ts";
import { badFlag, intFlag, jsonFlag } from "../lib/cli/flags.ts";
import { printJson } from "../lib/cli/output.ts";
import { outputPath } from "../lib/cli/paths.ts";
import { defineTask } from "../lib/cli/task.ts";
import { formatTable } from "../lib/cli/table.ts";
import { UsageError } from "../lib/core/errors.ts";
import { isMetricName, METRIC_NAMES, type Objective } from "../lib/research/objective.ts";
import { parseDuration } from "../lib/research/duration.ts";
import type { GridSpace, RandomSpace } from "../lib/research/space.ts";
import { optimizeJson, writeOptimizeReports } from "../lib/services/optimize_output.ts";
import { type OptimizeResult, runOptimization, type Search } from "../lib/services/optimizer.ts";
import { workerPoolExecutor } from "../lib/services/worker_pool.ts";
import { inlineExecutor, type TrialExecutor } from "../lib/services/trials.ts";
import type { ResolvedConfig } from "../lib/config/config.ts";
import { storedExecutor } from "../lib/services/stored_trials.ts";
import { STRATEGIES } from "../strategies/mod.ts";

const HELP =
  `Usage: deno task optimize --strategy <name> (--grid '<json>' | --random N --space '<json>') [options]

Search a strategy's parameters: every trial is the backtest deno task backtest would run with
those parameters, on the same data and execution flags.

Data
${DATA_HELP}

Strategy and search
  --strategy <name>       ${STRATEGIES.names().join(", ")} (default buy_hold)
  --params '<json>'       parameters every trial shares, under the searched ones
  --risk                  apply the aggregation + risk pipeline (as backtest --risk)
  --grid '<json>'         every combination: '{"fast":[5,10,20],"slow":[50,100]}'
  --random <N>            N distinct random trials from --space (seeded)
  --space '<json>'        '{"fast":{"min":2,"max":50,"int":true},"slow":{"min":10,"max":300,"int":true}}'
                          (min and max inclusive; a list is a set of choices)
  --seed <n>              random seed (default 1)
  --constraint '<expr>'   keep trials where it holds: 'fast < slow', 'fast*' comparisons joined
                          by and/or; repeat the flag for several
  --maximize <metric>     objective (default sharpe): ${METRIC_NAMES.join(", ")}
  --minimize <metric>     or minimise one, e.g. --minimize maxDrawdown
  --min-trades <n>        leave trials with fewer trades out of the ranking (default 0)
  --workers <n>           parallel Web Workers (default: the core count; 0 = this thread)
  --queue                 run the trials as jobs on the BullMQ queue on REDIS_URL, where
                          deno task worker processes (any number, any host) take them; a
                          trial some earlier sweep completed is read back, not run again
                          (docs/scaling.md, "Distributed sweeps")

Walk-forward
  --walk-forward          optimise on each train window, evaluate the winner on its test window
  --train <duration>      train length, e.g. 2y, 18m, 90d (required with --walk-forward)
  --test <duration>       test length and step, e.g. 6m (required with --walk-forward)
  --anchored              every train window starts at the first bar (default: rolling)
  --purge <duration>      drop train bars this long before each test start (default 0)
  --embargo <duration>    rolling: no train window starts this soon after a test ended

Statistics
  --pbo-blocks <S>        blocks for the probability of backtest overfitting (even, default 16)

${EXECUTION_HELP}

Output
  --no-resume             run every trial again instead of reusing the stored ones (every
                          trial is stored in the database by its trial key; an identical or
                          interrupted sweep reuses them by default)
  --top <n>               trials in the table (default 10)
  --out <dir>             write result.json, trials.csv, report.html (under data/ or reports/)
  --json                  print the whole result as JSON (nothing else on stdout)
  --help                  this text
`;

const FLAGS = {
  ...DATA_FLAGS,
  strategy: { type: "string" },
  params: { type: "string" },
  risk: { type: "boolean" },
  grid: { type: "string" },
  random: { type: "string" },
  space: { type: "string" },
  seed: { type: "string" },
  constraint: { type: "string", multiple: true },
  maximize: { type: "string" },
  minimize: { type: "string" },
  "min-trades": { type: "string" },
  workers: { type: "string" },
  queue: { type: "boolean" },
  "walk-forward": { type: "boolean" },
  train: { type: "string" },
  test: { type: "string" },
  anchored: { type: "boolean" },
  purge: { type: "string" },
  embargo: { type: "string" },
  "pbo-blocks": { type: "string" },
  ...EXECUTION_FLAGS,
  "no-resume": { type: "boolean" },
  top: { type: "string" },
  out: { type: "string" },
} as const;

interface SearchFlags {
  grid?: string;
  random?: string;
  space?: string;
  seed?: string;
}

function readSearch(flags: SearchFlags): Search {
  if (flags.grid !== undefined) {
    if (flags.random !== undefined || flags.space !== undefined) {
      throw new UsageError("give either --grid or --random with --space, not both");
    }
    return { kind: "grid", grid: jsonFlag(flags.grid, "grid") as GridSpace };
  }
  if (flags.random === undefined || flags.space === undefined) {
    throw new UsageError("give --grid '<json>', or --random N with --space '<json>'");
  }
  return {
    kind: "random",
    space: jsonFlag(flags.space, "space") as RandomSpace,
    count: intFlag(flags.random, "random", { min: 1, max: 1_000_000, fallback: 1 }),
    seed: intFlag(flags.seed, "seed", { min: 0, max: 2 ** 32 - 1, fallback: 1 }),
  };
}

function readObjective(flags: { maximize?: string; minimize?: string }): Objective {
  if (flags.maximize !== undefined && flags.minimize !== undefined) {
    throw new UsageError("give either --maximize or --minimize, not both");
  }
  const flag = flags.minimize !== undefined ? "minimize" : "maximize";
  const metric = flags.minimize ?? flags.maximize ?? "sharpe";
  if (!isMetricName(metric)) badFlag(flag, `a metric, one of ${METRIC_NAMES.join(", ")}`, metric);
  return { metric, direction: flag };
}

function readDuration(value: string | undefined, flag: string) {
  if (value === undefined) return undefined;
  try {
    return parseDuration(value, `--${flag}`);
  } catch {
    badFlag(flag, "a duration such as 2y, 6m, 2w, 5d or 12h", value);
  }
}

function readWalkForward(flags: {
  "walk-forward"?: boolean;
  train?: string;
  test?: string;
  anchored?: boolean;
  purge?: string;
  embargo?: string;
}) {
  const given = ["train", "test", "anchored", "purge", "embargo"].filter((k) =>
    (flags as Record<string, unknown>)[k] !== undefined
  );
  if (!flags["walk-forward"]) {
    if (given.length) throw new UsageError(`--${given[0]} needs --walk-forward`);
    return undefined;
  }
  const train = readDuration(flags.train, "train"), test = readDuration(flags.test, "test");
  if (!train) throw new UsageError("--walk-forward needs --train <duration>, e.g. --train 2y");
  if (!test) throw new UsageError("--walk-forward needs --test <duration>, e.g. --test 6m");
  if (flags.anchored && flags.embargo !== undefined) {
    throw new UsageError("--embargo applies to rolling windows only, not with --anchored");
  }
  return {
    train,
    test,
    anchored: flags.anchored === true,
    purge: readDuration(flags.purge, "purge"),
    embargo: readDuration(flags.embargo, "embargo"),
  };
}

/** A progress line on stderr: trials done, rate and ETA (terminal only). */
function progressLine(): (done: number, total: number, phase: string) => void {
  let started = performance.now(), lastPhase = "", lastDraw = 0;
  const enc = new TextEncoder();
  return (done, total, phase) => {
    const now = performance.now();
    if (phase !== lastPhase) {
      started = now;
      lastPhase = phase;
    }
    if (done < total && now - lastDraw < 100) return;
    lastDraw = now;
    const rate = done / Math.max(1e-3, (now - started) / 1000);
    const eta = rate > 0 ? (total - done) / rate : 0;
    const width = 30, filled = Math.round((done / total) * width);
    const bar = "#".repeat(filled) + "-".repeat(width - filled);
    const line = `\r${phase} [${bar}] ${done}/${total} ${rate.toFixed(0)}/s ETA ${eta.toFixed(0)}s`;
    Deno.stderr.writeSync(enc.encode(done === total ? `${line}\n` : line));
  };
}

const fmt = (x: unknown, d = 4) =>
  typeof x === "number"
    ? (Number.isFinite(x) ? x.toFixed(d) : "n/a")
    : x == null
    ? "n/a"
    : String(x);

function printResult(r: OptimizeResult, top: number): void {
  for (const w of r.warnings) console.error(`warning: ${w}`);
  console.log(
    `${r.strategy} on ${
      r.assets.join(", ")
    } · ${r.start} … ${r.end} (${r.interval}) · ${r.trials.length} trials · ${r.objective.direction} ${r.objective.metric}`,
  );
  const names = Object.keys(r.search.kind === "grid" ? r.search.grid : r.search.space);
  const rows = r.ranking.slice(0, top).map((id) => r.trials[id]);
  console.log(formatTable(rows, [
    { header: "Rank", value: (t) => String(t.rank), align: "right" },
    ...names.map((n) => ({ header: n, value: (t: typeof rows[0]) => String(t.params[n]) })),
    {
      header: r.objective.metric,
      value: (t) => fmt(t.metrics[r.objective.metric]),
      align: "right",
    },
    ...(r.objective.metric === "sharpe" ? [] : [{
      header: "Sharpe",
      value: (t: typeof rows[0]) => fmt(t.metrics.sharpe, 3),
      align: "right" as const,
    }]),
    { header: "Return", value: (t) => fmt(t.metrics.totalReturn, 4), align: "right" },
    { header: "MaxDD", value: (t) => fmt(t.metrics.maxDrawdown, 4), align: "right" },
    { header: "Trades", value: (t) => String(t.trades), align: "right" },
  ]));
  if (r.resumedTrials > 0) {
    console.log(`${r.resumedTrials} of ${r.trials.length} trials reused from earlier runs`);
  }
  const excluded = r.trials.length - r.ranking.length;
  if (excluded) console.log(`${excluded} trial(s) not ranked (see --json for why)`);
  const s = r.statistics;
  if (s) {
    console.log(
      `\nOverfitting: N ${s.trials} trials (V ${
        fmt(s.trialSharpeVariance, 6)
      }, N−1), T ${s.observations} bars; best per-period Sharpe ${fmt(s.sharpe)}, skew ${
        fmt(s.skewness, 3)
      }, kurtosis ${fmt(s.kurtosis, 3)}`,
    );
    console.log(
      `  PSR(0) ${fmt(s.probabilisticSharpe)} · DSR ${fmt(s.deflatedSharpe)} (SR₀ ${
        fmt(s.expectedMaxSharpe)
      }) · MinTRL ${fmt(s.minTrackRecordLength, 1)} bars · PBO ${
        s.pbo.pbo === null ? `n/a (${s.pbo.reason})` : fmt(s.pbo.pbo, 3)
      } (S ${s.pbo.blocks})`,
    );
  }
  const wf = r.walkForward;
  if (wf) {
    console.log(
      `\nWalk-forward (${
        wf.anchored ? "anchored" : "rolling"
      }, train ${wf.train}, test ${wf.test}, purge ${wf.purge}):`,
    );
    console.log(formatTable(wf.windows, [
      { header: "#", value: (w) => String(w.index), align: "right" },
      { header: "Test", value: (w) => `${w.test.start.slice(0, 10)} … ${w.test.end.slice(0, 10)}` },
      {
        header: "Params",
        // the searched parameters only; the fixed ones are the same in every window
        value: (w) =>
          w.params
            ? names.map((n) => `${n}=${JSON.stringify(w.params![n])}`).join(" ")
            : w.skipped ?? "",
      },
      { header: "Train obj", value: (w) => fmt(w.trainObjective, 3), align: "right" },
      { header: "Test obj", value: (w) => fmt(w.testObjective, 3), align: "right" },
    ]));
    console.log(
      `  OOS: return ${fmt(wf.metrics.totalReturn)} · Sharpe ${fmt(wf.metrics.sharpe, 3)} · maxDD ${
        fmt(wf.metrics.maxDrawdown)
      } · trades ${wf.metrics.numTrades} · efficiency ${fmt(wf.efficiency, 3)}`,
    );
  }
}

/** The BullMQ executor (loaded only with --queue: local sweeps never load bullmq). */
async function queueExecutorOf(config: ResolvedConfig): Promise<TrialExecutor> {
  const { queueSettingsOf } = await import("../lib/services/trial_queue.ts");
  const { queueExecutor } = await import("../lib/services/queue_executor.ts");
  const settings = await queueSettingsOf(config, "optimize --queue");
  return queueExecutor({ ...settings, onNote: (m) => console.error(`note: ${m}`) });
}

const task = defineTask({
  name: "optimize",
  help: HELP,
  flags: FLAGS,
  lists: ["symbols"],
  run: async ({ flags, json, ...ctx }) => {
    const data = readDataFlags(flags);
    const search = readSearch(flags);
    const objective = readObjective(flags);
    const minTrades = intFlag(flags["min-trades"], "min-trades", {
      min: 0,
      max: 1e9,
      fallback: 0,
    });
    const cores = navigator.hardwareConcurrency ?? 1;
    const workers = intFlag(flags.workers, "workers", { min: 0, max: 256, fallback: cores });
    const pboBlocks = intFlag(flags["pbo-blocks"], "pbo-blocks", { min: 2, max: 32, fallback: 16 });
    if (pboBlocks % 2 !== 0) {
      badFlag("pbo-blocks", "an even number from 2 to 32", String(pboBlocks));
    }
    const top = intFlag(flags.top, "top", { min: 1, max: 1_000_000, fallback: 10 });
    const walkForward = readWalkForward(flags);
    const outDir = flags.out === undefined
      ? undefined
      : outputPath("out", flags.out, { task: "optimize", dataDir: ctx.config.dataDir });
    if (flags.queue && flags.workers !== undefined) {
      throw new UsageError("give either --queue or --workers, not both");
    }
    const inner = flags.queue
      ? await queueExecutorOf(ctx.config)
      : workers === 0
      ? inlineExecutor(STRATEGIES)
      : workerPoolExecutor({
        workers,
        url: new URL("../workers/optimize_worker.ts", import.meta.url),
      });
    // Every trial is stored; an identical or interrupted sweep reuses what is done.
    const executor = storedExecutor(inner, () => ctx.store(), {
      resume: flags["no-resume"] !== true,
    });
    const stop = new AbortController();
    const onSignal = () => stop.abort(new Error("interrupted"));
    Deno.addSignalListener("SIGINT", onSignal);
    try {
      const result = await runOptimization(
        {
          registry: STRATEGIES,
          strategy: flags.strategy ?? "buy_hold",
          fixedParams: jsonFlag(flags.params, "params"),
          search,
          constraints: flags.constraint,
          objective,
          minTrades,
          risk: flags.risk ? ctx.config.risk : undefined,
          pboBlocks,
          walkForward,
          ...data,
          ...readExecutionFlags(flags),
        },
        executor,
        {
          store: () => ctx.store(),
          resumed: () => executor.resumed,
          signal: stop.signal,
          progress: !json && Deno.stderr.isTerminal() ? progressLine() : undefined,
        },
      );
      if (!json && "reusedJobs" in inner && (inner.reusedJobs as number) > 0) {
        console.error(`${inner.reusedJobs} trial(s) read back from jobs completed before`);
      }
      const written = outDir ? await writeOptimizeReports(result, outDir) : [];
      if (json) printJson(optimizeJson(result));
      else {
        printResult(result, top);
        for (const f of written) console.log(`wrote ${f}`);
      }
      return 0;
    } finally {
      Deno.removeSignalListener("SIGINT", onSignal);
      await executor.close();
    }
  },
});

/** Entry point; returns the exit code. */
export function main(args: string[]): Promise<number> {
  return task(args);
}

if (import.meta.main) Deno.exit(await main(Deno.args));
