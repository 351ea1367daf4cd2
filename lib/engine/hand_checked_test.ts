/**
 * Review cases worked out by hand: every expected number is derived in the comments from the
 * fill rules in the README (Backtesting), not taken from the engine's output.
 */
import assert from "node:assert/strict";
import type { BarView, MacroView, Strategy, StrategyContext } from "../core/strategy.ts";
import { type BacktestOptions, runBacktest } from "./engine.ts";
import { bars, DAY, FLAT, near, type Row, run, Script, T0 } from "../../tests/helpers/engine.ts";
import { resultToJson, stringifyResult } from "../report/json.ts";

Deno.test("a short whose stop-loss and take-profit both lie inside one bar loses at the stop", () => {
  // k=0: short all equity, SL 5%, TP 5%. Bar 1 opens 100: 100000 / 100 = 1000 units short;
  // SL = 100 × 1.05 = 105 (a buy stop above), TP = 100 × 0.95 = 95 (a buy limit below).
  // Bar 1 [100,101,99,100] reaches neither. Bar 2 [100,106,94,100] reaches both: the adverse
  // one (SL) is assumed: cover 1000 at 105 → pnl = −1000 × 5 = −5000, returnPct −0.05.
  // Cash: 100000 + 100000 (sale) − 105000 (cover) = 95000.
  const s = bars("btc", [FLAT, [100, 101, 99, 100], [100, 106, 94, 100], FLAT]);
  const r = run([s], { 0: [{ direction: "short", stopLoss: 0.05, takeProfit: 0.05 }] });
  assert.equal(r.trades.length, 1);
  const t = r.trades[0];
  assert.equal(t.side, "short");
  assert.equal(t.exitReason, "stop_loss");
  near(t.exitPrice, 105, "exit at the stop level");
  assert.equal(t.exitTs, T0 + 3 * DAY, "an intrabar fill is stamped with the bar's close time");
  near(t.pnl, -5_000, "pnl");
  near(t.returnPct, -0.05, "returnPct");
  near(r.metrics.finalEquity, 95_000, "final equity");

  // Same, but bar 2 opens at 107, above the stop: the cover fills at the open, 107 →
  // pnl = −1000 × 7 = −7000. And opening at 93, below the take-profit: TP at the open, +7000.
  const gapUp = run([bars("btc", [FLAT, [100, 101, 99, 100], [107, 108, 94, 100], FLAT])], {
    0: [{ direction: "short", stopLoss: 0.05, takeProfit: 0.05 }],
  });
  near(gapUp.trades[0].exitPrice, 107, "gap through the stop fills at the open");
  near(gapUp.trades[0].pnl, -7_000, "pnl of the gap");
  assert.equal(gapUp.trades[0].exitTs, T0 + 2 * DAY, "a fill at the open has the open time");
  const gapDown = run([bars("btc", [FLAT, [100, 101, 99, 100], [93, 106, 92, 100], FLAT])], {
    0: [{ direction: "short", stopLoss: 0.05, takeProfit: 0.05 }],
  });
  assert.equal(gapDown.trades[0].exitReason, "take_profit");
  near(gapDown.trades[0].exitPrice, 93, "gap through the take-profit fills at the better open");
  near(gapDown.trades[0].pnl, 7_000, "pnl of the favourable gap");
});

Deno.test("a limit entry waits until reached and fills at the open when the bar gaps past it", () => {
  // k=0: buy limit at 95. Bar 1 [100,101,96,100]: low 96 > 95, not reached, stays pending.
  // Bar 2 [90,92,88,91] opens at 90 <= 95: fills at the open 90 (better than the limit),
  // stamped with the open time. Units 100000 / 90 = 1111.11…; equity at bar 2's close =
  // 1111.11… × 91 = 101111.11…; closed at the end at the last close 91.
  const s = bars("btc", [FLAT, [100, 101, 96, 100], [90, 92, 88, 91]]);
  const r = run([s], { 0: [{ orderType: "limit", orderPrice: 95 }] });
  assert.equal(r.fills[0].ts, T0 + 2 * DAY);
  near(r.fills[0].price, 90, "limit fill at the gap open");
  near(r.fills[0].qty, 100_000 / 90, "units");
  near(r.equity.equity[1], 100_000, "nothing filled on bar 1");
  near(r.equity.equity[2], 100_000 / 90 * 91, "equity at bar 2's close");

  // A sell limit (short entry) at 105 with bar 1 opening at 108 fills at 108 (better).
  const short = run([bars("btc", [FLAT, [108, 109, 104, 106], FLAT])], {
    0: [{ direction: "short", orderType: "limit", orderPrice: 105 }],
  });
  near(short.fills[0].price, 108, "sell limit fills at the higher open");
  near(short.fills[0].qty, 100_000 / 108, "short units");
});

