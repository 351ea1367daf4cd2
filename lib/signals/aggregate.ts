/**
 * Signal aggregation: combines the strategies' signals per asset into one target.
 *
 * Each signal is a vote with score `w * c` (strategy weight × confidence). Per asset, with `L`,
 * `S` and `F` the summed scores of long, short and flat votes:
 *
 * - `net = (L - S) / (L + S + F)`, in [-1, 1]; opposite directions net out, flat votes dilute;
 * - only flat votes: a FLAT target, confidence = weighted mean confidence of the flat votes;
 * - `|net| < minNet` (default 0.2): nothing trades and the conflict is recorded with every side;
 * - otherwise the winning side (long if `net > 0`) trades with
 *   `size = |net| * Σ_win(w c s) / Σ_win(w c)` (the winners' score-weighted size, shrunk by the
 *   opposition) and `confidence = |net| * Σ_win(w c) / Σ_win(w)`; stop-loss / take-profit are
 *   the tightest the winners gave.
 *
 * A strategy with weight 0 is ignored; when a strategy gives several signals for one asset, its
 * last one counts.
 * @module
 */
import type { Direction, Signal } from "../core/signal.ts";

/** Name the aggregated signals carry as `strategy`. */
export const AGGREGATE = "aggregate";

/** Options of {@link aggregateSignals}. */
export interface AggregateOptions {
  /** Strategy name → weight (default 1). */
  readonly weights?: Readonly<Record<string, number>>;
  /** Smallest |net| that trades when votes disagree (default 0.2). */
  readonly minNet?: number;
  /** Output order of assets (others follow in order of first appearance). */
  readonly assetOrder?: readonly string[];
}

/** One strategy's vote on one asset. */
export interface Vote {
  readonly strategy: string;
  readonly direction: Direction;
  readonly confidence: number;
  readonly weight: number;
  readonly size: number;
  /** `weight * confidence`. */
  readonly score: number;
}

/** Votes that cancelled out: nothing traded for this asset. */
export interface Conflict {
  readonly ts: number;
  readonly asset: string;
  readonly net: number;
  readonly longScore: number;
  readonly shortScore: number;
  readonly flatScore: number;
  readonly long: readonly Vote[];
  readonly short: readonly Vote[];
  readonly flat: readonly Vote[];
  readonly reason: string;
}

/** Aggregated targets and the conflicts that blocked trades. */
export interface AggregateResult {
  readonly signals: Signal[];
  readonly conflicts: Conflict[];
}

const fmt = (v: number) => v.toFixed(2);

/** Each asset's last signal per strategy, assets in `assetOrder` then in order of appearance. */
function groupByAsset(
  signals: readonly Signal[],
  assetOrder: readonly string[] = [],
): Map<string, Map<string, Signal>> {
  const byAsset = new Map<string, Map<string, Signal>>();
  for (const a of assetOrder) byAsset.set(a, new Map());
  for (const s of signals) {
    let m = byAsset.get(s.asset);
    if (!m) byAsset.set(s.asset, m = new Map());
    m.set(s.strategy, s);
  }
  return byAsset;
}

/** The votes of one asset's signals (weight 0 ignored) and the newest signal time. */
function votesOf(perStrategy: ReadonlyMap<string, Signal>, options: AggregateOptions) {
  const votes: Vote[] = [];
  let ts = -Infinity;
  for (const s of perStrategy.values()) {
    const weight = options.weights?.[s.strategy] ?? 1;
    if (!(weight >= 0)) {
      throw new RangeError(`Cannot aggregate: weight of ${s.strategy} is ${weight}`);
    }
    if (weight === 0) continue;
    ts = Math.max(ts, s.ts);
    votes.push({
      strategy: s.strategy,
      direction: s.direction,
      confidence: s.confidence,
      weight,
      size: s.direction === "flat" ? 0 : s.size,
      score: weight * s.confidence,
    });
  }
  return { votes, ts };
}

const sum = (vs: readonly Vote[], f: (v: Vote) => number) => vs.reduce((a, v) => a + f(v), 0);

