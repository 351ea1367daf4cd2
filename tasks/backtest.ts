/**
 * `deno task backtest`: backtest a strategy over the database or one CSV file, print the
 * metrics, store the run and optionally write result.json, trades.csv, equity.csv and report.html.
 * @module
 */
import { formatTable } from "../lib/cli/table.ts";
import {
  DATA_FLAGS,
  DATA_HELP,
  EXECUTION_FLAGS,
  EXECUTION_HELP,
  readDataFlags,
  readExecutionFlags,
} from "../lib/cli/backtest_flags.ts";
import { intFlag, jsonFlag, listFlag } from "../lib/cli/flags.ts";
import { printJson } from "../lib/cli/output.ts";
import { outputPath } from "../lib/cli/paths.ts";
import { defineTask } from "../lib/cli/task.ts";
import { UsageError } from "../lib/core/errors.ts";
import { isoTime } from "../lib/core/time.ts";
import { runBacktestJob } from "../lib/services/backtest_runner.ts";
import { checkStrategyParams } from "../lib/services/check_params.ts";
import { metricRows } from "../lib/report/summary.ts";
import { createSignalPipeline } from "../lib/signals/pipeline.ts";
import { describeSources } from "../lib/core/provenance.ts";
import { STRATEGIES } from "../strategies/mod.ts";

const HELP = `Usage: deno task backtest [options]

Backtest a strategy over stored bars (--symbols) or one OHLCV CSV file (--data).

Data
${DATA_HELP}

Strategy
  --strategy <name>       ${STRATEGIES.names().join(", ")} (class-style
                          names such as BuyHoldStrategy work too; default buy_hold)
  --params '<json>'       parameter overrides, e.g. '{"fast":10,"slow":30}'; with several
                          strategies keyed by name: '{"mean_reversion":{"lookback_days":20}}'
  --strategy a,b          several strategies: their signals are aggregated per asset (weight x
                          confidence, opposite directions net out) and pass the risk manager
                          (MAX_POSITION_SIZE, MAX_DAILY_TRADES, MAX_PORTFOLIO_RISK, default
                          stop-loss / take-profit), as in deno task signals
  --risk                  apply that aggregation + risk pipeline to a single strategy too
  --check-lookahead       also re-run on data truncated at sampled points and report every
                          signal that differs from the full run (exit code 1 when any does)
  --lookahead-points <n>  truncation points for --check-lookahead (default 10)

${EXECUTION_HELP}

Output
  --out <dir>             write result.json, trades.csv, equity.csv, report.html
                          (must be under data/ or reports/)
  --no-save               do not store the run in the database
  --json                  print the whole result as JSON (nothing else on stdout)
  --help                  this text
`;

const FLAGS = {
  ...DATA_FLAGS,
  strategy: { type: "string" },
  params: { type: "string" },
  risk: { type: "boolean" },
  "check-lookahead": { type: "boolean" },
  "lookahead-points": { type: "string" },
  ...EXECUTION_FLAGS,
  out: { type: "string" },
  "no-save": { type: "boolean" },
} as const;

/** Splits `--params` keyed by strategy name over several strategies. */
function splitParams(params: unknown, names: readonly string[]) {
  const findStrategy = (name: string) => STRATEGIES.find(name);
  const obj = (params ?? {}) as Record<string, unknown>;
  if (typeof obj !== "object" || Array.isArray(obj)) {
    throw new UsageError("--params must be a JSON object keyed by strategy name");
  }
  for (const k of Object.keys(obj)) {
    const def = findStrategy(k);
    if (!def || !names.some((n) => findStrategy(n) === def)) {
      throw new UsageError(
        `--params key "${k}" is not one of the strategies (${names.join(", ")}); with several ` +
          `strategies, key the overrides by strategy name`,
      );
    }
  }
  return names.map((name) => {
    const def = findStrategy(name);
    const key = Object.keys(obj).find((k) => findStrategy(k) === def);
    return { name, params: key === undefined ? {} : obj[key] };
  });
}