Deno.test("a whole-unit short pays rate and fixed commission on both fills", () => {
  // Rate 0.1%, fixed 5 per fill. k=0 short all equity; bar 1 opens 100.
  // units = floor((100000 − 5) / (100 × 1.001)) = floor(998.95…) = 998;
  // check 998 × 100 × 1.001 + 5 = 99904.8 <= 100000. Entry fee = 99800 × 0.001 + 5 = 104.8.
  // Cash = 100000 + 99800 − 104.8 = 199695.2; equity at bar 1's close (100) = 199695.2 − 99800
  // = 99895.2. k=1 flat: bar 2 opens 90 → cover 998 × 90 = 89820, fee 89.82 + 5 = 94.82.
  // Cash = 199695.2 − 89820 − 94.82 = 109780.38. pnl = 998 × 10 − 104.8 − 94.82 = 9780.38;
  // returnPct = 9780.38 / (100 × 998) = 0.0979998…; fees = 199.62.
  const s = bars("btc", [FLAT, FLAT, [90, 90, 90, 90], [90, 90, 90, 90]]);
  const r = run([s], { 0: [{ direction: "short" }], 1: [{ direction: "flat", size: 0 }] }, {
    units: "whole",
    commission: 0.001,
    commissionFixed: 5,
  });
  assert.equal(r.fills[0].qty, 998);
  near(r.fills[0].fee, 104.8, "entry fee");
  near(r.equity.equity[1], 99_895.2, "equity after the entry");
  near(r.fills[1].fee, 94.82, "exit fee");
  const t = r.trades[0];
  near(t.pnl, 9_780.38, "pnl");
  near(t.returnPct, 9_780.38 / 99_800, "returnPct");
  near(t.fees, 199.62, "trade fees");
  near(r.metrics.fees, 199.62, "fees metric");
  near(r.metrics.finalEquity, 109_780.38, "final equity");
});

Deno.test("an entry is sized from the equity left by an exit in another asset at the same time", () => {
  // Assets in the order [eth, btc]. k=0: btc long all equity → bar 1 opens 100: 1000 btc,
  // cash 0. Bar 1 closes 120: equity 120000. k=1: btc flat and eth long all equity. At bar 2
  // the btc exit fills first although eth comes first in the asset order: sell 1000 at 110 →
  // cash 110000; then eth at its open 50: 110000 / 50 = 2200 units. Bar 2 closes eth 55:
  // equity 2200 × 55 = 121000. (Had the entry gone first, no free equity → rejected.)
  const eth = bars("eth", [[50, 50, 50, 50], [50, 50, 50, 50], [50, 56, 50, 55]]);
  const btc = bars("btc", [FLAT, [100, 120, 100, 120], [110, 110, 110, 110]]);
  const r = run([eth, btc], {
    0: [{ asset: "btc" }],
    1: [{ asset: "btc", direction: "flat", size: 0 }, { asset: "eth" }],
  }, { closeAtEnd: "none" });
  assert.deepEqual(r.rejections, []);
  assert.deepEqual(r.fills.map((f) => [f.asset, f.role, f.qty]), [
    ["btc", "entry", 1000],
    ["btc", "exit", 1000],
    ["eth", "entry", 2200],
  ]);
  near(r.equity.equity[2], 121_000, "equity at bar 2's close");
});

