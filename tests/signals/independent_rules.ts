/**
 * An independent implementation of the two shipped macro strategies at their default parameters,
 * written from the rules in docs/signals.md on plain maps of dates to closes — no mts code — so a
 * parity test can check the `signals` runner and the backtest engine against something that does
 * not share their code.
 *
 * Time: the decision for the bar dated D happens at D+1 00:00 UTC; it sees the asset's closes of
 * bars dated <= D and the VIX closes dated <= D (published at the next UTC midnight).
 * @module
 */

/** Closes by UTC date (`YYYY-MM-DD`): one map per asset, and VIX. */
export interface RawMarket {
  readonly closes: Readonly<Record<string, ReadonlyMap<string, number>>>;
  readonly vix: ReadonlyMap<string, number>;
}

/** A signal as the rules define it. */
export interface ExpectedSignal {
  readonly asset: string;
  readonly strategy: "vix_correlation" | "mean_reversion";
  readonly direction: "long" | "short" | "flat";
  readonly size: number;
  readonly confidence: number;
  readonly stopLoss?: number;
  readonly takeProfit?: number;
}

/** `date → close` of the VIX file (`DATE,OPEN,HIGH,LOW,CLOSE`). */
export function readVixCsv(text: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const line of text.trim().split("\n").slice(1)) {
    const f = line.split(",");
    m.set(f[0], Number(f[4]));
  }
  return m;
}

/**
 * `bar date → close` of a CoinGecko export: the snapshot stamped D+1 00:00 UTC is the close of
 * the daily bar dated D.
 */
export function readCoinGeckoCsv(text: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const line of text.trim().split("\n").slice(1)) {
    const f = line.split(",");
    const snapped = Date.parse(f[0].replace(" UTC", "Z").replace(" ", "T"));
    m.set(new Date(snapped - 86_400_000).toISOString().slice(0, 10), Number(f[1]));
  }
  return m;
}

/** Textbook two-pass Pearson correlation. */
function pearson(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n, my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

const sortedDates = (m: ReadonlyMap<string, number>, upTo: string) =>
  [...m.keys()].filter((d) => d <= upTo).sort();

// vix_correlation defaults (strategies/vix_correlation.json)
const L = 30, SN = -0.6, SP = 0.6, TOL = 1e-12;

/** The correlation over the 30 VIX intervals ending at VIX date index `end`, or undefined. */
function correlationAt(
  closes: ReadonlyMap<string, number>,
  vix: ReadonlyMap<string, number>,
  dates: readonly string[],
  end: number,
): number | undefined {
  if (end - L < 0) return undefined;
  const window = dates.slice(end - L, end + 1);
  if (window.some((d) => !closes.has(d))) return undefined;
  const x: number[] = [], y: number[] = [];
  for (let k = 1; k < window.length; k++) {
    x.push(Math.log(closes.get(window[k])! / closes.get(window[k - 1])!));
    y.push(Math.log(vix.get(window[k])! / vix.get(window[k - 1])!));
  }
  return pearson(x, y);
}

/** vix_correlation's signal for `asset` at the close of the bar dated `day`, if any. */
export function expectedVixCorrelation(
  raw: RawMarket,
  asset: string,
  day: string,
): ExpectedSignal | undefined {
  const closes = raw.closes[asset];
  const dates = sortedDates(raw.vix, day);
  const end = dates.length - 1;
  const r = correlationAt(closes, raw.vix, dates, end);
  if (r === undefined || !Number.isFinite(r)) return undefined;
  const base = { asset, strategy: "vix_correlation" as const, stopLoss: 0.05, takeProfit: 0.1 };
  if (r < SN - TOL) {
    return { ...base, direction: "long", size: 0.02, confidence: 0.5 + 0.5 * (SN - r) / (1 + SN) };
  }
  if (r > SP + TOL) {
    return { ...base, direction: "short", size: 0.02, confidence: 0.5 + 0.5 * (r - SP) / (1 - SP) };
  }
  const prev = correlationAt(closes, raw.vix, dates, end - 1);
  if (prev !== undefined && (prev < SN - TOL || prev > SP + TOL)) {
    return { asset, strategy: "vix_correlation", direction: "flat", size: 0, confidence: 0.5 };
  }
  return undefined;
}

// mean_reversion defaults (strategies/mean_reversion.json)
const T = 25, D = 0.1, LB = 14, H = 10;

/** The VIX close dated <= `day` (the one published by that bar's close), or NaN. */
function vixOn(vix: ReadonlyMap<string, number>, day: string): number {
  const dates = sortedDates(vix, day);
  return dates.length ? vix.get(dates[dates.length - 1])! : NaN;
}

/** Drawdown of bar `j` from the highest of the 14 closes ending there, or NaN. */
function drawdownAt(values: readonly number[], j: number): number {
  if (j < LB - 1) return NaN;
  const high = Math.max(...values.slice(j - LB + 1, j + 1));
  return 1 - values[j] / high;
}

/** mean_reversion's signal for `asset` at the close of the bar dated `day`, if any. */
export function expectedMeanReversion(
  raw: RawMarket,
  asset: string,
  day: string,
): ExpectedSignal | undefined {
  const closes = raw.closes[asset];
  const dates = sortedDates(closes, day);
  const values = dates.map((d) => closes.get(d)!);
  const n = values.length;
  if (n < LB) return undefined;
  const entryAt = (j: number) => vixOn(raw.vix, dates[j]) > T && drawdownAt(values, j) > D;
  const v = vixOn(raw.vix, day), dd = drawdownAt(values, n - 1);
  if (entryAt(n - 1)) {
    return {
      asset,
      strategy: "mean_reversion",
      direction: "long",
      size: Math.min(0.025 * Math.min(v / T, 2), 0.05),
      confidence: 0.5 + 0.25 * Math.min(1, (v - T) / T) + 0.25 * Math.min(1, (dd - D) / D),
      stopLoss: 0.08,
      takeProfit: 0.15,
    };
  }
  let since = 0;
  for (let k = 1; k <= H && n - 1 - k >= LB - 1; k++) {
    if (entryAt(n - 1 - k)) {
      since = k;
      break;
    }
  }
  if (since > 0 && (since >= H || dd < 0.05 || v < 20)) {
    return { asset, strategy: "mean_reversion", direction: "flat", size: 0, confidence: 0.5 };
  }
  return undefined;
}

/** Both strategies' signals for `assets` at the close of the bar dated `day`. */
export function expectedSignals(
  raw: RawMarket,
  assets: readonly string[],
  day: string,
): ExpectedSignal[] {
  return [
    ...assets.map((a) => expectedVixCorrelation(raw, a, day)),
    ...assets.map((a) => expectedMeanReversion(raw, a, day)),
  ].filter((s): s is ExpectedSignal => s !== undefined);
}
