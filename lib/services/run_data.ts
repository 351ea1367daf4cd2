/**
 * What a run needs from the store, loaded one way for every runner (the backtest, the `signals`
 * task, the demo; the API and optimiser next): which stored series each asset and macro series
 * is read from, the bars of a time range, and the macro observations with their publication
 * times, turned into a validated {@link Market} by the feed (`lib/engine/feed.ts`).
 *
 * Two steps, because a runner may need the sources before it knows the range (the `signals`
 * task decides on the sample market's last day when the data is generated):
 * {@link planRunData} picks the source of every series and refuses to mix generated (sample) and
 * real data unless the request allows it; {@link loadRunData} reads a range for that plan.
 *
 * Macro values are the latest stored revision of each observation; each becomes visible to a
 * strategy at its publication time (default: the next UTC midnight after its date).
 * @module
 */
import type { Candle, MacroObservation } from "../core/candle.ts";
import { DataError } from "../core/errors.ts";
import { mixedSourcesProblem, type SeriesSource, seriesSource } from "../core/provenance.ts";
import type { Interval } from "../core/time.ts";
import type { PublicationRule } from "../engine/feed.ts";
import { Market } from "../engine/market.ts";
import {
  type MacroSeriesSummary,
  pickSource,
  type SeriesSummary,
  type Store,
} from "../storage/store.ts";

/** What a run asks for. */
export interface RunDataRequest {
  /** The run, for messages: `Cannot <purpose>: …` (e.g. `backtest`, `run signals`). */
  readonly purpose: string;
  /** Assets in the run's order. */
  readonly assets: readonly string[];
  /**
   * True when the assets come from a default list (a strategy's `assets` parameter): those with
   * no stored prices at all are skipped and reported instead of failing the run.
   */
  readonly optionalAssets?: boolean;
  /** Bar interval. */
  readonly interval: Interval;
  /** Price source for every asset (default: the preferred stored source per asset). */
  readonly source?: string;
  /** Macro series the strategies read. */
  readonly macroSeries: readonly string[];
  /** Macro source for every series (default: the preferred stored source per series). */
  readonly macroSource?: string;
  /** Run on generated and real data together (with a warning) instead of refusing. */
  readonly allowMixedSources?: boolean;
  /** Series the run reads from elsewhere (a CSV file), included in the provenance check. */
  readonly otherSources?: readonly SeriesSource[];
}

/** The stored series one asset is read from. */
export interface PricePlan {
  readonly asset: string;
  readonly source: string;
  readonly summary: SeriesSummary;
}

/** The stored series one macro series is read from. */
export interface MacroPlan {
  readonly series: string;
  readonly source: string;
  readonly summary: MacroSeriesSummary;
}

/** Which stored series a run reads, and where every series of the run comes from. */
export interface RunDataPlan {
  readonly interval: Interval;
  /** One entry per asset that is read from the store, in the run's order. */
  readonly prices: readonly PricePlan[];
  readonly macro: readonly MacroPlan[];
  /** Optional assets left out because nothing is stored for them, with the reason. */
  readonly skipped: readonly { asset: string; reason: string }[];
  /** Source of every series of the run: the request's other sources, prices, then macro. */
  readonly sources: readonly SeriesSource[];
  /** The mixed-sources warning, when mixing was allowed. */
  readonly warnings: readonly string[];
}

/** Preference among macro sources when the caller names none (as the store's own default). */
const MACRO_SOURCE_PRIORITY = ["fred", "cboe", "csv"];

/** The preferred macro source among `available`: FRED, CBOE, CSV, others, generated last. */
export function pickMacroSource(available: readonly string[]): string | undefined {
  const rank = (s: string) => {
    if (s === "sample") return 1_000;
    const i = MACRO_SOURCE_PRIORITY.indexOf(s);
    return i === -1 ? MACRO_SOURCE_PRIORITY.length : i;
  };
  return [...available].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))[0];
}