Deno.test("with fill close a reversal exits and re-enters at the same close, exit first", () => {
  // Rate 0.1%. k=0 long at close 100: u1 = 100000 / (100 × 1.001) = 999.000999…, fee
  // u1 × 0.1; equity at bar 0 = 100000 − u1 × 0.1 = 99900.0999…
  // k=1 short at close 110: sell u1 at 110 → cash = u1 × 110 × 0.999 = 109780.219…; then
  // u2 = cash / (110 × 1.001); opening the short leaves equity = cash − u2 × 110 × 0.001.
  const s = bars("btc", [FLAT, [110, 110, 110, 110], [110, 110, 110, 110]]);
  const r = run([s], { 0: [{}], 1: [{ direction: "short" }] }, {
    fill: "close",
    commission: 0.001,
    closeAtEnd: "none",
  });
  const u1 = 100_000 / 100.1;
  near(r.equity.equity[0], 100_000 - u1 * 0.1, "bar 0 equity includes the entry fee");
  const cash = u1 * 110 * 0.999;
  const u2 = cash / (110 * 1.001);
  assert.deepEqual(r.fills.map((f) => [f.role, f.side, f.ts]), [
    ["entry", "buy", T0 + DAY],
    ["exit", "sell", T0 + 2 * DAY],
    ["entry", "sell", T0 + 2 * DAY],
  ]);
  near(r.fills[2].qty, u2, "short sized from the equity after the exit");
  near(r.equity.equity[1], cash - u2 * 110 * 0.001, "bar 1 equity after both fills");
  near(r.trades[0].pnl, u1 * 10 - u1 * 0.1 - u1 * 0.11, "long's pnl net of both fees");
});

Deno.test("close-at-end none values the open position at the last close and keeps it out of the trade stats", () => {
  // k=0 long (bar 1 open 100: 1000 units), k=1 flat (bar 2 open 110: +10000, a winning trade);
  // k=2 short (bar 3 open 110: 110000 / 110 = 1000 short). Last close 99: the short is worth
  // 1000 × 11 = +11000 unrealised → final equity 110000 + 11000 = 121000. Trade stats: only
  // the long (numTrades 1, winRate 1, avgTrade 0.1); the short is in openPositions.
  // Exposure: open at the closes of bars 1, 3, 4 (bar 2 exited at its open) → 3 / 5 = 0.6.
  const s = bars("btc", [FLAT, FLAT, [110, 110, 110, 110], [110, 110, 100, 100], [
    100,
    100,
    99,
    99,
  ]]);
  const r = run([s], {
    0: [{}],
    1: [{ direction: "flat", size: 0 }],
    2: [{ direction: "short" }],
  }, { closeAtEnd: "none" });
  assert.equal(r.metrics.numTrades, 1);
  assert.equal(r.metrics.winRate, 1);
  near(r.metrics.avgTrade, 0.1, "avgTrade of the closed trade only");
  near(r.metrics.finalEquity, 121_000, "open short valued at the last close");
  assert.equal(r.openPositions.length, 1);
  const p = r.openPositions[0];
  assert.equal(p.side, "short");
  near(p.size, 1000, "open size");
  near(p.lastPrice, 99, "valued at the last close");
  near(p.unrealizedPnl, 11_000, "unrealised pnl");
  near(r.metrics.exposure, 0.6, "exposure");
  assert.equal(resultToJson(r).openPositions.length, 1);
});

Deno.test("a run without trades has flat returns and undefined ratios, shown as null", () => {
  // Equity stays 100000: every return is 0 → std 0 and no downside → Sharpe 0/0, Sortino
  // 0/0, Calmar 0/0 (annual return 0, max drawdown 0) are NaN; trade stats are NaN.
  const r = run([bars("btc", [FLAT, FLAT, FLAT])], {});
  const m = r.metrics;
  assert.equal(m.numTrades, 0);
  assert.equal(m.totalReturn, 0);
  assert.equal(m.cagr, 0);
  assert.equal(m.maxDrawdown, 0);
  assert.equal(m.maxDrawdownDurationDays, 0);
  assert.equal(m.avgDrawdown, 0);
  assert.equal(m.exposure, 0);
  assert.equal(m.annualVolatility, 0);
  for (const k of ["sharpe", "sortino", "calmar", "winRate", "profitFactor", "sqn"] as const) {
    assert.ok(Number.isNaN(m[k]), `${k} is NaN`);
  }
  const json = JSON.parse(stringifyResult(resultToJson(r)));
  assert.equal(json.metrics.sharpe, null);
  assert.equal(json.metrics.worstTrade, null);
  assert.equal(json.metrics.numTrades, 0);
});

