/**
 * Data provenance: where each series a result used came from, and the rule that generated
 * (sample) data and real data never mix silently. Every result — the backtest table, `--json`,
 * the stored run, the HTML report, `signals` — lists its {@link SeriesSource}s; a run whose
 * series mix generated and real data is refused unless the caller allows it, and then carries a
 * warning.
 * @module
 */

/** Source name of the generated sample market (`deno task demo`). */
export const SAMPLE_SOURCE = "sample";

/** True when `source` holds generated data rather than real market data. */
export function isGenerated(source: string): boolean {
  return source === SAMPLE_SOURCE;
}

/** Where one series of a run came from. */
export interface SeriesSource {
  /** `price` (an asset's bars) or `macro` (a macro series). */
  readonly kind: "price" | "macro";
  /** Asset id or macro series id. */
  readonly name: string;
  /** Stored source (`coingecko`, `cboe`, `sample`, …) or, for a CSV file, its format's source. */
  readonly source: string;
  /** True for generated data (the sample market). */
  readonly generated: boolean;
  /** The file a series was read from, when it came from a file rather than the store. */
  readonly file?: string;
}

/** A {@link SeriesSource}, with `generated` derived from the source name. */
export function seriesSource(
  kind: SeriesSource["kind"],
  name: string,
  source: string,
  file?: string,
): SeriesSource {
  return { kind, name, source, generated: isGenerated(source), ...(file ? { file } : {}) };
}

/** `bitcoin prices from coingecko`, `VIX from sample (generated)`. */
export function describeSource(s: SeriesSource): string {
  const what = s.kind === "price" ? `${s.name} prices` : s.name;
  const from = s.file ? `${s.file} (${s.source})` : s.source;
  return `${what} from ${from}${s.generated ? " (generated)" : ""}`;
}

/** Every source in one line: `bitcoin prices from coingecko, VIX from sample (generated)`. */
export function describeSources(sources: readonly SeriesSource[]): string {
  return sources.map(describeSource).join(", ");
}

/** True when `sources` hold both generated and real series. */
export function isMixed(sources: readonly SeriesSource[]): boolean {
  return sources.some((s) => s.generated) && sources.some((s) => !s.generated);
}

/**
 * One line naming the generated and the real series when `sources` mix them, else `undefined`:
 * `generated and real data mixed: ethereum prices from sample (generated); real: bitcoin prices
 * from coingecko, VIX from cboe`.
 */
export function mixedSourcesProblem(sources: readonly SeriesSource[]): string | undefined {
  if (!isMixed(sources)) return undefined;
  const list = (generated: boolean) =>
    sources.filter((s) => s.generated === generated).map(describeSource).join(", ");
  return `generated and real data mixed: ${list(true)}; real: ${list(false)}`;
}
