/**
 * The sample market: a deterministic, seeded generator of realistic daily data for bitcoin,
 * ethereum and binancecoin (OHLCV and market cap) and for VIX and a dollar index (DXY, weekdays
 * only), so that every strategy has something to react to offline. It is generated data, labelled
 * as such wherever it is shown — never real prices.
 *
 * Model. Each day draws a common crypto "market factor" f. Each asset's log return is
 * `drift + vol · (b·f + √(1−b²)·ε)`, where the drift follows a path of anchor prices close to the
 * real history (so levels are realistic) plus the regime's own drift. VIX is a mean-reverting log
 * process whose shocks load on the same factor with a regime-dependent coupling c:
 * - calm: c = −0.35 (weak), VIX around its anchor level;
 * - stress: c = −0.9, crypto falls ~2 %/day for a week or two, VIX is pulled towards 35;
 * - negative-correlation stretch: c = −0.9 without a crash;
 * - positive-correlation stretch: c = +0.9 (VIX and crypto rise and fall together).
 * VIX and DXY evolve every day but are published on weekdays only, like the real series.
 * @module
 */
import type { Candle, MacroObservation } from "../core/candle.ts";
import { DAY_MS, parseDateArg } from "../core/time.ts";
import { createRng, type Rng } from "../core/prng.ts";

/** Assets of the sample market (CoinGecko ids). */
export const SAMPLE_ASSETS = ["bitcoin", "ethereum", "binancecoin"] as const;
/** Macro series of the sample market. */
export const SAMPLE_MACRO = ["VIX", "DXY"] as const;
/** Default seed, first and last day. */
export const SAMPLE_DEFAULTS = { seed: 42, start: "2019-01-01", end: "2024-12-31" } as const;

/** A sample asset id. */
export type SampleAsset = typeof SAMPLE_ASSETS[number];

/** A stretch of days with one regime. */
export interface SampleRegime {
  kind: "calm" | "stress" | "negative_correlation" | "positive_correlation";
  /** First day (UTC ms). */
  from: number;
  /** Last day (UTC ms, inclusive). */
  to: number;
}

/** The generated market. */
export interface SampleMarket {
  /** Daily candles per asset; `volume` is in USD (like CoinGecko's total volume). */
  candles: Record<string, Candle[]>;
  /** Weekday observations of VIX and DXY. */
  macro: Record<"VIX" | "DXY", MacroObservation[]>;
  /** Always says that this is generated sample data. */
  label: string;
  seed: number;
  start: number;
  end: number;
  /** The regime schedule the data was generated from. */
  regimes: SampleRegime[];
}

/** Options for {@link generateSampleMarket}. */
export interface SampleOptions {
  /** Integer seed (default 42). */
  seed?: number;
  /** First day, `YYYY-MM-DD` (default 2019-01-01). */
  start?: string;
  /** Last day, inclusive (default 2024-12-31). */
  end?: string;
}

type Anchor = readonly [string, number];

interface AssetModel {
  vol: number;
  beta: number;
  anchors: readonly Anchor[];
  /** Circulating supply at the first and last anchor (linear in between). */
  supply: readonly [number, number];
  /** Daily USD volume as a fraction of market cap. */
  turnover: number;
}

// Anchor prices near the real history, so that levels look familiar; the path between them is
// random.
const ASSETS: Record<SampleAsset, AssetModel> = {
  bitcoin: {
    vol: 0.034,
    beta: 0.93,
    turnover: 0.035,
    supply: [17_450_000, 19_800_000],
    anchors: [
      ["2019-01-01", 3_750],
      ["2019-06-26", 12_000],
      ["2019-12-31", 7_200],
      ["2020-03-13", 5_000],
      ["2020-12-31", 29_000],
      ["2021-04-14", 63_000],
      ["2021-07-20", 30_000],
      ["2021-11-10", 67_000],
      ["2022-06-18", 19_000],
      ["2022-12-31", 16_500],
      ["2023-12-31", 42_000],
      ["2024-03-14", 72_000],
      ["2024-08-05", 54_000],
      ["2024-12-17", 106_000],
      ["2024-12-31", 93_500],
    ],
  },
  ethereum: {
    vol: 0.044,
    beta: 0.9,
    turnover: 0.06,
    supply: [104_400_000, 120_500_000],
    anchors: [
      ["2019-01-01", 140],
      ["2019-06-26", 330],
      ["2019-12-31", 130],
      ["2020-03-13", 110],
      ["2020-12-31", 740],
      ["2021-05-12", 4_200],
      ["2021-07-20", 1_800],
      ["2021-11-10", 4_800],
      ["2022-06-18", 990],
      ["2022-12-31", 1_200],
      ["2023-12-31", 2_300],
      ["2024-03-12", 4_000],
      ["2024-08-05", 2_400],
      ["2024-12-16", 4_000],
      ["2024-12-31", 3_350],
    ],
  },
  binancecoin: {
    vol: 0.048,
    beta: 0.85,
    turnover: 0.04,
    supply: [141_000_000, 144_000_000],
    anchors: [
      ["2019-01-01", 6],
      ["2019-06-22", 38],
      ["2019-12-31", 14],
      ["2020-03-13", 10],
      ["2020-12-31", 38],
      ["2021-05-10", 680],
      ["2021-07-20", 270],
      ["2021-11-10", 650],
      ["2022-06-18", 200],
      ["2022-12-31", 245],
      ["2023-12-31", 310],
      ["2024-06-06", 710],
      ["2024-08-05", 460],
      ["2024-12-04", 790],
      ["2024-12-31", 700],
    ],
  },
};