Deno.test("drawdown, Sortino and Calmar of a run that ends under water follow the formulas", () => {
  // fill close, k=0 long at 100: 1000 units. Closes 100, 120, 90, 110, 105 → equity
  // 100000, 120000, 90000, 110000, 105000 (last close closes the position: no costs).
  // Returns r = [0, 0.2, −0.25, 0.2222…, −0.04545…]. Peak 120000 at bar 1 (ts T0 + 1 day),
  // never regained → duration to the last point (T0 + 4 days) = 3 days; max drawdown =
  // 1 − 90/120 = 0.25; one episode → avgDrawdown 0.25.
  // P = 252: Sortino = mean(r) · P / (√((0.25² + 0.04545…²) / 5) · √P);
  // annual return = 1.05^(252 / 5) − 1; Calmar = that / 0.25.
  const closes = [100, 120, 90, 110, 105];
  const s = bars("btc", closes.map((c) => [c, c, c, c] as Row));
  const r = run([s], { 0: [{}] }, { fill: "close", periodsPerYear: 252 });
  const m = r.metrics;
  near(m.maxDrawdown, 0.25, "max drawdown");
  near(m.maxDrawdownDurationDays, 3, "duration up to the end");
  near(m.avgDrawdown, 0.25, "avg drawdown");
  const rs = [0, 0.2, -0.25, 110 / 90 - 1, 105 / 110 - 1];
  const mean = rs.reduce((a, b) => a + b) / 5;
  const downside = Math.sqrt((0.25 ** 2 + (105 / 110 - 1) ** 2) / 5);
  near(m.sortino, mean * 252 / (downside * Math.sqrt(252)), "sortino");
  const annual = Math.pow(1.05, 252 / 5) - 1;
  near(m.annualReturn, annual, "annual return");
  near(m.calmar, annual / 0.25, "calmar");
  near(m.exposure, 1, "a position was open at every close");
});

Deno.test("buyHoldReturn is the mean over the assets of last close / first close − 1", () => {
  // btc 100 → 130 (+0.3), eth 50 → 45 (−0.1), eth starting a day later: (0.3 − 0.1) / 2 = 0.1.
  const btc = bars("btc", [FLAT, [110, 110, 110, 110], [130, 130, 130, 130]]);
  const eth = bars("eth", [[50, 50, 50, 50], [45, 45, 45, 45]], 1);
  const r = run([btc, eth], {});
  near(r.buyHold.btc, 0.3, "btc");
  near(r.buyHold.eth, -0.1, "eth");
  near(r.metrics.buyHoldReturn, 0.1, "mean");
});

Deno.test("a strategy cannot move its view's horizon, even by casting it or keeping it", () => {
  // The view handed to a strategy has no method that releases bars; a kept reference shows
  // exactly what is released at the time of the read.
  const errors: unknown[] = [];
  let kept: BarView | undefined;
  let keptMacro: MacroView | undefined;
  const lengths: number[] = [];
  const cheat: Strategy = {
    name: "cheat",
    params: {},
    warmup: 0,
    macroSeries: ["VIX"],
    onBar(ctx) {
      const v = ctx.bars("btc") as unknown as Record<string, unknown>;
      const m = ctx.macro("VIX") as unknown as Record<string, unknown>;
      for (const [obj, fn, arg] of [[v, "release", 99], [m, "advanceTo", 1e15]] as const) {
        assert.equal(typeof obj[fn], "undefined", `${fn} is not reachable from a strategy`);
        void arg;
      }
      kept ??= ctx.bars("btc");
      keptMacro ??= ctx.macro("VIX");
      lengths.push(kept.length);
      try {
        kept.close(kept.length);
      } catch (e) {
        errors.push(e);
      }
      try {
        keptMacro!.value(keptMacro!.length);
      } catch (e) {
        errors.push(e);
      }
      return [];
    },
  };
  assert.throws(() => (ctx0().assets as string[]).push("x"), TypeError);
  runBacktest({
    series: [bars("btc", [FLAT, FLAT, FLAT])],
    interval: "1d",
    strategies: [cheat],
    capital: 1,
    macro: [{
      series: "VIX",
      ts: [T0, T0 + DAY, T0 + 2 * DAY],
      value: [1, 2, 3],
      availableAt: [T0 + DAY, T0 + 2 * DAY, T0 + 3 * DAY],
    }],
  });
  assert.deepEqual(lengths, [1, 2, 3]);
  assert.equal(errors.length, 6);
  assert.ok(errors.every((e) => e instanceof RangeError));
});

