/**
 * `deno task signals` and `deno task volatility` end-to-end on the real reference data: after
 * importing the CBOE VIX history and the CoinGecko BTC and ETH exports, the inputs the task
 * reports at 2020-03-20 are reproduced here straight from the CSV files with the formulas of
 * issue 5 (no mts code involved in the expected values).
 */
import assert from "node:assert/strict";
import { haveReference, REFERENCE, ROOT, taskEnv } from "./task_helpers.ts";

const DAY = 86_400_000;

/** date → close, from the VIX file (DATE,OPEN,HIGH,LOW,CLOSE). */
function readVix(): Map<string, number> {
  const m = new Map<string, number>();
  const lines = Deno.readTextFileSync(`${REFERENCE}finance-vix/vix-daily.csv`).trim().split("\n");
  for (const line of lines.slice(1)) {
    const f = line.split(",");
    m.set(f[0], Number(f[4]));
  }
  return m;
}

/**
 * bar date → close, from a CoinGecko export: the snapshot stamped D+1 00:00 UTC is the close of
 * the daily bar dated D.
 */
function readCoinGecko(file: string): Map<string, number> {
  const m = new Map<string, number>();
  const lines = Deno.readTextFileSync(`${REFERENCE}coingecko-export/${file}`).trim().split("\n");
  for (const line of lines.slice(1)) {
    const f = line.split(",");
    const snapped = Date.parse(f[0].replace(" UTC", "Z").replace(" ", "T"));
    m.set(new Date(snapped - DAY).toISOString().slice(0, 10), Number(f[1]));
  }
  return m;
}

