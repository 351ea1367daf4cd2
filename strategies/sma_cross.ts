/**
 * SMA crossover. With SMA_n(t) the plain mean of the last n closes up to bar t:
 * - cross up at t: fast(t−1) < slow(t−1) and fast(t) > slow(t) (both strict) → close any short
 *   and go long with all equity (target long, size 1 / N for N assets);
 * - cross down at t: fast(t−1) > slow(t−1) and fast(t) < slow(t) → close any long and, with
 *   `allowShort`, go short with all equity (target short, size 1 / N), else go flat.
 * Nothing is signalled on other bars; the first possible cross is at the `slow + 1`-th bar.
 * "All equity" is per asset sleeve: with N assets in the run each target is 1 / N of equity (so
 * with one asset, all of it), and the assets share the capital without starving each other.
 *
 * For speed the means are kept as running sums with a tracked rounding-error bound; whenever
 * fast and slow are closer than that bound the comparison is redone with exactly summed means, so
 * the decisions equal those of the plain definition.
 * @module
 */
import { z } from "zod";
import type { Signal } from "../lib/core/signal.ts";
import type { BarView, Strategy, StrategyContext } from "../lib/core/strategy.ts";
import type { StrategyDefinition } from "../lib/signals/registry.ts";
import defaults from "./sma_cross.json" with { type: "json" };

/** Parameters of {@link SmaCrossStrategy}. */
export interface SmaCrossParams extends Record<string, unknown> {
  /** Bars in the fast mean (>= 1). */
  fast: number;
  /** Bars in the slow mean (> fast). */
  slow: number;
  /** Go short on a cross down instead of flat. */
  allowShort: boolean;
}

const schema = z.object({
  fast: z.number().int().min(1),
  slow: z.number().int().min(2),
  allowShort: z.boolean(),
}).strict().refine((p) => p.fast < p.slow, {
  message: "fast must be smaller than slow",
  path: ["fast"],
}) as unknown as z.ZodType<SmaCrossParams>;

const EPS = 2.3e-16; // a little above 2^-52: per-operation relative rounding error
const RESYNC = 4096; // re-sum exactly every this many bars

/** Sign of SMA_fast − SMA_slow over the windows ending at bar `end`, with exact plain means. */
function exactSign(v: BarView, end: number, fast: number, slow: number): number {
  let fs = 0, ss = 0;
  for (let j = end - fast + 1; j <= end; j++) fs += v.close(j);
  for (let j = end - slow + 1; j <= end; j++) ss += v.close(j);
  const d = fs / fast - ss / slow;
  return d > 0 ? 1 : d < 0 ? -1 : 0;
}

/** The SMA crossover strategy. */
export class SmaCrossStrategy implements Strategy {
  readonly name = "sma_cross";
  readonly params: SmaCrossParams;
  readonly warmup: number;
  readonly macroSeries: readonly string[] = [];
  #state: {
    seen: Int32Array;
    fs: Float64Array;
    ss: Float64Array;
    fe: Float64Array;
    se: Float64Array;
    sign: Float64Array;
  } | undefined;
  #assets: readonly string[] = [];

  constructor(params: SmaCrossParams) {
    this.params = params;
    this.warmup = params.slow + 1;
  }

  onBar(ctx: StrategyContext): readonly Signal[] {
    const { fast, slow } = this.params;
    if (this.#state === undefined || this.#assets !== ctx.assets) {
      const n = ctx.assets.length;
      this.#assets = ctx.assets;
      this.#state = {
        seen: new Int32Array(n),
        fs: new Float64Array(n),
        ss: new Float64Array(n),
        fe: new Float64Array(n),
        se: new Float64Array(n),
        sign: new Float64Array(n).fill(NaN),
      };
    }
    const st = this.#state;
    let out: Signal[] | undefined;
    for (let a = 0; a < this.#assets.length; a++) {
      const v = ctx.bars(this.#assets[a]);
      const n = v.length;
      const seen = st.seen[a];
      if (n === seen) continue;
      let fs = st.fs[a], ss = st.ss[a], fe = st.fe[a], se = st.se[a];
      for (let j = seen; j < n; j++) {
        const c = v.close(j);
        fs += c;
        ss += c;
        if (j >= fast) fs -= v.close(j - fast);
        if (j >= slow) ss -= v.close(j - slow);
        fe += EPS * (Math.abs(fs) + Math.abs(c)) * 2;
        se += EPS * (Math.abs(ss) + Math.abs(c)) * 2;
        if ((j + 1) % RESYNC === 0) {
          fs = 0;
          ss = 0;
          for (let i = Math.max(0, j - fast + 1); i <= j; i++) fs += v.close(i);
          for (let i = Math.max(0, j - slow + 1); i <= j; i++) ss += v.close(i);
          fe = EPS * Math.abs(fs) * fast;
          se = EPS * Math.abs(ss) * slow;
        }
      }
      st.seen[a] = n;
      st.fs[a] = fs;
      st.ss[a] = ss;
      st.fe[a] = fe;
      st.se[a] = se;
      if (n < slow) continue;
      const f = fs / fast, s = ss / slow, d = f - s;
      const tol = fe / fast + se / slow + 4 * EPS * (Math.abs(f) + Math.abs(s));
      const sign = Math.abs(d) <= tol ? exactSign(v, n - 1, fast, slow) : d > 0 ? 1 : -1;
      // Previous sign: known from the last call when exactly one bar arrived, else recomputed.
      const prev = n - seen === 1 ? st.sign[a] : n > slow ? exactSign(v, n - 2, fast, slow) : NaN;
      st.sign[a] = sign;
      if (prev < 0 && sign > 0) {
        (out ??= []).push(this.#signal(ctx, a, "long", f, s, "fast SMA crossed above slow SMA"));
      } else if (prev > 0 && sign < 0) {
        const dir = this.params.allowShort ? "short" : "flat";
        (out ??= []).push(this.#signal(ctx, a, dir, f, s, "fast SMA crossed below slow SMA"));
      }
    }
    return out ?? [];
  }

  #signal(
    ctx: StrategyContext,
    a: number,
    direction: "long" | "short" | "flat",
    fast: number,
    slow: number,
    reason: string,
  ): Signal {
    return {
      ts: ctx.now,
      asset: this.#assets[a],
      direction,
      confidence: 1,
      size: direction === "flat" ? 0 : 1 / this.#assets.length,
      strategy: this.name,
      reason,
      inputs: { smaFast: fast, smaSlow: slow },
    };
  }
}

/** Registry entry of {@link SmaCrossStrategy}. */
export const smaCrossDefinition: StrategyDefinition<SmaCrossParams> = {
  name: "sma_cross",
  className: "SmaCrossStrategy",
  description: "Long when the fast SMA crosses above the slow SMA; flat or short on a cross down",
  schema,
  defaults: defaults as SmaCrossParams,
  create: (params) => new SmaCrossStrategy(params),
};
