/**
 * The signal runner: loads prices and macro series from the store, runs strategies as of one
 * decision time, aggregates, applies risk, and stores the signals. Used by `deno task signals`.
 *
 * Time: `at` is the date D of the daily bar to decide on; the decision time is that bar's close,
 * D+1 00:00 UTC, when VIX's close of D has just been published (default publication rule) and
 * nothing later has. Without `at`, the decision time is the close of the latest complete bar
 * before the wall clock — except on the generated sample market, which ends in the past: then
 * it is the close of the sample's last day, and the report says so.
 * @module
 */
import { DataError } from "../core/errors.ts";
import { isGenerated, type SeriesSource } from "../core/provenance.ts";
import type { Signal } from "../core/signal.ts";
import type { Strategy } from "../core/strategy.ts";
import {
  floorToInterval,
  type Interval,
  intervalMs,
  isoDate,
  isoTime,
  nextBarTs,
} from "../core/time.ts";
import type { PublicationRule } from "../engine/feed.ts";
import type { Market } from "../engine/market.ts";
import { getLogger } from "../log/logger.ts";
import type { Conflict } from "../signals/aggregate.ts";
import { evaluateStrategy, type Evaluation, firedSignals } from "../signals/evaluation.ts";
import { createSignalPipeline } from "../signals/pipeline.ts";
import type { StrategyRegistry } from "../signals/registry.ts";
import type { RiskAction, RiskLimits } from "../signals/risk.ts";
import type { Store } from "../storage/store.ts";
import { loadRunData, planRunData, type RunData, type RunDataPlan } from "./run_data.ts";

/** Options of {@link runSignals}. */
export interface SignalRunOptions {
  /** Where strategy names are looked up (the shipped ones: `STRATEGIES` of `strategies/mod.ts`). */
  readonly registry: StrategyRegistry;
  /** Registry names (any accepted spelling). */
  readonly strategies: readonly string[];
  /** Parameter overrides per strategy (keyed by the name as given). */
  readonly params?: Readonly<Record<string, unknown>>;
  /** Assets to evaluate; default: the union of the strategies' `assets` parameters. */
  readonly assets?: readonly string[];
  /**
   * Fallback assets when neither `assets` nor the strategies name any. Assets that come from a
   * default (the strategies' `assets` or this list) and have no stored prices are skipped and
   * reported; assets given in `assets` must all have prices.
   */
  readonly defaultAssets?: readonly string[];
  /** Bar date D (UTC ms): decide at its close. Default: the latest complete bar. */
  readonly at?: number;
  /** The wall clock (UTC ms), for the latest complete bar and staleness. */
  readonly wallClock: number;
  /** Bar interval (default `1d`). */
  readonly interval?: Interval;
  /** Price source; default: the preferred stored source per asset. */
  readonly source?: string;
  /** Macro source; default: the preferred stored source per series. */
  readonly macroSource?: string;
  /** Run on generated (sample) and real data together, with a warning, instead of refusing. */
  readonly allowMixedSources?: boolean;
  /** Strategy weights for aggregation (default 1). */
  readonly weights?: Readonly<Record<string, number>>;
  /** Aggregation conflict threshold (default 0.2). */
  readonly minNet?: number;
  readonly limits: RiskLimits;
  /** Publication rule per macro series (default: next UTC midnight). */
  readonly publication?: Readonly<Record<string, PublicationRule>>;
  /**
   * Oldest acceptable latest bar, as its age at the decision time (default: 0 with `at` — the
   * bar dated D must exist — and one interval without).
   */
  readonly maxPriceAgeMs?: number;
  /** Oldest acceptable latest macro observation, by its date (default 5 days). */
  readonly maxMacroAgeMs?: number;
  /** Store the signals (default true). */
  readonly save?: boolean;
}

/** Freshness of one input series at the decision time. */
export interface SeriesStatus {
  readonly kind: "price" | "macro";
  readonly name: string;
  readonly source: string;
  /** Price: close time of the latest bar; macro: date of the latest published observation. */
  readonly latest: string | null;
  readonly ageMs: number | null;
  readonly ok: boolean;
}

