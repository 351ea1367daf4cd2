/**
 * Explained evaluations: what a strategy decided for each asset and why, including the
 * evaluations that did not fire, so `signals --json` can show why nothing happened.
 * @module
 */
import type { Signal } from "../core/signal.ts";
import type { Evaluation, Inputs, Strategy, StrategyContext } from "../core/strategy.ts";

export type { Evaluation, Inputs } from "../core/strategy.ts";

/**
 * Evaluates `strategy` at `ctx`: its own explanations when it gives them
 * ({@link Strategy.evaluate}), otherwise one fired evaluation per signal of `onBar`.
 */
export function evaluateStrategy(strategy: Strategy, ctx: StrategyContext): Evaluation[] {
  if (strategy.evaluate) return [...strategy.evaluate(ctx)];
  return strategy.onBar(ctx).map(fired);
}

/** The signals of the evaluations that fired, in order (how an explaining strategy's `onBar` reads). */
export function firedSignals(evaluations: readonly Evaluation[]): Signal[] {
  const out: Signal[] = [];
  for (const e of evaluations) if (e.signal) out.push(e.signal);
  return out;
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

/**
 * A strategy whose decisions are its evaluations: `onBar` returns the signals of the
 * evaluations that fired, so the two can never disagree.
 */
export function explainingStrategy(spec: {
  readonly name: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly warmup: number;
  readonly macroSeries: readonly string[];
  readonly evaluate: (ctx: StrategyContext) => readonly Evaluation[];
}): Strategy {
  const { evaluate } = spec;
  return {
    name: spec.name,
    params: spec.params,
    warmup: spec.warmup,
    macroSeries: spec.macroSeries,
    evaluate,
    onBar: (ctx) => firedSignals(evaluate(ctx)),
  };
}
