/**
 * Indicator name → FRED series id. Users extend or override it with
 * `FRED_SERIES_MAP=UNRATE=UNRATE,WTI=DCOILWTICO`. A name that is in neither map is used as a FRED
 * series id as is (so `--indicators T10Y2Y` works without configuration).
 * @module
 */

/** Built-in map. DXY itself is not on FRED; the broad trade-weighted dollar index stands in. */
export const DEFAULT_FRED_SERIES: Readonly<Record<string, string>> = {
  VIX: "VIXCLS",
  DXY: "DTWEXBGS",
  DGS10: "DGS10",
  DGS2: "DGS2",
  T10Y2Y: "T10Y2Y",
  FEDFUNDS: "FEDFUNDS",
  SP500: "SP500",
  WTI: "DCOILWTICO",
  CPI: "CPIAUCSL",
  UNRATE: "UNRATE",
};

/** The FRED series id for indicator `name` (user pairs first, then built-in, then `name` itself). */
export function fredSeriesId(
  name: string,
  userMap: Readonly<Record<string, string>> = {},
): string {
  return userMap[name] ?? DEFAULT_FRED_SERIES[name] ?? name;
}