/** What a signals run produced. */
export interface SignalReport {
  /** Decision time (UTC ms). */
  readonly now: number;
  readonly interval: Interval;
  readonly assets: readonly string[];
  /** Default assets left out because no prices are stored for them, with the reason. */
  readonly skipped: readonly { asset: string; reason: string }[];
  readonly strategies: readonly { name: string; params: Readonly<Record<string, unknown>> }[];
  /** Where every series came from (prices, then macro). */
  readonly sources: readonly SeriesSource[];
  readonly data: readonly SeriesStatus[];
  /** Why the decision time is not the one asked for (the sample market's last day), if so. */
  readonly note?: string;
  /** Mixed sources allowed, and anything else the reader must know. */
  readonly warnings: readonly string[];
  /** Latest close per asset at the decision time. */
  readonly prices: Readonly<Record<string, number>>;
  /** Every evaluation, fired or not, with its inputs. */
  readonly evaluations: readonly Evaluation[];
  /** The strategies' signals. */
  readonly signals: readonly Signal[];
  /** Aggregated targets after risk (strategy `aggregate`). */
  readonly final: readonly Signal[];
  readonly conflicts: readonly Conflict[];
  readonly riskActions: readonly RiskAction[];
  /** Signals stored (strategy and aggregate). */
  readonly stored: number;
}

const DAY = 86_400_000;

function fmtAge(ms: number): string {
  if (ms % DAY === 0) return `${ms / DAY}d`;
  return ms >= DAY ? `${(ms / DAY).toFixed(1)}d` : `${(ms / 3_600_000).toFixed(1)}h`;
}

/** Fresh strategy instances; unknown names and bad parameters throw before any data is read. */
function createStrategies(options: SignalRunOptions): Strategy[] {
  if (options.strategies.length === 0) {
    throw new RangeError("Cannot run signals: no strategy given");
  }
  return options.strategies.map((name) =>
    options.registry.create(name, options.params?.[name] ?? {})
  );
}

/** The assets to evaluate, and whether they came from a default (then missing ones are skipped). */
function requestedAssets(options: SignalRunOptions, strategies: readonly Strategy[]) {
  if ((options.assets?.length ?? 0) > 0) {
    return { assets: [...new Set(options.assets)], optional: false };
  }
  const named = strategies.flatMap((s) => {
    const a = s.params.assets;
    return Array.isArray(a) ? a.map(String) : [];
  });
  const assets = [...new Set(named.length ? named : options.defaultAssets ?? [])];
  if (assets.length === 0) throw new RangeError("Cannot run signals: no asset given (--assets)");
  return { assets, optional: true };
}

/**
 * The decision time: the close of the bar dated `at`, else of the latest complete bar; on
 * generated data that ends before that, the close of its last bar (with a note saying so).
 */
export function decisionTime(
  options: Pick<SignalRunOptions, "at" | "wallClock">,
  plan: RunDataPlan,
): { now: number; note?: string } {
  const interval = plan.interval;
  if (options.at !== undefined) {
    return { now: nextBarTs(floorToInterval(options.at, interval), interval) };
  }
  const latest = floorToInterval(options.wallClock, interval);
  const generated = plan.prices.length > 0 && plan.prices.every((p) => isGenerated(p.source));
  if (!generated) return { now: latest };
  const lastBar = Math.min(...plan.prices.map((p) => p.summary.lastTs));
  const end = nextBarTs(lastBar, interval);
  if (end >= latest) return { now: latest };
  return {
    now: end,
    note: `the prices are the generated sample market, which ends ${
      isoDate(lastBar)
    }: evaluated at the close of that day (use --at YYYY-MM-DD for another)`,
  };
}

/** The bars and observations the strategies may need before `now`. */
function readWindow(now: number, strategies: readonly Strategy[], interval: Interval) {
  const step = intervalMs(interval);
  const warmup = Math.max(1, ...strategies.map((s) => s.warmup));
  const from = now - (2 * warmup + 30) * step;
  return { from, to: now - step, macroFrom: from, macroTo: now };
}

/** Freshness of each price series at `now`, with a problem line for each stale one. */
function priceStatus(data: RunData, now: number, maxAge: number) {
  const { market, plan } = data;
  const interval = plan.interval;
  return plan.prices.map((p) => {
    // Nothing loaded in the window: fall back to the stored series' last bar, if it is older.
    const storedClose = nextBarTs(p.summary.lastTs, interval);
    const last = market.lastCloseTs(p.asset, now) ?? (storedClose <= now ? storedClose : undefined);
    const age = last === undefined ? null : now - last;
    const ok = age !== null && age <= maxAge;
    const what = `${p.asset} (${p.source} ${interval})`;
    const problem = ok
      ? undefined
      : last === undefined
      ? `${what} has no bar closing at or before ${isoTime(now)}`
      : `${what} is stale: its latest bar closes ${isoTime(last)}, ${fmtAge(age!)} before ${
        isoTime(now)
      } (limit ${fmtAge(maxAge)}, --max-price-age)`;
    const status: SeriesStatus = {
      kind: "price",
      name: p.asset,
      source: p.source,
      latest: last === undefined ? null : isoTime(last),
      ageMs: age,
      ok,
    };
    return { status, problem };
  });
}