const VIX_ANCHORS: readonly Anchor[] = [
  ["2019-01-01", 22],
  ["2019-04-01", 14],
  ["2020-02-15", 15],
  ["2020-03-16", 48],
  ["2020-06-01", 28],
  ["2020-12-31", 22],
  ["2021-12-31", 18],
  ["2022-03-07", 30],
  ["2022-10-12", 31],
  ["2022-12-31", 21],
  ["2023-06-30", 14],
  ["2024-07-01", 12.5],
  ["2024-08-05", 22],
  ["2024-09-01", 16],
  ["2024-12-31", 17],
];

const DXY_ANCHORS: readonly Anchor[] = [
  ["2019-01-01", 96.2],
  ["2019-09-30", 99.4],
  ["2020-03-19", 102.8],
  ["2020-12-31", 89.9],
  ["2021-05-25", 89.7],
  ["2021-12-31", 95.7],
  ["2022-09-27", 114.1],
  ["2023-01-31", 102.1],
  ["2023-07-14", 99.8],
  ["2023-10-03", 107.1],
  ["2023-12-28", 101.3],
  ["2024-06-25", 105.9],
  ["2024-09-27", 100.4],
  ["2024-12-31", 108.5],
];

interface RegimeParams {
  coupling: number;
  /** Extra daily log drift of crypto (first half, second half of the regime). */
  drift: readonly [number, number];
  volMult: number;
  /** VIX level the regime pulls towards (undefined: the anchor level) and how fast. */
  vixTarget?: number;
  kappa: number;
  vixVol: number;
}

const REGIMES: Record<SampleRegime["kind"], RegimeParams> = {
  calm: { coupling: -0.35, drift: [0, 0], volMult: 1, kappa: 0.05, vixVol: 0.055 },
  stress: {
    coupling: -0.9,
    drift: [-0.024, 0.004],
    volMult: 1.5,
    vixTarget: 36,
    kappa: 0.22,
    vixVol: 0.08,
  },
  negative_correlation: {
    coupling: -0.92,
    drift: [0, 0],
    volMult: 1.15,
    kappa: 0.04,
    vixVol: 0.075,
  },
  positive_correlation: {
    coupling: 0.92,
    drift: [0.002, 0.002],
    volMult: 1.1,
    kappa: 0.04,
    vixVol: 0.075,
  },
};

/** Label shown with the sample market everywhere. */
export function sampleLabel(seed: number): string {
  return `generated sample data (seed ${seed}; not real market prices)`;
}

/**
 * Generates the sample market. Deterministic: the same options give the same data, bit for bit.
 * Throws a RangeError for an invalid date range or seed.
 */
