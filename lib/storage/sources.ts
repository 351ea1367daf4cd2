/**
 * Which source to read when an asset is stored from several.
 * @module
 */

/**
 * Preference order when an asset is stored from several sources and the caller names none:
 * exchange OHLCV first, then aggregators and imports, generated sample data last.
 */
export const SOURCE_PRIORITY: readonly string[] = [
  "binance",
  "coingecko",
  "csv",
  "cryptodatadownload",
];

/** Picks the preferred source among `available` (see {@link SOURCE_PRIORITY}; `sample` last). */
export function pickSource(available: readonly string[]): string | undefined {
  if (available.length === 0) return undefined;
  const rank = (s: string) => {
    if (s === "sample") return 1_000;
    const i = SOURCE_PRIORITY.indexOf(s);
    return i === -1 ? SOURCE_PRIORITY.length : i;
  };
  return [...available].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))[0];
}