/** Which stored price series `asset` is read from, or why none. */
function planPrice(
  asset: string,
  stored: readonly SeriesSummary[],
  request: RunDataRequest,
): PricePlan | { problem: string; skip: boolean } {
  const { interval } = request;
  const mine = stored.filter((s) => s.asset === asset);
  if (mine.length === 0) {
    const known = [...new Set(stored.map((s) => s.asset))];
    return {
      skip: true,
      problem: `unknown asset "${asset}": the database has ${
        known.length ? `prices for ${known.join(", ")}` : "no price series"
      } (run collect, import or demo first)`,
    };
  }
  const sameInterval = mine.filter((s) => s.interval === interval);
  if (sameInterval.length === 0) {
    const intervals = [...new Set(mine.map((s) => s.interval))].join(", ");
    return {
      skip: true,
      problem:
        `no ${interval} bars for ${asset}: stored intervals are ${intervals} (use --interval)`,
    };
  }
  const sources = sameInterval.map((s) => s.source);
  const source = request.source ?? pickSource(sources)!;
  const summary = sameInterval.find((s) => s.source === source);
  if (!summary) {
    return {
      skip: false,
      problem: `no ${interval} bars for ${asset} from source "${source}": stored sources are ${
        sources.join(", ")
      }`,
    };
  }
  return { asset, source, summary };
}

/** Which stored macro series `series` is read from, or why none. */
function planMacro(
  series: string,
  stored: readonly MacroSeriesSummary[],
  request: RunDataRequest,
): MacroPlan | { problem: string } {
  const mine = stored.filter((m) => m.series === series);
  if (mine.length === 0) {
    return { problem: `no ${series} observations stored (run macro, import or demo first)` };
  }
  const sources = mine.map((m) => m.source);
  const source = request.macroSource ?? pickMacroSource(sources)!;
  const summary = mine.find((m) => m.source === source);
  if (!summary) {
    return {
      problem: `no ${series} observations from source "${source}": stored sources are ${
        sources.join(", ")
      }`,
    };
  }
  return { series, source, summary };
}

/** The store, which a plan that reads stored series cannot do without. */
function need(store: Store | undefined): Store {
  if (!store) throw new RangeError("Cannot read stored series: no store given");
  return store;
}

/**
 * Picks the stored series of every asset and macro series of `request`. Throws one
 * {@link DataError} listing every missing series, or naming the series and sources when
 * generated and real data would mix (unless `allowMixedSources`). The store is only read when
 * the request names assets or macro series.
 */
export async function planRunData(
  store: Store | undefined,
  request: RunDataRequest,
): Promise<RunDataPlan> {
  const problems: string[] = [];
  const prices: PricePlan[] = [];
  const skipped: { asset: string; reason: string }[] = [];
  const stored = request.assets.length ? await need(store).listSeries() : [];
  for (const asset of request.assets) {
    const p = planPrice(asset, stored, request);
    if ("asset" in p) prices.push(p);
    else if (p.skip && request.optionalAssets) {
      skipped.push({ asset, reason: `no ${request.interval} prices stored` });
    } else problems.push(p.problem);
  }
  if (request.assets.length > 0 && skipped.length === request.assets.length) {
    problems.push(
      `no ${request.interval} prices stored for any of the default assets (${
        skipped.map((s) => s.asset).join(", ")
      }); import or collect them first, or name assets with --assets`,
    );
  }
  const macro: MacroPlan[] = [];
  const storedMacro = request.macroSeries.length ? await need(store).listMacroSeries() : [];
  for (const series of request.macroSeries) {
    const m = planMacro(series, storedMacro, request);
    if ("series" in m) macro.push(m);
    else problems.push(m.problem);
  }
  if (problems.length) {
    throw new DataError(`Cannot ${request.purpose}: ${problems.join("; ")}`);
  }
  const sources = [
    ...(request.otherSources ?? []),
    ...prices.map((p) => seriesSource("price", p.asset, p.source)),
    ...macro.map((m) => seriesSource("macro", m.series, m.source)),
  ];
  return {
    interval: request.interval,
    prices,
    macro,
    skipped,
    sources,
    warnings: checkProvenance(request, sources),
  };
}

