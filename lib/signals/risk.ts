/**
 * The risk manager: the last stage between target signals and orders, in the `signals` task and
 * in the backtest engine alike.
 *
 * Rules, in order:
 * 1. **MAX_POSITION_SIZE**: a long/short target's size is capped at `maxPositionSize`.
 * 2. **DEFAULT_STOP_LOSS / DEFAULT_TAKE_PROFIT**: a long/short target without its own
 *    stop-loss / take-profit gets the default (0 disables a default).
 * 3. Each signal is classified against the current position (as the engine executes targets):
 *    *hold* (same direction as the position, or flat without a position: no order), *exit*
 *    (flat while holding: 1 order), *open* (from flat: 1 order) or *flip* (long ↔ short: 2
 *    orders, exit and entry).
 * 4. Exits always pass (a limit that blocks closing a position adds risk), but count.
 * 5. **MAX_DAILY_TRADES**: opens and flips, taken in descending confidence (ties in input order),
 *    pass only while the orders placed on the UTC day of `now` stay within `maxDailyTrades`; a
 *    flip with one order left becomes an exit.
 * 6. **MAX_PORTFOLIO_RISK**: gross exposure `Σ |qty * price| / equity` after the targets must
 *    stay within `maxPortfolioRisk`: an open or flip is shrunk to the room left
 *    (`maxPortfolioRisk - exposure of every other asset`) and rejected when no room is left (a
 *    rejected flip becomes an exit).
 *
 * The manager keeps the day's order count, so use one instance per run.
 * @module
 */
import type { Signal } from "../core/signal.ts";
import type { PositionView } from "../core/strategy.ts";
import { DAY_MS } from "../core/time.ts";

/** Limits from the configuration (MAX_POSITION_SIZE, …). */
export interface RiskLimits {
  /** `MAX_POSITION_SIZE`: largest position, as a fraction of equity. */
  readonly maxPositionSize: number;
  /** `MAX_DAILY_TRADES`: most new orders per UTC day. */
  readonly maxDailyTrades: number;
  /** `MAX_PORTFOLIO_RISK`: largest gross exposure, as a fraction of equity. */
  readonly maxPortfolioRisk: number;
  /** `DEFAULT_STOP_LOSS`: stop-loss distance for signals without one. */
  readonly defaultStopLoss: number;
  /** `DEFAULT_TAKE_PROFIT`: take-profit distance for signals without one. */
  readonly defaultTakeProfit: number;
}

/** What the risk manager reads about the portfolio (the engine's pipeline context fits). */
export interface RiskSnapshot {
  readonly now: number;
  readonly equity: number;
  /** Assets whose positions count toward gross exposure. */
  readonly assets: readonly string[];
  position(asset: string): PositionView;
  /** Latest price of `asset`. */
  price(asset: string): number;
}

/** Rule names, as the configuration variables call them. */
export type RiskRule =
  | "MAX_POSITION_SIZE"
  | "MAX_DAILY_TRADES"
  | "MAX_PORTFOLIO_RISK"
  | "DEFAULT_STOP_LOSS"
  | "DEFAULT_TAKE_PROFIT";

/** Something the risk manager changed or blocked. */
export interface RiskAction {
  readonly ts: number;
  readonly asset: string;
  readonly strategy: string;
  readonly rule: RiskRule;
  readonly action: "capped" | "defaulted" | "rejected" | "downgraded";
  readonly detail: string;
}

/** Signals that may become orders, and what was changed on the way. */
export interface RiskResult {
  readonly signals: Signal[];
  readonly actions: RiskAction[];
}

type Kind = "hold" | "exit" | "open" | "flip";

/** One signal on its way through the rules; `s` becomes `undefined` when it is rejected. */
interface Item {
  readonly index: number;
  s: Signal | undefined;
  readonly kind: Kind;
}

/** Records an action of the rules. */
type Note = (s: Signal, rule: RiskRule, action: RiskAction["action"], detail: string) => void;

const sign = (
  s: Signal,
) => (s.direction === "flat" || s.size === 0 ? 0 : s.direction === "long" ? 1 : -1);
const pct = (v: number) => `${(v * 100).toFixed(2)}%`;

/** Current gross exposure per asset, `|qty * price| / equity`. */
function exposures(snapshot: RiskSnapshot): Map<string, number> {
  const exposure = new Map<string, number>();
  for (const a of snapshot.assets) {
    const q = snapshot.position(a).qty, p = snapshot.price(a);
    const e = q !== 0 && p > 0 && snapshot.equity > 0 ? Math.abs(q * p) / snapshot.equity : 0;
    exposure.set(a, e);
  }
  return exposure;
}

/** Rules 1 and 2 on a long/short target: cap its size, add the default stops. */
function capAndDefault(orig: Signal, lim: RiskLimits, note: Note): Signal {
  let s = orig;
  if (sign(s) === 0) return s;
  if (s.size > lim.maxPositionSize) {
    note(
      s,
      "MAX_POSITION_SIZE",
      "capped",
      `size ${pct(s.size)} capped to ${pct(lim.maxPositionSize)}`,
    );
    s = { ...s, size: lim.maxPositionSize };
  }
  if (s.stopLoss === undefined && lim.defaultStopLoss > 0) {
    note(s, "DEFAULT_STOP_LOSS", "defaulted", `stop-loss ${pct(lim.defaultStopLoss)}`);
    s = { ...s, stopLoss: lim.defaultStopLoss };
  }
  if (s.takeProfit === undefined && lim.defaultTakeProfit > 0) {
    note(s, "DEFAULT_TAKE_PROFIT", "defaulted", `take-profit ${pct(lim.defaultTakeProfit)}`);
    s = { ...s, takeProfit: lim.defaultTakeProfit };
  }
  return s;
}