function pearson(x: number[], y: number[]): number {
  const n = x.length;
  const mx = x.reduce((a, b) => a + b) / n, my = y.reduce((a, b) => a + b) / n;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

// deno-lint-ignore no-explicit-any
type Json = any;

Deno.test({
  name: "signals --at 2020-03-20 reports inputs an independent computation reproduces",
  ignore: !haveReference(),
  async fn() {
    const t = taskEnv();
    try {
      for (
        const f of [
          "finance-vix/vix-daily.csv",
          "coingecko-export/btc-usd-max.csv",
          "coingecko-export/eth-usd-max.csv",
        ]
      ) {
        const r = await t.run("import", ["--file", `${REFERENCE}${f}`, "--json"]);
        assert.equal(r.code, 0, r.stderr);
      }
      // The command as a new user types it: the seed's configs also list binancecoin,
      // which was not imported; it is skipped and reported, not a failure.
      const r = await t.run("signals", ["--at", "2020-03-20", "--json"]);
      assert.equal(r.code, 0, r.stderr);
      const out: Json = JSON.parse(r.stdout);
      assert.equal(out.now, "2020-03-21T00:00:00Z");
      assert.deepEqual(out.assets, ["bitcoin", "ethereum"]);
      assert.deepEqual(out.skipped.map((x: Json) => x.asset), ["binancecoin"]);

      const vix = readVix();
      // VIX dates published by 2020-03-21 00:00 (next UTC midnight rule): dated <= 2020-03-20
      const dates = [...vix.keys()].filter((d) => d <= "2020-03-20").sort().slice(-31);
      assert.equal(dates.at(-1), "2020-03-20");
      for (
        const [asset, file] of [["bitcoin", "btc-usd-max.csv"], ["ethereum", "eth-usd-max.csv"]]
      ) {
        const px = readCoinGecko(file);
        const x: number[] = [], y: number[] = [];
        for (let k = 1; k < dates.length; k++) {
          x.push(Math.log(px.get(dates[k])! / px.get(dates[k - 1])!));
          y.push(Math.log(vix.get(dates[k])! / vix.get(dates[k - 1])!));
        }
        const corr = pearson(x, y);
        const vc = out.evaluations.find((e: Json) =>
          e.strategy === "vix_correlation" && e.asset === asset
        );
        assert.ok(
          Math.abs(vc.inputs.correlation - corr) < 1e-9,
          `${asset}: ${vc.inputs.correlation} vs ${corr}`,
        );
        assert.equal(vc.inputs.window_start, dates[0]);
        const expectedVc = corr < -0.6 ? "long" : corr > 0.6 ? "short" : null;
        assert.equal(vc.fired ? vc.direction : null, expectedVc);

        // mean reversion: drawdown from the highest of the last 14 closes (Mar 7 .. Mar 20)
        const closes: number[] = [];
        for (let d = Date.parse("2020-03-07"); d <= Date.parse("2020-03-20"); d += DAY) {
          closes.push(px.get(new Date(d).toISOString().slice(0, 10))!);
        }
        const dd = 1 - closes.at(-1)! / Math.max(...closes);
        const mr = out.evaluations.find((e: Json) =>
          e.strategy === "mean_reversion" && e.asset === asset
        );
        assert.equal(mr.inputs.vix, vix.get("2020-03-20"));
        assert.equal(mr.inputs.vix_date, "2020-03-20");
        assert.ok(
          Math.abs(mr.inputs.drawdown - dd) < 1e-12,
          `${asset}: ${mr.inputs.drawdown} vs ${dd}`,
        );
        assert.equal(mr.direction, vix.get("2020-03-20")! > 25 && dd > 0.1 ? "long" : null);
        // size = 0.025 * min(VIX / 25, 2) capped at 0.05; confidence formula of the README (Signals)
        const v = vix.get("2020-03-20")!;
        const sig = out.signals.find((s: Json) =>
          s.strategy === "mean_reversion" && s.asset === asset
        );
        assert.ok(Math.abs(sig.size - Math.min(0.025 * Math.min(v / 25, 2), 0.05)) < 1e-12);
        const conf = 0.5 + 0.25 * Math.min(1, (v - 25) / 25) + 0.25 * Math.min(1, (dd - 0.1) / 0.1);
        assert.ok(Math.abs(sig.confidence - conf) < 1e-12);
        assert.equal(out.prices[asset], px.get("2020-03-20"));
        const agg = out.aggregate.signals.find((s: Json) => s.asset === asset);
        assert.equal(agg.strategy, "aggregate");
        assert.ok(agg.size <= 0.1 + 1e-12, "MAX_POSITION_SIZE default 0.1");
      }
      assert.ok(out.stored >= 2);

      // The human table says what was skipped; without --at the stale data is named with its age.
      const human = await t.run("signals", ["--at", "2020-03-20", "--no-save"]);
      assert.equal(human.code, 0, human.stderr);
      assert.match(human.stdout, /Skipped binancecoin: no 1d prices stored/);
      const latest = await t.run("signals", []);
      assert.equal(latest.code, 1);
      const reasons = latest.stderr.split("\n").filter((l) => l.startsWith("mts "));
      assert.equal(reasons.length, 1, latest.stderr);
      assert.match(
        latest.stderr,
        /bitcoin \(coingecko 1d\) is stale: its latest bar closes 2026-01-31T00:00:00Z, \d+d before/,
      );
      assert.match(latest.stderr, /VIX is stale: .* is dated \d{4}-\d\d-\d\dT00:00:00Z, \d+d old/);

      // The aggregate backtests, and the lookahead check passes the shipped strategies.
      const bt = await t.run("backtest", [
        "--symbols",
        "bitcoin,ethereum",
        "--strategy",
        "vix_correlation,mean_reversion",
        "--start",
        "2019-06-01",
        "--end",
        "2021-06-01",
        "--check-lookahead",
        "--no-save",
        "--json",
      ]);
      assert.equal(bt.code, 0, bt.stderr);
      const res: Json = JSON.parse(bt.stdout);
      assert.equal(res.lookahead.ok, true);
      assert.ok(res.lookahead.compared > 0);
      assert.deepEqual(res.lookahead.differences, []);
    } finally {
      t.cleanup();
    }
  },
});

Deno.test({
  name: "volatility reports the annualised 30-day volatility of BTC log returns",
  ignore: !haveReference(),
  async fn() {
    const t = taskEnv();
    try {
      for (const f of ["btc-usd-max.csv", "eth-usd-max.csv"]) {
        const imp = await t.run("import", ["--file", `${REFERENCE}coingecko-export/${f}`]);
        assert.equal(imp.code, 0, imp.stderr);
      }
      // the seed's space-separated asset list
      const r = await t.run("volatility", [
        "--assets",
        "bitcoin",
        "ethereum",
        "--end",
        "2020-03-20",
        "--window",
        "30",
        "--json",
      ]);
      assert.equal(r.code, 0, r.stderr);
      const out: Json = JSON.parse(r.stdout);
      assert.deepEqual(out.assets.map((a: Json) => a.asset), ["bitcoin", "ethereum"]);
      const px = readCoinGecko("btc-usd-max.csv");
      const rets: number[] = [];
      for (let d = Date.parse("2020-02-20"); d <= Date.parse("2020-03-20"); d += DAY) {
        const a = px.get(new Date(d - DAY).toISOString().slice(0, 10))!;
        const b = px.get(new Date(d).toISOString().slice(0, 10))!;
        rets.push(Math.log(b / a));
      }
      assert.equal(rets.length, 30);
      const m = rets.reduce((a, b) => a + b) / 30;
      const sd = Math.sqrt(rets.reduce((a, v) => a + (v - m) ** 2, 0) / 29);
      const latest = out.assets[0].latest;
      assert.equal(latest.date, "2020-03-20");
      assert.ok(Math.abs(latest.volatility - sd * Math.sqrt(365)) < 1e-12);

      const csv = await t.run("volatility", [
        "--assets",
        "bitcoin",
        "--end",
        "2020-03-20",
        "--out",
        `${t.dir}/vol.csv`,
      ]);
      assert.equal(csv.code, 0, csv.stderr);
      const lines = Deno.readTextFileSync(`${ROOT}${t.dir}/vol.csv`).trim().split("\n");
      assert.equal(lines[0], "date,asset,close,log_return,volatility");
      const last = lines.at(-1)!.split(",");
      assert.equal(last[0], "2020-03-20");
      assert.ok(Math.abs(Number(last[4]) - sd * Math.sqrt(365)) < 1e-12);
    } finally {
      t.cleanup();
    }
  },
});

Deno.test("signals fails with a one-line reason naming the missing series", async () => {
  const t = taskEnv();
  try {
    const r = await t.run("signals", ["--at", "2020-03-20", "--assets", "bitcoin"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /mts signals: Cannot run signals: no 1d prices for bitcoin/);
    assert.match(r.stderr, /no VIX observations stored/);
    const bad = await t.run("signals", ["--strategies", "nope"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--strategies: expected one of .*, got "nope"/);
  } finally {
    t.cleanup();
  }
});
