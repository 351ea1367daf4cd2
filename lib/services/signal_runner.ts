/**
 * The signal runner: loads prices and macro series from the store, runs strategies as of one
 * decision time, aggregates, applies risk, and stores the signals. Used by `deno task signals`.
 *
 * Time: `at` is the date D of the daily bar to decide on; the decision time is that bar's close,
 * D+1 00:00 UTC, when VIX's close of D has just been published (default publication rule) and
 * nothing later has. Without `at`, the decision time is the close of the latest complete bar
 * before the wall clock.
 * @module
 */
import type { Candle, MacroObservation } from "../core/candle.ts";
import { DataError } from "../core/errors.ts";
import type { Signal } from "../core/signal.ts";
import type { Strategy } from "../core/strategy.ts";
import { floorToInterval, type Interval, intervalMs, isoTime, nextBarTs } from "../core/time.ts";
import { getLogger } from "../log/logger.ts";
import type { Conflict } from "../signals/aggregate.ts";
import { MarketHistory, type PublicationRule } from "../signals/context.ts";
import { evaluateStrategy, type Evaluation } from "../signals/evaluation.ts";
import { createSignalPipeline } from "../signals/pipeline.ts";
import { createStrategy } from "../signals/registry.ts";
import type { RiskAction, RiskLimits } from "../signals/risk.ts";
import { pickSource, type Store } from "../storage/store.ts";

