/**
 * Parity on the real reference data, through the code the tasks use: the reference VIX history
 * and CoinGecko BTC/ETH exports are imported into a store; the backtest runner
 * (`deno task backtest`'s `runBacktestJob`) records the strategies' signals at every decision
 * time; `runSignals` (`deno task signals --at D`) must produce exactly the same signals, inputs
 * included, at each sampled D, and the same aggregate targets a fresh flat-portfolio pipeline
 * makes of them. Both share the strategy code, so both are also checked against an independent
 * implementation of the documented rules on the raw CSV rows (`independent_rules.ts`).
 */
import assert from "node:assert/strict";
import type { Signal } from "../../lib/core/signal.ts";
import { DAY_MS, isoDate, parseUtcDate } from "../../lib/core/time.ts";
import type { PipelineContext } from "../../lib/engine/engine.ts";
import { runBacktestJob } from "../../lib/services/backtest_runner.ts";
import { importCsvFile } from "../../lib/services/importer.ts";
import { runSignals } from "../../lib/services/signal_runner.ts";
import { createSignalPipeline } from "../../lib/signals/pipeline.ts";
import { SqliteStore } from "../../lib/storage/sqlite_store.ts";
import { STRATEGIES as REGISTRY } from "../../strategies/mod.ts";
import {
  type ExpectedSignal,
  expectedSignals,
  readCoinGeckoCsv,
  readVixCsv,
} from "./independent_rules.ts";
import { haveReference, REFERENCE } from "./task_helpers.ts";

const LIMITS = {
  maxPositionSize: 0.1,
  maxDailyTrades: 10,
  maxPortfolioRisk: 0.5,
  defaultStopLoss: 0.05,
  defaultTakeProfit: 0.1,
};
const STRATEGIES = ["vix_correlation", "mean_reversion"];
const ASSETS = ["bitcoin", "ethereum"];

/** Signals equal the independently computed ones: same set, same numbers (to rounding). */
function assertMatchesRules(got: readonly Signal[], want: readonly ExpectedSignal[], what: string) {
  const id = (s: { asset: string; strategy: string }) => `${s.strategy}:${s.asset}`;
  assert.deepEqual(got.map(id).sort(), want.map(id).sort(), `${what}: which signals`);
  for (const w of want) {
    const g = got.find((s) => id(s) === id(w))!;
    assert.equal(g.direction, w.direction, `${what} ${id(w)}: direction`);
    assert.ok(Math.abs(g.size - w.size) < 1e-12, `${what} ${id(w)}: size ${g.size} vs ${w.size}`);
    assert.ok(Math.abs(g.confidence - w.confidence) < 1e-9, `${what} ${id(w)}: confidence`);
    assert.equal(g.stopLoss, w.stopLoss, `${what} ${id(w)}: stop-loss`);
    assert.equal(g.takeProfit, w.takeProfit, `${what} ${id(w)}: take-profit`);
  }
}

const key = (s: Signal) =>
  JSON.stringify([
    s.ts,
    s.asset,
    s.strategy,
    s.direction,
    s.size,
    s.confidence,
    s.stopLoss,
    s.takeProfit,
    s.inputs,
  ]);

Deno.test({
  name: "on the reference data, signals --at D equals the backtest runner's signals at D",
  ignore: !haveReference(),
  async fn() {
    const store = SqliteStore.open(":memory:");
    try {
      for (
        const f of [
          "finance-vix/vix-daily.csv",
          "coingecko-export/btc-usd-max.csv",
          "coingecko-export/eth-usd-max.csv",
        ]
      ) {
        await importCsvFile(store, `${REFERENCE}${f}`, { now: () => 0 });
      }
      const byTime = new Map<number, Signal[]>();
      await runBacktestJob({
        registry: REGISTRY,
        strategies: STRATEGIES.map((name) => ({ name })),
        // records what the strategies said at each decision time; trades nothing
        pipeline: (signals: readonly Signal[], ctx: PipelineContext) => {
          if (signals.length) byTime.set(ctx.now, [...signals]);
          return [];
        },
        symbols: ASSETS,
        start: parseUtcDate("2019-06-01"),
        end: parseUtcDate("2022-12-31"),
        capital: 10_000,
        save: false,
      }, { store: () => store });

      const raw = {
        vix: readVixCsv(Deno.readTextFileSync(`${REFERENCE}finance-vix/vix-daily.csv`)),
        closes: {
          bitcoin: readCoinGeckoCsv(
            Deno.readTextFileSync(`${REFERENCE}coingecko-export/btc-usd-max.csv`),
          ),
          ethereum: readCoinGeckoCsv(
            Deno.readTextFileSync(`${REFERENCE}coingecko-export/eth-usd-max.csv`),
          ),
        },
      };
      let compared = 0, dates = 0, independent = 0;
      const probe = [parseUtcDate("2020-03-20")];
      for (let d = parseUtcDate("2019-09-02"); d <= parseUtcDate("2022-12-30"); d += 9 * DAY_MS) {
        probe.push(d);
      }
      for (const d of probe) {
        const report = await runSignals(store, {
          registry: REGISTRY,
          strategies: STRATEGIES,
          assets: ASSETS,
          at: d,
          wallClock: d + DAY_MS,
          limits: LIMITS,
          save: false,
          maxMacroAgeMs: 10 * DAY_MS,
        });
        const now = d + DAY_MS;
        assert.equal(report.now, now);
        const engine = byTime.get(now) ?? [];
        assert.deepEqual(report.signals.map(key), engine.map(key), `signals at ${isoDate(d)}`);
        const want = expectedSignals(raw, ASSETS, isoDate(d));
        assertMatchesRules(report.signals, want, `signals --at ${isoDate(d)}`);
        assertMatchesRules(engine, want, `backtest at ${isoDate(d)}`);
        independent += want.length;
        const flat = createSignalPipeline({ limits: LIMITS })(engine, {
          now,
          equity: 1,
          assets: ASSETS,
          position: () => ({ qty: 0, avgPrice: NaN }),
          price: (a) => report.prices[a],
        });
        assert.deepEqual(report.final.map(key), flat.map(key), `aggregate at ${isoDate(d)}`);
        compared += engine.length;
        dates++;
      }
      assert.ok(dates > 100 && compared > 30, `only ${compared} signals on ${dates} dates`);
      assert.ok(independent > 30, `only ${independent} independently computed signals`);
      // 2020-03-20: both assets' mean-reversion entries, as the issue's example shows
      const march = byTime.get(parseUtcDate("2020-03-21"))!;
      assert.deepEqual(
        march.filter((s) => s.strategy === "mean_reversion").map((s) => s.asset),
        ASSETS,
      );
    } finally {
      store.close();
    }
  },
});