/**
 * The provenance rule: generated and real data in one run are refused (one line naming the
 * series and their sources) unless allowed, and then warned about.
 */
export function checkProvenance(
  request: Pick<RunDataRequest, "purpose" | "allowMixedSources">,
  sources: readonly SeriesSource[],
): string[] {
  const mixed = mixedSourcesProblem(sources);
  if (mixed === undefined) return [];
  if (!request.allowMixedSources) {
    throw new DataError(
      `Cannot ${request.purpose}: ${mixed} (read one kind with --source / --macro-source, ` +
        `or pass --allow-mixed-sources)`,
    );
  }
  return [`${mixed} (--allow-mixed-sources): results on generated data are not real results`];
}

/** The time range to read; both ends inclusive, UTC ms. */
export interface RunDataRange {
  /** First and last bar open time. */
  readonly from?: number;
  readonly to?: number;
  /** First and last macro observation date (default: from the first stored, up to `to`). */
  readonly macroFrom?: number;
  readonly macroTo?: number;
  /** Publication rule per macro series (default: next UTC midnight). */
  readonly publication?: Readonly<Record<string, PublicationRule>>;
}

/** A run's data, ready for any runner. */
export interface RunData {
  readonly plan: RunDataPlan;
  readonly market: Market;
  /** One line per asset whose close-only bars the feed completed (see `completeCloseOnly`). */
  readonly closeOnly: readonly string[];
}

/** The warning for an asset whose close-only bars were completed. */
export function closeOnlyWarning(asset: string, source: string, n: number, total: number): string {
  return `${asset}: ${n} of ${total} bars have only a close (${source}); each such bar opens at the previous close and its high/low span only open and close, so market orders fill at the deciding close and stops fill at their level when the close-to-close move crosses it — the true intrabar range is wider, so some stops/limits that would have triggered are missed`;
}

/** Bars read from elsewhere (a CSV file), placed before the stored assets. */
export interface OtherBars {
  readonly asset: string;
  readonly candles: readonly Candle[];
  /** Where they came from, for warnings (the file). */
  readonly label: string;
}

/**
 * Reads `range` of every series of `plan` (plus `other` bars read elsewhere) into a validated
 * {@link Market}. The store is only read when the plan names stored series.
 */
export async function loadRunData(
  store: Store | undefined,
  plan: RunDataPlan,
  range: RunDataRange,
  other: readonly OtherBars[] = [],
): Promise<RunData> {
  const bars: Record<string, readonly Candle[]> = {};
  const labels: Record<string, string> = {};
  for (const o of other) {
    bars[o.asset] = o.candles;
    labels[o.asset] = o.label;
  }
  for (const p of plan.prices) {
    const key = { source: p.source, asset: p.asset, interval: plan.interval };
    bars[p.asset] = await need(store).getCandles(key, { from: range.from, to: range.to });
    labels[p.asset] = p.source;
  }
  const macro: Record<string, MacroObservation[]> = {};
  for (const m of plan.macro) {
    macro[m.series] = await need(store).getMacro(m.series, {
      source: m.source,
      from: range.macroFrom,
      to: range.macroTo ?? range.to,
    });
  }
  const assets = [...other.map((o) => o.asset), ...plan.prices.map((p) => p.asset)];
  const market = Market.fromData({
    interval: plan.interval,
    assets,
    bars,
    macro,
    publication: range.publication,
  });
  const closeOnly = assets.filter((a) => market.completedBars[a] > 0).map((a) =>
    closeOnlyWarning(a, labels[a], market.completedBars[a], bars[a].length)
  );
  return { plan, market, closeOnly };
}