/** Freshness of each macro series at `now`, with a problem line for each stale one. */
function macroStatus(data: RunData, now: number, maxAge: number) {
  return data.plan.macro.map((m) => {
    const stored = m.summary.lastTs < now ? m.summary.lastTs : undefined;
    const last = data.market.lastObservation(m.series, now)?.ts ?? stored;
    const age = last === undefined ? null : now - last;
    const ok = age !== null && age <= maxAge;
    const problem = ok
      ? undefined
      : last === undefined
      ? `${m.series} has no observation published by ${isoTime(now)}`
      : `${m.series} is stale: its latest observation published by ${isoTime(now)} is dated ${
        isoTime(last)
      }, ${fmtAge(age!)} old (limit ${fmtAge(maxAge)}, --max-macro-age)`;
    const status: SeriesStatus = {
      kind: "macro",
      name: m.series,
      source: m.source,
      latest: last === undefined ? null : isoTime(last),
      ageMs: age,
      ok,
    };
    return { status, problem };
  });
}

/**
 * Freshness of every input at `now`. Throws one DataError naming each stale or missing series;
 * without `at`, it ends with a hint to evaluate a past day with `--at`.
 */
function checkFreshness(data: RunData, now: number, options: SignalRunOptions): SeriesStatus[] {
  const step = intervalMs(data.plan.interval);
  const maxPriceAge = options.maxPriceAgeMs ?? (options.at !== undefined ? 0 : step);
  const all = [
    ...priceStatus(data, now, maxPriceAge),
    ...macroStatus(data, now, options.maxMacroAgeMs ?? 5 * DAY),
  ];
  const problems = all.flatMap((x) => (x.problem ? [x.problem] : []));
  if (problems.length) {
    const hint = options.at === undefined ? "; to evaluate a past day, use --at YYYY-MM-DD" : "";
    throw new DataError(`Cannot run signals: ${problems.join("; ")}${hint}`);
  }
  return all.map((x) => x.status);
}

/** Strategies, aggregation and risk at `now` on a flat portfolio. */
function decide(
  market: Market,
  strategies: readonly Strategy[],
  now: number,
  options: SignalRunOptions,
) {
  const ctx = market.contextAt(now);
  const evaluations = strategies.flatMap((s) => evaluateStrategy(s, ctx));
  const signals = firedSignals(evaluations);
  const prices: Record<string, number> = {};
  for (const a of market.assets) prices[a] = market.priceAt(a, now);
  const pipeline = createSignalPipeline({
    weights: options.weights,
    minNet: options.minNet,
    limits: options.limits,
  });
  const final = [
    ...pipeline(signals, {
      now,
      equity: ctx.equity,
      assets: market.assets,
      position: (a) => ctx.position(a),
      price: (a) => prices[a],
    }),
  ];
  return { evaluations, signals, prices, final, pipeline };
}

/** Runs strategies, aggregation and risk as of one decision time; see the module docs. */
export async function runSignals(store: Store, options: SignalRunOptions): Promise<SignalReport> {
  const log = getLogger("signals");
  const strategies = createStrategies(options);
  const { assets, optional } = requestedAssets(options, strategies);
  const plan = await planRunData(store, {
    purpose: "run signals",
    assets,
    optionalAssets: optional,
    interval: options.interval ?? "1d",
    source: options.source,
    macroSeries: [...new Set(strategies.flatMap((s) => s.macroSeries))],
    macroSource: options.macroSource,
    allowMixedSources: options.allowMixedSources,
  });
  if (plan.skipped.length) {
    log.warn("assets skipped: no prices stored", { assets: plan.skipped.map((x) => x.asset) });
  }
  const { now, note } = decisionTime(options, plan);
  const data = await loadRunData(store, plan, {
    ...readWindow(now, strategies, plan.interval),
    publication: options.publication,
  });
  const status = checkFreshness(data, now, options);
  const d = decide(data.market, strategies, now, options);
  for (const c of d.pipeline.conflicts) {
    log.warn("conflict: nothing trades", { asset: c.asset, net: c.net, reason: c.reason });
  }
  const stored = options.save ?? true
    ? await store.transaction(() => store.saveSignals([...d.signals, ...d.final], d.prices))
    : 0;
  log.info("signals", { now: isoTime(now), signals: d.signals.length, final: d.final.length });
  return {
    now,
    interval: plan.interval,
    assets: data.market.assets,
    skipped: plan.skipped,
    strategies: strategies.map((s) => ({ name: s.name, params: s.params })),
    sources: plan.sources,
    data: status,
    ...(note ? { note } : {}),
    warnings: plan.warnings,
    prices: d.prices,
    evaluations: d.evaluations,
    signals: d.signals,
    final: d.final,
    conflicts: d.pipeline.conflicts,
    riskActions: d.pipeline.actions,
    stored,
  };
}