/** The context a strategy gets, captured from a one-bar run. */
function ctx0(): StrategyContext {
  let got: StrategyContext | undefined;
  runBacktest({
    series: [bars("btc", [FLAT])],
    interval: "1d",
    strategies: [{
      name: "peek",
      params: {},
      warmup: 0,
      macroSeries: [],
      onBar(ctx) {
        got = ctx;
        return [];
      },
    }],
    capital: 1,
  });
  return got!;
}

Deno.test("the config hash changes with every setting, the checksum with every input value", () => {
  const s = () => bars("btc", [FLAT, [100, 101, 99, 100]]);
  const base = run([s()], {});
  const variants: Partial<BacktestOptions>[] = [
    { capital: 100_001 },
    { commission: 0.001 },
    { commissionFixed: 1 },
    { slippageBps: 1 },
    { fill: "close" },
    { units: "whole" },
    { closeAtEnd: "none" },
    { periodsPerYear: 252 },
    { riskFree: 0.02 },
    { pipeline: (x) => x },
    { pipeline: (x) => x, pipelineParams: { limits: { maxPositionSize: 0.1 } } },
    { manifestParams: { source: "binance" } },
  ];
  const hashes = new Set([base.manifest.configHash]);
  for (const v of variants) hashes.add(run([s()], {}, v).manifest.configHash);
  assert.equal(hashes.size, variants.length + 1, "every variant has its own hash");
  const withParams = runBacktest({
    series: [s()],
    interval: "1d",
    strategies: [Object.assign(new Script({}), { params: { fast: 3 } })],
    capital: 100_000,
  });
  assert.notEqual(withParams.manifest.configHash, base.manifest.configHash);

  // Each column, and macro data, is covered by the checksum.
  const sums = new Set([base.manifest.dataChecksum]);
  for (const col of ["ts", "open", "high", "low", "close", "volume"] as const) {
    const t = s();
    t[col][1] += col === "ts" ? 1 : col === "low" ? -0.5 : 0.5;
    sums.add(run([t], {}).manifest.dataChecksum);
  }
  const macro = (v: number) => ({
    macro: [{ series: "VIX", ts: [T0], value: [v], availableAt: [T0 + DAY] }],
  });
  sums.add(run([s()], {}, macro(1)).manifest.dataChecksum);
  sums.add(run([s()], {}, macro(2)).manifest.dataChecksum);
  assert.equal(sums.size, 9);
});

Deno.test("a limit entry filled at a gap open has its stop-loss checked in the same bar", () => {
  // k=0: buy limit 95 with SL 5%. Bar 1 [90,91,80,85] opens at 90 <= 95 → fills at 90, like a
  // market order at the open; SL = 90 × 0.95 = 85.5, and the rest of the bar reaches 80 → out at
  // 85.5 in the same bar: pnl = 100000 / 90 × (85.5 − 90) = −5000.
  const s = bars("btc", [FLAT, [90, 91, 80, 85], [85, 85, 85, 85]]);
  const r = run([s], { 0: [{ orderType: "limit", orderPrice: 95, stopLoss: 0.05 }] });
  assert.equal(r.trades[0].exitReason, "stop_loss");
  near(r.trades[0].exitPrice, 85.5, "stop level");
  assert.equal(r.trades[0].exitTs, T0 + 2 * DAY, "in bar 1, stamped with its close");
  near(r.trades[0].pnl, -5_000, "pnl");
});