/** Rule 3: how the engine would execute `s` against the current position. */
function classify(s: Signal, snapshot: RiskSnapshot): Kind {
  const q = snapshot.position(s.asset).qty;
  const cur = q > 0 ? 1 : q < 0 ? -1 : 0, want = sign(s);
  return want === cur ? "hold" : want === 0 ? "exit" : cur === 0 ? "open" : "flip";
}

/** A flip that may only close its position. */
const toExit = (s: Signal): Signal => ({
  ...s,
  direction: "flat",
  size: 0,
  stopLoss: undefined,
  takeProfit: undefined,
  reason: `${s.reason} [risk: exit only]`,
});

/** Applies {@link RiskLimits}; see the module documentation. */
export class RiskManager {
  readonly limits: RiskLimits;
  #day = NaN;
  #orders = 0;

  constructor(limits: RiskLimits) {
    const bad = (ok: boolean, what: string) => {
      if (!ok) throw new RangeError(`Cannot create risk manager: ${what}`);
    };
    bad(limits.maxPositionSize >= 0 && limits.maxPositionSize <= 1, "maxPositionSize not in 0..1");
    bad(Number.isInteger(limits.maxDailyTrades) && limits.maxDailyTrades >= 0, "maxDailyTrades");
    bad(limits.maxPortfolioRisk >= 0, "maxPortfolioRisk must be >= 0");
    bad(limits.defaultStopLoss >= 0 && limits.defaultStopLoss < 1, "defaultStopLoss not in 0..1");
    bad(limits.defaultTakeProfit >= 0, "defaultTakeProfit must be >= 0");
    this.limits = limits;
  }

  /** Orders counted so far on the UTC day of `now`. */
  ordersOn(now: number): number {
    return Math.floor(now / DAY_MS) === this.#day ? this.#orders : 0;
  }

  /** Applies the rules to `signals` at `snapshot.now`. */
  apply(signals: readonly Signal[], snapshot: RiskSnapshot): RiskResult {
    const day = Math.floor(snapshot.now / DAY_MS);
    if (day !== this.#day) {
      this.#day = day;
      this.#orders = 0;
    }
    const actions: RiskAction[] = [];
    const note: Note = (s, rule, action, detail) =>
      actions.push({
        ts: snapshot.now,
        asset: s.asset,
        strategy: s.strategy,
        rule,
        action,
        detail,
      });
    const exposure = exposures(snapshot);
    const items: Item[] = signals.map((orig, index) => {
      const s = capAndDefault(orig, this.limits, note);
      return { index, s, kind: classify(s, snapshot) };
    });
    // Rule 4: exits pass and free their exposure.
    for (const it of items) {
      if (it.kind !== "exit") continue;
      this.#orders++;
      exposure.set(it.s!.asset, 0);
    }
    // Rules 5 and 6: opens and flips by descending confidence.
    const increases = items.filter((it) => it.kind === "open" || it.kind === "flip")
      .sort((a, b) => b.s!.confidence - a.s!.confidence || a.index - b.index);
    for (const it of increases) this.#admit(it, exposure, note);
    return { signals: items.flatMap((it) => (it.s ? [it.s] : [])), actions };
  }

  /** Rules 5 and 6 for one open or flip: within the day's orders, then the gross exposure. */
  #admit(it: Item, exposure: Map<string, number>, note: Note): void {
    const lim = this.limits;
    const s = it.s!;
    const needed = it.kind === "flip" ? 2 : 1;
    const left = lim.maxDailyTrades - this.#orders;
    const exitOnly = (rule: RiskRule, detail: string) => {
      note(s, rule, "downgraded", detail);
      it.s = toExit(s);
      this.#orders++;
      exposure.set(s.asset, 0);
    };
    if (left < needed) {
      if (it.kind === "flip" && left >= 1) {
        exitOnly("MAX_DAILY_TRADES", `${left} order left today: flip becomes exit`);
      } else {
        const detail = `${this.#orders} of ${lim.maxDailyTrades} orders already placed today`;
        note(s, "MAX_DAILY_TRADES", "rejected", detail);
        it.s = undefined;
      }
      return;
    }
    let others = 0;
    for (const [a, e] of exposure) if (a !== s.asset) others += e;
    const room = lim.maxPortfolioRisk - others;
    if (!(room > 1e-12)) {
      const detail = `gross exposure of other positions ${pct(others)} leaves no room under ${
        pct(lim.maxPortfolioRisk)
      }`;
      if (it.kind === "flip") exitOnly("MAX_PORTFOLIO_RISK", `${detail}: flip becomes exit`);
      else {
        note(s, "MAX_PORTFOLIO_RISK", "rejected", detail);
        it.s = undefined;
      }
      return;
    }
    let size = s.size;
    if (size > room) {
      note(
        s,
        "MAX_PORTFOLIO_RISK",
        "capped",
        `size ${pct(size)} cut to ${pct(room)} (gross limit ${pct(lim.maxPortfolioRisk)}, others ${
          pct(others)
        })`,
      );
      size = room;
      it.s = { ...s, size };
    }
    exposure.set(s.asset, size);
    this.#orders += needed;
  }
}