export function generateSampleMarket(options: SampleOptions = {}): SampleMarket {
  const seed = options.seed ?? SAMPLE_DEFAULTS.seed;
  if (!Number.isSafeInteger(seed)) {
    throw new RangeError(`Cannot generate the sample market: seed ${seed} is not an integer`);
  }
  const start = parseDateArg(options.start ?? SAMPLE_DEFAULTS.start, "sample start");
  const end = parseDateArg(options.end ?? SAMPLE_DEFAULTS.end, "sample end");
  if (start % DAY_MS !== 0 || end % DAY_MS !== 0 || end < start) {
    throw new RangeError(
      "Cannot generate the sample market: start and end must be whole days with start <= end",
    );
  }
  const days = (end - start) / DAY_MS + 1;
  const regimes = scheduleRegimes(createRng(seed ^ 0x5eed), start, days);
  const regimeOf = new Array<SampleRegime>(days);
  for (const r of regimes) {
    for (let t = r.from; t <= r.to; t += DAY_MS) regimeOf[(t - start) / DAY_MS] = r;
  }

  const rng = createRng(seed);
  const candles: Record<string, Candle[]> = {};
  const logP: Record<string, number> = {};
  for (const a of SAMPLE_ASSETS) {
    candles[a] = [];
    logP[a] = anchorAt(ASSETS[a].anchors, start - DAY_MS) + 0.05 * rng.normal();
  }
  let vixLog = anchorAt(VIX_ANCHORS, start);
  let dxyLog = anchorAt(DXY_ANCHORS, start);
  const vix: MacroObservation[] = [];
  const dxy: MacroObservation[] = [];
  const prevClose: Record<string, number> = {};
  for (const a of SAMPLE_ASSETS) prevClose[a] = round(Math.exp(logP[a]), 2);

  for (let d = 0; d < days; d++) {
    const ts = start + d * DAY_MS;
    const regime = regimeOf[d];
    const p = REGIMES[regime.kind];
    const length = (regime.to - regime.from) / DAY_MS + 1;
    const firstHalf = (ts - regime.from) / DAY_MS < Math.ceil(length / 2);
    const f = rng.normal();
    for (const a of SAMPLE_ASSETS) {
      const m = ASSETS[a];
      const anchorNow = anchorAt(m.anchors, ts);
      const slope = anchorNow - anchorAt(m.anchors, ts - DAY_MS);
      const pull = 0.03 * (anchorNow - logP[a]);
      const vol = m.vol * p.volMult;
      const eps = rng.normal();
      const r = slope + pull + p.drift[firstHalf ? 0 : 1] +
        vol * (m.beta * f + Math.sqrt(1 - m.beta * m.beta) * eps);
      logP[a] += r;
      const open = prevClose[a];
      const close = round(Math.exp(logP[a]), 2);
      const wick = () => Math.exp(Math.abs(rng.normal()) * 0.35 * vol);
      const high = round(Math.max(open, close) * wick(), 2);
      const low = round(Math.min(open, close) / wick(), 2);
      const supply = m.supply[0] + (m.supply[1] - m.supply[0]) * ((ts - start) / (days * DAY_MS));
      const marketCap = Math.round(close * supply);
      const volume = Math.round(
        marketCap * m.turnover * (1 + 2.5 * Math.abs(r) / vol) * Math.exp(0.25 * rng.normal()) /
          3.5,
      );
      candles[a].push({
        ts,
        open,
        high,
        low: Math.min(low, open, close),
        close,
        volume,
        marketCap,
      });
      prevClose[a] = close;
    }
    const target = p.vixTarget !== undefined && firstHalf
      ? Math.log(p.vixTarget)
      : anchorAt(VIX_ANCHORS, ts);
    const c = p.coupling;
    vixLog += p.kappa * (target - vixLog) +
      p.vixVol * (c * f + Math.sqrt(1 - c * c) * rng.normal());
    vixLog = Math.min(Math.max(vixLog, Math.log(9)), Math.log(85));
    const dxyShock = 0.0035 * (0.3 * Math.max(-c, 0) * -f + rng.normal());
    dxyLog += 0.02 * (anchorAt(DXY_ANCHORS, ts) - dxyLog) + dxyShock;
    const dow = (Math.floor(ts / DAY_MS) + 4) % 7;
    if (dow !== 0 && dow !== 6) {
      vix.push({ ts, value: round(Math.exp(vixLog), 2) });
      dxy.push({ ts, value: round(Math.exp(dxyLog), 3) });
    }
  }
  return {
    candles,
    macro: { VIX: vix, DXY: dxy },
    label: sampleLabel(seed),
    seed,
    start,
    end,
    regimes,
  };
}

/**
 * Lays out regimes: calm stretches of 30–90 days between special ones that cycle through stress
 * (14–24 days), positive correlation (55–75 days) and negative correlation (55–75 days).
 */
function scheduleRegimes(rng: Rng, start: number, days: number): SampleRegime[] {
  const out: SampleRegime[] = [];
  const specials = ["stress", "positive_correlation", "stress", "negative_correlation"] as const;
  let d = 0, k = rng.int(0, specials.length - 1);
  const push = (kind: SampleRegime["kind"], len: number) => {
    const n = Math.min(len, days - d);
    if (n <= 0) return;
    out.push({ kind, from: start + d * DAY_MS, to: start + (d + n - 1) * DAY_MS });
    d += n;
  };
  push("calm", rng.int(10, 45));
  while (d < days) {
    const kind = specials[k++ % specials.length];
    push(kind, kind === "stress" ? rng.int(14, 24) : rng.int(55, 75));
    push("calm", rng.int(30, 90));
  }
  return out;
}

const anchorCache = new WeakMap<readonly Anchor[], { ts: number[]; log: number[] }>();

/** Log of the anchor path at `ts` (log-linear between anchors, flat outside them). */
function anchorAt(anchors: readonly Anchor[], ts: number): number {
  let c = anchorCache.get(anchors);
  if (!c) {
    c = {
      ts: anchors.map(([d]) => parseDateArg(d, "anchor")),
      log: anchors.map(([, v]) => Math.log(v)),
    };
    anchorCache.set(anchors, c);
  }
  if (ts <= c.ts[0]) return c.log[0];
  for (let i = 1; i < c.ts.length; i++) {
    if (ts <= c.ts[i]) {
      const w = (ts - c.ts[i - 1]) / (c.ts[i] - c.ts[i - 1]);
      return c.log[i - 1] + w * (c.log[i] - c.log[i - 1]);
    }
  }
  return c.log[c.ts.length - 1];
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
