/**
 * `deno task signals`: runs the enabled strategies on the latest data (or as of `--at`),
 * aggregates them, applies the risk limits, prints a table (or JSON) and stores the signals.
 * @module
 */
import { UsageError } from "../lib/core/errors.ts";
import type { Signal } from "../lib/core/signal.ts";
import { type Interval, intervalMs, isoDate, isoTime } from "../lib/core/time.ts";
import {
  badFlag,
  dateFlag,
  durationFlag,
  intervalFlag,
  jsonFlag,
  listFlag,
  numberFlag,
  pairsFlag,
} from "../lib/cli/flags.ts";
import { printJson } from "../lib/cli/output.ts";
import { defineTask } from "../lib/cli/task.ts";
import { fmtNum, fmtPct, formatTable } from "../lib/cli/table.ts";
import { runSignals, type SignalReport } from "../lib/services/signal_runner.ts";
import { signalsJson } from "../lib/services/signal_json.ts";
import { openEventPublisher } from "../lib/services/event_publisher.ts";
import { signalRunEvents } from "../lib/services/published_events.ts";
import { safeEcho } from "../lib/core/text.ts";
import { checkStrategyParams } from "../lib/services/check_params.ts";
import { describeSources } from "../lib/core/provenance.ts";
import type { PublicationRule } from "../lib/engine/feed.ts";
import type { StrategyRegistry } from "../lib/signals/registry.ts";
import { STRATEGIES } from "../strategies/mod.ts";

const HELP = `Usage: deno task signals [options]

Runs strategies as of one decision time, aggregates their signals per asset, applies the risk
limits (MAX_POSITION_SIZE, MAX_DAILY_TRADES, MAX_PORTFOLIO_RISK, DEFAULT_STOP_LOSS,
DEFAULT_TAKE_PROFIT), prints them and stores them in the database.

Options:
  --strategies <a,b>       strategies to run, a,b or a b (default: ENABLED_STRATEGIES); known: ${
  STRATEGIES.names().join(", ")
}
  --assets <a,b>           assets, a,b or a b (default: the strategies' "assets" parameters;
                           those without stored prices are skipped)
  --at <YYYY-MM-DD>        decide at the close of the daily bar dated D (D+1 00:00 UTC), seeing
                           VIX's close of D but nothing later (default: latest complete bar; on
                           the generated sample market, its last day)
  --params <json>          parameter overrides: {"vix_correlation": {"lookback_days": 20}}, or a
                           plain object when one strategy runs
  --weights <s=w,...>      strategy weights for aggregation (default 1 each)
  --min-net <x>            aggregation threshold: |net| below it means conflict, no trade (0.2)
  --source <name>          price source (default: preferred stored source per asset)
  --macro-source <name>    macro source, e.g. cboe or sample (default: preferred per series)
  --allow-mixed-sources    run on generated (sample) and real series together, with a warning
                           (default: refused, naming the series and their sources)
  --interval <i>           bar interval (default 1d)
  --publication-lag <S=d>  macro publication lag per series, e.g. VIX=36h (default: next UTC
                           midnight after the observation date)
  --max-price-age <d>      oldest acceptable latest bar at the decision time
                           (default 0 with --at, one interval without), e.g. 2d
  --max-macro-age <d>      oldest acceptable latest macro observation by date (default 5d)
  --no-save                do not store the signals
  --json                   print JSON: every evaluation (fired or not) with its inputs
  -h, --help               show this help

Examples:
  deno task signals --at 2020-03-20
  deno task signals --strategies mean_reversion --assets bitcoin,ethereum --json`;

/** Splits `--params` into per-strategy overrides. */
export function parseParams(
  text: string | undefined,
  strategies: readonly string[],
  registry: StrategyRegistry = STRATEGIES,
): Record<string, unknown> {
  const findStrategy = (name: string) => registry.find(name);
  const obj = jsonFlag(text, "params");
  if (obj === undefined) return {};
  const keys = Object.keys(obj);
  const named = keys.length > 0 && keys.every((k) => findStrategy(k) !== undefined);
  if (named) {
    const out: Record<string, unknown> = {};
    for (const s of strategies) {
      const def = findStrategy(s)!;
      for (const k of keys) if (findStrategy(k) === def) out[s] = obj[k];
    }
    for (const k of keys) {
      if (!strategies.some((s) => findStrategy(s) === findStrategy(k))) {
        throw new UsageError(`--params names ${k}, which is not among --strategies`);
      }
    }
    return out;
  }
  if (strategies.length !== 1) {
    throw new UsageError(
      `--params must be keyed by strategy name when several run: {"${strategies[0]}": {...}}`,
    );
  }
  return { [strategies[0]]: obj };
}

const SIGNAL_COLUMNS = [
  { header: "signal", value: (s: Signal) => s.direction.toUpperCase() },
  { header: "asset", value: (s: Signal) => s.asset },
  { header: "strategy", value: (s: Signal) => s.strategy },
  {
    header: "price",
    value: (s: Signal & { price?: number }) => fmtNum(s.price, 2),
    align: "right",
  },
  { header: "confidence", value: (s: Signal) => fmtNum(s.confidence, 2), align: "right" },
  {
    header: "size",
    value: (s: Signal) => (s.direction === "flat" ? "-" : fmtPct(s.size)),
    align: "right",
  },
  { header: "reason", value: (s: Signal) => s.reason },
] as const;