/** Options of {@link runSignals}. */
export interface SignalRunOptions {
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
  readonly data: readonly SeriesStatus[];
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

/** Runs strategies, aggregation and risk as of one decision time; see the module docs. */
export async function runSignals(store: Store, options: SignalRunOptions): Promise<SignalReport> {
  const log = getLogger("signals");
  const interval = options.interval ?? "1d";
  const step = intervalMs(interval);
  if (options.strategies.length === 0) {
    throw new RangeError("Cannot run signals: no strategy given");
  }
  const strategies: Strategy[] = options.strategies.map((name) =>
    createStrategy(name, options.params?.[name] ?? {})
  );
  const explicitAssets = (options.assets?.length ?? 0) > 0;
  let assets = [
    ...new Set(
      explicitAssets ? options.assets! : [
        ...strategies.flatMap((s) => {
          const a = s.params.assets;
          return Array.isArray(a) ? a.map(String) : [];
        }),
      ],
    ),
  ];
  if (assets.length === 0) assets.push(...(options.defaultAssets ?? []));
  if (assets.length === 0) throw new RangeError("Cannot run signals: no asset given (--assets)");

  const now = options.at !== undefined
    ? nextBarTs(floorToInterval(options.at, interval), interval)
    : floorToInterval(options.wallClock, interval);
  const maxPriceAge = options.maxPriceAgeMs ?? (options.at !== undefined ? 0 : step);
  const maxMacroAge = options.maxMacroAgeMs ?? 5 * DAY;
  const warmup = Math.max(1, ...strategies.map((s) => s.warmup));
  const from = now - (2 * warmup + 30) * step;

  // Load prices.
  const problems: string[] = [];
  const stored = await store.listSeries();
  const bars: Record<string, Candle[]> = {};
  const sources: Record<string, string> = {};
  const storedLast: Record<string, number> = {};
  const skipped: { asset: string; reason: string }[] = [];
  for (const asset of assets) {
    const available = stored.filter((s) => s.asset === asset && s.interval === interval)
      .map((s) => s.source);
    const source = options.source ?? pickSource(available);
    if (!explicitAssets && available.length === 0) {
      // A default asset (e.g. binancecoin in the seed's strategy configs) nobody imported.
      skipped.push({ asset, reason: `no ${interval} prices stored` });
      continue;
    }
    if (!source || !available.includes(source)) {
      problems.push(
        `no ${interval} prices for ${asset}${options.source ? ` from ${options.source}` : ""} ` +
          `(stored: ${available.join(", ") || "none"}); import or collect them first`,
      );
      continue;
    }
    sources[asset] = source;
    storedLast[asset] = stored.find((s) =>
      s.asset === asset && s.interval === interval &&
      s.source === source
    )!.lastTs;
    bars[asset] = (await store.getCandles({ source, asset, interval }, { from, to: now - step }))
      .filter((c) => c.close > 0);
  }
  if (skipped.length) {
    log.warn("assets skipped: no prices stored", { assets: skipped.map((x) => x.asset) });
    assets = assets.filter((a) => !skipped.some((x) => x.asset === a));
    if (assets.length === 0) {
      problems.push(
        `no ${interval} prices stored for any of the default assets (${
          skipped.map((x) => x.asset).join(", ")
        }); import or collect them first, or name assets with --assets`,
      );
    }
  }
  // Load macro series.
  const macroNames = [...new Set(strategies.flatMap((s) => s.macroSeries))];
  const macro: Record<string, MacroObservation[]> = {};
  const macroSources: Record<string, string> = {};
  const macroLast: Record<string, number> = {};
  const storedMacro = await store.listMacroSeries();
  for (const series of macroNames) {
    const entries = storedMacro.filter((m) => m.series === series);
    if (entries.length === 0) {
      problems.push(`no ${series} observations stored; import or collect them first`);
      continue;
    }
    macro[series] = (await store.getMacro(series, { from, to: now }))
      .filter((o) => Number.isFinite(o.value));
    macroSources[series] = entries.map((e) => e.source).join(",");
    macroLast[series] = Math.max(...entries.map((e) => e.lastTs));
  }
  if (problems.length) throw new DataError(`Cannot run signals: ${problems.join("; ")}`);

  const history = new MarketHistory({
    interval,
    assets,
    bars,
    macro,
    publication: options.publication,
  });

  // Freshness.
  const data: SeriesStatus[] = [];
  for (const asset of assets) {
    // Nothing loaded in the window: fall back to the stored series' last bar, if it is older.
    const stale = storedLast[asset] !== undefined && nextBarTs(storedLast[asset], interval) <= now
      ? nextBarTs(storedLast[asset], interval)
      : undefined;
    const last = history.lastCloseTs(asset, now) ?? stale;
    const age = last === undefined ? null : now - last;
    const ok = age !== null && age <= maxPriceAge;
    data.push({
      kind: "price",
      name: asset,
      source: sources[asset],
      latest: last === undefined ? null : isoTime(last),
      ageMs: age,
      ok,
    });
    if (!ok) {
      problems.push(
        last === undefined
          ? `${asset} (${sources[asset]} ${interval}) has no bar closing at or before ${
            isoTime(now)
          }`
          : `${asset} (${sources[asset]} ${interval}) is stale: its latest bar closes ${
            isoTime(last)
          }, ${fmtAge(age!)} before ${isoTime(now)} (limit ${
            fmtAge(maxPriceAge)
          }, --max-price-age)`,
      );
    }
  }
  for (const series of macroNames) {
    const last = history.lastObservation(series, now) ??
      (macroLast[series] < now ? { ts: macroLast[series] } : undefined);
    const age = last === undefined ? null : now - last.ts;
    const ok = age !== null && age <= maxMacroAge;
    data.push({
      kind: "macro",
      name: series,
      source: macroSources[series],
      latest: last === undefined ? null : isoTime(last.ts),
      ageMs: age,
      ok,
    });
    if (!ok) {
      problems.push(
        last === undefined
          ? `${series} has no observation published by ${isoTime(now)}`
          : `${series} is stale: its latest observation published by ${isoTime(now)} is dated ${
            isoTime(last.ts)
          }, ${fmtAge(age!)} old (limit ${fmtAge(maxMacroAge)}, --max-macro-age)`,
      );
    }
  }
  if (problems.length) throw new DataError(`Cannot run signals: ${problems.join("; ")}`);

  // Decide.
  const ctx = history.contextAt(now);
  const evaluations = strategies.flatMap((s) => evaluateStrategy(s, ctx));
  const signals = evaluations.flatMap((e) => (e.signal ? [e.signal] : []));
  const prices: Record<string, number> = {};
  for (const a of assets) prices[a] = history.priceAt(a, now);
  const pipeline = createSignalPipeline({
    weights: options.weights,
    minNet: options.minNet,
    limits: options.limits,
  });
  const final = [
    ...pipeline(signals, {
      now,
      equity: 1,
      assets,
      position: () => ({ qty: 0, avgPrice: NaN }),
      price: (a) => prices[a],
    }),
  ];
  for (const c of pipeline.conflicts) {
    log.warn("conflict: nothing trades", { asset: c.asset, net: c.net, reason: c.reason });
  }
  let count = 0;
  if (options.save ?? true) {
    count = await store.transaction(() => store.saveSignals([...signals, ...final], prices));
  }
  log.info("signals", { now: isoTime(now), signals: signals.length, final: final.length });
  return {
    now,
    interval,
    assets,
    skipped,
    strategies: strategies.map((s) => ({ name: s.name, params: s.params })),
    data,
    prices,
    evaluations,
    signals,
    final,
    conflicts: pipeline.conflicts,
    riskActions: pipeline.actions,
    stored: count,
  };
}