const task = defineTask({
  name: "backtest",
  help: HELP,
  flags: FLAGS,
  lists: ["symbols"],
  run: async ({ flags, json, ...ctx }) => {
    const data = readDataFlags(flags);
    const params = jsonFlag(flags.params, "params") ?? {};
    const names = listFlag(flags.strategy) ?? ["buy_hold"];
    const perStrategy = names.length > 1
      ? splitParams(params, names)
      : names.map((name) => ({ name, params }));
    checkStrategyParams(STRATEGIES, perStrategy);
    const makePipeline = names.length > 1 || flags.risk
      ? () => createSignalPipeline({ limits: ctx.config.risk })
      : undefined;
    const lookaheadPoints = intFlag(flags["lookahead-points"], "lookahead-points", {
      min: 1,
      max: 1000,
      fallback: 10,
    });
    const out = await runBacktestJob({
      registry: STRATEGIES,
      strategies: perStrategy,
      pipeline: makePipeline?.(),
      // recorded in the manifest: the config hash must change with the risk limits
      pipelineParams: makePipeline ? { aggregateAndRisk: { limits: ctx.config.risk } } : undefined,
      lookahead: flags["check-lookahead"] ? { points: lookaheadPoints, makePipeline } : undefined,
      ...data,
      ...readExecutionFlags(flags),
      outDir: flags.out === undefined
        ? undefined
        : outputPath("out", flags.out, { task: "backtest", dataDir: ctx.config.dataDir }),
      save: flags["no-save"] ? false : undefined,
    }, { store: () => ctx.store() });

    const leaks = out.lookahead?.differences.length ?? 0;
    if (json) {
      printJson(out.lookahead ? { ...out.json, lookahead: out.lookahead } : out.json);
      return leaks > 0 ? 1 : 0;
    }
    const r = out.result;
    for (const w of out.warnings) console.error(`warning: ${w}`);
    const lastBar = r.equity.ts[r.equity.ts.length - 1];
    console.log(
      `${out.json.strategy} on ${r.assets.join(", ")} · bars ${isoTime(r.startTs)} … ${
        isoTime(lastBar)
      } (${r.equity.ts.length} × ${r.interval}) · capital ${r.capital}`,
    );
    console.log(`Data: ${describeSources(out.sources)}`);
    console.log(
      formatTable(metricRows(r.metrics), [
        { header: "Metric", value: (m) => m.label },
        { header: "Value", value: (m) => m.value, align: "right" },
      ]),
    );
    if (r.openPositions.length > 0) {
      console.log(
        `\nOpen positions (not counted as trades): ${
          r.openPositions.map((p) => `${p.asset} ${p.side} ${p.size}`).join(", ")
        }`,
      );
    }
    if (r.rejections.length > 0) {
      console.log(`\n${r.rejections.length} order(s) reduced or rejected; see result.json`);
    }
    if (out.runId !== undefined) console.log(`\nStored as backtest run ${out.runId}.`);
    for (const f of out.written) console.log(`wrote ${f}`);
    if (out.lookahead) {
      const la = out.lookahead;
      console.log(
        `\nLookahead check: ${la.points.length} truncation points, ${la.compared} signals compared, ${la.differences.length} difference(s)`,
      );
      for (const d of la.differences) {
        console.log(
          `  truncated at ${isoTime(d.point)}: ${d.strategy} ${d.asset} at ${
            isoTime(d.ts)
          } ${d.kind}${d.fields.length ? ` (${d.fields.join(", ")})` : ""}`,
        );
      }
      if (leaks > 0) {
        console.error("mts backtest: lookahead check failed: signals depend on later data");
        return 1;
      }
    }
    return 0;
  },
});

/** Entry point; returns the exit code. */
export function main(args: string[]): Promise<number> {
  return task(args);
}

if (import.meta.main) Deno.exit(await main(Deno.args));