/** Human-readable report. */
export function formatSignals(r: SignalReport): string {
  const withPrice = (s: Signal) => ({ ...s, price: r.prices[s.asset] });
  const out = [
    `Signals at ${isoTime(r.now)} (close of the ${r.interval} bar dated ${
      isoDate(r.now - intervalMs(r.interval))
    }) for ${r.assets.join(", ")}`,
    `Data: ${describeSources(r.sources)}`,
    ...(r.note ? [`Note: ${r.note}.`] : []),
    "",
  ];
  const rows = [...r.signals, ...r.final].map(withPrice);
  out.push(rows.length ? formatTable(rows, SIGNAL_COLUMNS) : "No strategy fired.");
  for (const x of r.skipped) {
    out.push(`Skipped ${x.asset}: ${x.reason} (a default asset; name assets with --assets).`);
  }
  const quiet = r.evaluations.filter((e) => !e.fired);
  if (quiet.length) {
    out.push("", "Not fired:");
    out.push(formatTable(quiet, [
      { header: "strategy", value: (e) => e.strategy },
      { header: "asset", value: (e) => e.asset },
      { header: "why", value: (e) => e.reason },
    ]));
  }
  for (const c of r.conflicts) out.push("", `Conflict on ${c.asset}: ${c.reason}`);
  for (const a of r.riskActions) out.push(`Risk ${a.rule} ${a.action} ${a.asset}: ${a.detail}`);
  out.push("", `Stored ${r.stored} signal(s).`);
  return out.join("\n");
}

const task = defineTask({
  name: "signals",
  help: HELP,
  flags: {
    strategies: { type: "string" },
    assets: { type: "string" },
    at: { type: "string" },
    params: { type: "string" },
    weights: { type: "string" },
    "min-net": { type: "string" },
    source: { type: "string" },
    "macro-source": { type: "string" },
    "allow-mixed-sources": { type: "boolean" },
    interval: { type: "string" },
    "publication-lag": { type: "string" },
    "max-price-age": { type: "string" },
    "max-macro-age": { type: "string" },
    "no-save": { type: "boolean" },
  },
  lists: ["assets", "strategies"],
  run: async ({ flags, json, ...ctx }) => {
    const strategies = listFlag(flags.strategies) ?? [...ctx.config.signals.enabledStrategies];
    if (strategies.length === 0) throw new UsageError("--strategies: no strategy given");
    for (const s of strategies) {
      if (!STRATEGIES.find(s)) {
        badFlag("strategies", `one of ${STRATEGIES.names().join(", ")}`, s);
      }
    }
    const interval: Interval = intervalFlag(flags.interval) ?? "1d";
    const weights: Record<string, number> = {};
    for (const [k, v] of pairsFlag(flags.weights, "weights", "strategy=weight")) {
      const def = STRATEGIES.find(k);
      if (!def) badFlag("weights", `a strategy among ${STRATEGIES.names().join(", ")}`, k);
      weights[def.name] = numberFlag(v, "weights", { min: 0 })!;
    }
    const publication: Record<string, PublicationRule> = {};
    for (
      const [k, v] of pairsFlag(flags["publication-lag"], "publication-lag", "SERIES=duration")
    ) {
      publication[k] = { kind: "lag", lagMs: durationFlag(v, "publication-lag")! };
    }
    const minNet = numberFlag(flags["min-net"], "min-net", { min: 0, max: 1 });
    const params = parseParams(flags.params, strategies);
    checkStrategyParams(
      STRATEGIES,
      strategies.map((name) => ({ name, params: params[name] ?? {} })),
    );
    const at = dateFlag(flags.at, "at");
    const maxPriceAgeMs = durationFlag(flags["max-price-age"], "max-price-age");
    const maxMacroAgeMs = durationFlag(flags["max-macro-age"], "max-macro-age");
    const report = await runSignals(ctx.store(), {
      registry: STRATEGIES,
      strategies,
      params,
      assets: listFlag(flags.assets),
      defaultAssets: ctx.config.collect.assets,
      at,
      wallClock: Date.now(),
      interval,
      source: flags.source,
      macroSource: flags["macro-source"],
      allowMixedSources: flags["allow-mixed-sources"] === true,
      weights,
      minNet,
      limits: ctx.config.risk,
      publication,
      maxPriceAgeMs,
      maxMacroAgeMs,
      save: !flags["no-save"],
    });
    const body = signalsJson(report);
    // with REDIS_URL, one message per signal and the run's summary reach the API server's
    // WebSocket clients (channel "signals"), as a run through POST /signals/generate does
    const events = await openEventPublisher(ctx.config, {
      warn: (m) => console.error(`mts signals: warning: ${safeEcho(m, 400)}`),
    });
    for (const e of signalRunEvents(body)) events.sink("signals", e);
    await events.close();
    if (json) printJson(body);
    else {
      for (const w of report.warnings) console.error(`warning: ${w}`);
      console.log(formatSignals(report));
    }
    return 0;
  },
});

/** Entry point; returns the exit code. */
export function main(args: string[]): Promise<number> {
  return task(args);
}

if (import.meta.main) Deno.exit(await main(Deno.args));