/** The tightest of the winners' stop-loss and take-profit. */
function tightestStops(winners: readonly Vote[], perStrategy: ReadonlyMap<string, Signal>) {
  const stopLosses = winners.map((v) => perStrategy.get(v.strategy)!.stopLoss)
    .filter((x): x is number => x !== undefined);
  const takeProfits = winners.map((v) => perStrategy.get(v.strategy)!.takeProfit)
    .filter((x): x is number => x !== undefined);
  return {
    ...(stopLosses.length ? { stopLoss: Math.min(...stopLosses) } : {}),
    ...(takeProfits.length ? { takeProfit: Math.min(...takeProfits) } : {}),
  };
}

/** One asset's aggregate: a target, a conflict, or nothing (see the module documentation). */
function aggregateAsset(
  asset: string,
  perStrategy: ReadonlyMap<string, Signal>,
  options: AggregateOptions,
  minNet: number,
): { signal: Signal } | { conflict: Conflict } | undefined {
  const { votes, ts } = votesOf(perStrategy, options);
  if (votes.length === 0) return undefined;
  const side = (d: Direction) => votes.filter((v) => v.direction === d);
  const long = side("long"), short = side("short"), flat = side("flat");
  const L = sum(long, (v) => v.score), S = sum(short, (v) => v.score);
  const F = sum(flat, (v) => v.score);
  const total = L + S + F;
  const votesText = votes.map((v) =>
    `${v.strategy}:${v.direction}:${fmt(v.confidence)}x${v.weight}`
  )
    .join(",");
  const inputs = { long_score: L, short_score: S, flat_score: F, votes: votesText };
  if (total === 0) return undefined; // every vote had zero confidence
  if (long.length === 0 && short.length === 0) {
    return {
      signal: {
        ts,
        asset,
        direction: "flat",
        confidence: F / sum(flat, (v) => v.weight),
        size: 0,
        strategy: AGGREGATE,
        reason: `flat: ${flat.map((v) => v.strategy).join(", ")}`,
        inputs: { ...inputs, net: 0 },
      },
    };
  }
  const net = (L - S) / total;
  if (Math.abs(net) < minNet) {
    return {
      conflict: {
        ts,
        asset,
        net,
        longScore: L,
        shortScore: S,
        flatScore: F,
        long,
        short,
        flat,
        reason: `net ${fmt(net)} is inside ±${fmt(minNet)}: long ${fmt(L)} vs short ${
          fmt(S)
        } vs flat ${fmt(F)}; nothing trades`,
      },
    };
  }
  const winners = net > 0 ? long : short;
  const losers = votes.filter((v) => !winners.includes(v));
  const wScore = sum(winners, (v) => v.score);
  const direction: Direction = net > 0 ? "long" : "short";
  return {
    signal: {
      ts,
      asset,
      direction,
      confidence: Math.min(1, Math.abs(net) * wScore / sum(winners, (v) => v.weight)),
      size: Math.min(1, Math.abs(net) * sum(winners, (v) => v.score * v.size) / wScore),
      ...tightestStops(winners, perStrategy),
      strategy: AGGREGATE,
      reason: `${direction} by ${winners.map((v) => v.strategy).join(", ")}${
        losers.length
          ? ` against ${losers.map((v) => `${v.strategy} (${v.direction})`).join(", ")}`
          : ""
      }; net ${fmt(net)}`,
      inputs: { ...inputs, net },
    },
  };
}

/** Combines `signals` per asset (see the module documentation for the rule). */
export function aggregateSignals(
  signals: readonly Signal[],
  options: AggregateOptions = {},
): AggregateResult {
  const minNet = options.minNet ?? 0.2;
  if (!(minNet >= 0 && minNet <= 1)) {
    throw new RangeError(`Cannot aggregate with minNet ${minNet}: expected 0..1`);
  }
  const out: Signal[] = [];
  const conflicts: Conflict[] = [];
  for (const [asset, perStrategy] of groupByAsset(signals, options.assetOrder)) {
    const r = aggregateAsset(asset, perStrategy, options, minNet);
    if (r && "signal" in r) out.push(r.signal);
    else if (r) conflicts.push(r.conflict);
  }
  return { signals: out, conflicts };
}
