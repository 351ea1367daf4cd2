/**
 * Explained evaluations: what a strategy decided for each asset and why, including the
 * evaluations that did not fire, so `signals --json` can show why nothing happened.
 * @module
 */
import type { Signal } from "../core/signal.ts";
import type { Strategy, StrategyContext } from "../core/strategy.ts";

/** Numbers and labels a decision used. */
export type Inputs = Readonly<Record<string, number | string | boolean | null>>;

/** One strategy's decision for one asset at one time. */
export interface Evaluation {
  readonly ts: number;
  readonly asset: string;
  readonly strategy: string;
  /** True when it produced a signal. */
  readonly fired: boolean;
  /** The signal, when it fired. */
  readonly signal?: Signal;
  /** Why it fired, or why it did not. */
  readonly reason: string;
  readonly inputs: Inputs;
}

/** A strategy that can explain every evaluation, fired or not. */
export interface ExplainingStrategy extends Strategy {
  /** Same decisions as `onBar`, one entry per evaluated asset. */
  evaluate(ctx: StrategyContext): readonly Evaluation[];
}

/** True when `s` implements {@link ExplainingStrategy}. */
export function isExplaining(s: Strategy): s is ExplainingStrategy {
  return typeof (s as Partial<ExplainingStrategy>).evaluate === "function";
}

/**
 * Evaluates `strategy` at `ctx`: its own explanations when it gives them, otherwise one fired
 * evaluation per signal of `onBar`.
 */
export function evaluateStrategy(strategy: Strategy, ctx: StrategyContext): Evaluation[] {
  if (isExplaining(strategy)) return [...strategy.evaluate(ctx)];
  return strategy.onBar(ctx).map((s) => ({
    ts: s.ts,
    asset: s.asset,
    strategy: s.strategy,
    fired: true,
    signal: s,
    reason: s.reason,
    inputs: s.inputs ?? {},
  }));
}

/** Builds a fired evaluation from its signal. */
export function fired(signal: Signal): Evaluation {
  return {
    ts: signal.ts,
    asset: signal.asset,
    strategy: signal.strategy,
    fired: true,
    signal,
    reason: signal.reason,
    inputs: signal.inputs ?? {},
  };
}

/** Builds an evaluation that did not fire. */
export function notFired(
  base: { ts: number; asset: string; strategy: string },
  reason: string,
  inputs: Inputs,
): Evaluation {
  return { ...base, fired: false, reason, inputs };
}
