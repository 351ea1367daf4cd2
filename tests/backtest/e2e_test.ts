/**
 * End-to-end tests of `deno task backtest`: each spawns the real task (its deno.json permissions
 * included) against a fresh SQLite file under data/test-<random>/.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { SqliteStore } from "../../lib/storage/sqlite_store.ts";
import type { Candle } from "../../lib/core/candle.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 1);

interface Out {
  code: number;
  stdout: string;
  stderr: string;
}

async function task(dir: string, name: string, args: string[]): Promise<Out> {
  const out = await new Deno.Command("deno", {
    args: ["task", "-q", name, ...args],
    cwd: ROOT,
    env: { DATABASE_PATH: `${dir}/mts.db`, LOG_FILE: "", NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

function candles(opens: number[], closes: number[]): Candle[] {
  return opens.map((o, i) => {
    const c = closes[i];
    return {
      ts: T0 + i * DAY,
      open: o,
      high: Math.max(o, c),
      low: Math.min(o, c),
      close: c,
      volume: 1,
    };
  });
}

/** A database with alpha and beta (10 daily bars each) and gamma (with a recorded gap). */
async function withDb(fn: (dir: string) => Promise<void>): Promise<void> {
  const rel = `data/test-${crypto.randomUUID().slice(0, 8)}`;
  const dir = `${ROOT}${rel}`;
  Deno.mkdirSync(dir, { recursive: true });
  const store = SqliteStore.open(`${dir}/mts.db`);
  try {
    // alpha: opens 10, closes rising to 15; beta: opens 20, last close 30
    await store.upsertCandles(
      { source: "csv", asset: "alpha", interval: "1d" },
      candles(
        [10, 10, 11, 11, 12, 12, 13, 13, 14, 14],
        [10, 11, 11, 12, 12, 13, 13, 14, 14, 15],
      ),
    );
    await store.upsertCandles(
      { source: "csv", asset: "beta", interval: "1d" },
      candles(
        [20, 20, 22, 24, 26, 28, 27, 28, 29, 30],
        [20, 22, 24, 26, 28, 27, 28, 29, 30, 30],
      ),
    );
    const g = candles([5, 5, 5, 5], [5, 5, 5, 5]).filter((_, i) => i !== 2);
    await store.upsertCandles({ source: "csv", asset: "gamma", interval: "1d" }, g);
    await store.recordQualityIssues([{
      source: "csv",
      subject: "gamma",
      interval: "1d",
      kind: "gap",
      ts: T0 + 2 * DAY,
      tsEnd: T0 + 3 * DAY,
      detail: "1 missing bar from 2024-01-03 before 2024-01-04",
    }]);
  } finally {
    store.close();
  }
  try {
    await fn(dir);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

Deno.test("backtest buy-and-hold over the database gives the hand-computed result", async () => {
  await withDb(async (dir) => {
    const r = await task(dir, "backtest", [
      "--symbols",
      "alpha",
      "beta",
      "--start",
      "2024-01-01",
      "--end",
      "2024-01-10",
      "--strategy",
      "BuyHoldStrategy",
      "--capital",
      "1000",
      "--json",
    ]);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    // decided at the close of day 0, filled at day 1's open: alpha 500/10 = 50 units, beta
    // 500/20 = 25 units; closed at the last closes 15 and 30 -> 750 + 750 = 1500
    assert.equal(doc.metrics.finalEquity, 1500);
    assert.equal(doc.metrics.totalReturn, 0.5);
    assert.equal(doc.metrics.numTrades, 2);
    assert.deepEqual(doc.trades.map((t: { size: number }) => t.size), [50, 25]);
    assert.equal(doc.trades[0].entryTime, "2024-01-02T00:00:00Z");
    assert.equal(doc.equity.length, 10);
    assert.equal(doc.equity[0].time, "2024-01-01T00:00:00Z");
    // buy and hold of the assets: (15/10 - 1 + 30/20 - 1) / 2 = 0.5
    assert.equal(doc.metrics.buyHoldReturn, 0.5);
    for (
      const key of [
        "totalReturn",
        "cagr",
        "annualReturn",
        "annualVolatility",
        "sharpe",
        "sortino",
        "calmar",
        "maxDrawdown",
        "maxDrawdownDurationDays",
        "avgDrawdown",
        "numTrades",
        "winRate",
        "bestTrade",
        "worstTrade",
        "avgTrade",
        "avgTradeDurationDays",
        "maxTradeDurationDays",
        "profitFactor",
        "expectancy",
        "sqn",
        "exposure",
        "fees",
        "finalEquity",
        "peakEquity",
        "buyHoldReturn",
      ]
    ) assert.ok(key in doc.metrics, `metrics.${key}`);
    assert.match(doc.manifest.configHash, /^[0-9a-f]{64}$/);
    assert.match(doc.manifest.dataChecksum, /^[0-9a-f]{64}$/);
    assert.deepEqual(doc.manifest.parameters.sources, { alpha: "csv", beta: "csv" });

    const store = SqliteStore.open(`${dir}/mts.db`);
    try {
      const runs = await store.listBacktestRuns();
      assert.equal(runs.length, 1);
      assert.equal(runs[0].strategy, "buy_hold");
      assert.deepEqual(runs[0].assets, ["alpha", "beta"]);
      assert.equal(runs[0].configHash, doc.manifest.configHash);
      assert.equal((runs[0].metrics as { finalEquity: number }).finalEquity, 1500);
    } finally {
      store.close();
    }
  });
});

Deno.test("backtest prints a metrics table and writes the four report files under data/", async () => {
  await withDb(async (dir) => {
    const rel = dir.slice(ROOT.length);
    const r = await task(dir, "backtest", [
      "--symbols",
      "alpha,beta",
      "--strategy",
      "sma_cross",
      "--params",
      '{"fast":2,"slow":3}',
      "--commission",
      "0.001",
      "--out",
      `${rel}/report`,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Total return/);
    assert.match(r.stdout, /Sharpe ratio/);
    assert.match(r.stdout, /Stored as backtest run 1/);
    for (const f of ["result.json", "trades.csv", "equity.csv", "report.html"]) {
      assert.ok(Deno.statSync(`${dir}/report/${f}`).size > 0, f);
    }
    const equity = Deno.readTextFileSync(`${dir}/report/equity.csv`).trim().split("\n");
    assert.equal(equity[0], "time,equity,drawdown");
    assert.equal(equity.length, 11);
    assert.match(Deno.readTextFileSync(`${dir}/report/trades.csv`), /^asset,side,entry_time/);
  });
});

Deno.test("backtest refuses to write outside data/ and reports/", async () => {
  await withDb(async (dir) => {
    const r = await task(dir, "backtest", ["--symbols", "alpha", "--out", "/tmp/x"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--out: expected a path under data\/ or reports\/, got "\/tmp\/x"/);
  });
});

Deno.test("backtest explains bad input in one line", async () => {
  await withDb(async (dir) => {
    const cases: [string[], number, RegExp][] = [
      [["--symbols", "alpha", "--strategy", "Moon"], 1, /Unknown strategy "Moon"/],
      [["--symbols", "dogecoin"], 1, /unknown asset "dogecoin".*alpha/],
      [["--symbols", "alpha", "--start", "2024-02-01", "--end", "2024-01-01"], 2, /after --end/],
      [["--symbols", "alpha", "--start", "2025-01-01"], 1, /no bars for alpha/],
      [
        ["--symbols", "alpha", "--params", "{bad"],
        2,
        /--params: expected a JSON object, got "\{bad"/,
      ],
      [["--symbols", "alpha", "--params", '{"fast":50}'], 1, /fast must be smaller/],
      [
        ["--symbols", "alpha", "--fill", "mid"],
        2,
        /--fill: expected one of open, close, got "mid"/,
      ],
      [["--symbols", "alpha", "--interval", "1h"], 1, /no 1h bars for alpha/],
      [
        ["--symbols", "alpha", "--interval", "7x"],
        2,
        /--interval: expected an interval, one of .*, got "7x"/,
      ],
      [
        ["--symbols", "alpha", "--start", "2023-13-01"],
        2,
        /--start: expected a UTC date .*, got "2023-13-01"/,
      ],
    ];
    for (const [args, code, re] of cases) {
      const strategy = args.includes("--params") && !args.includes("--strategy")
        ? ["--strategy", "sma_cross"]
        : [];
      const r = await task(dir, "backtest", [...args, ...strategy]);
      assert.equal(r.code, code, `${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, re, args.join(" "));
      assert.equal(r.stdout, "", "nothing on stdout on failure");
    }
  });
});

Deno.test("gaps inside the range are a warning, or a failure with --strict", async () => {
  await withDb(async (dir) => {
    const warn = await task(dir, "backtest", ["--symbols", "gamma", "--json"]);
    assert.equal(warn.code, 0, warn.stderr);
    const doc = JSON.parse(warn.stdout);
    assert.equal(doc.warnings.length, 1);
    assert.match(doc.warnings[0], /gamma: 1 missing bar from 2024-01-03/);

    const human = await task(dir, "backtest", ["--symbols", "gamma"]);
    assert.match(human.stderr, /warning: 1 gap\(s\) inside the range/);

    const strict = await task(dir, "backtest", ["--symbols", "gamma", "--strict"]);
    assert.equal(strict.code, 1);
    assert.match(strict.stderr, /--strict.*gamma: 1 missing bar/);
  });
});

Deno.test("backtest --data runs one CSV without a database and rejects a CSV without prices", async () => {
  await withDb(async (dir) => {
    const rel = dir.slice(ROOT.length);
    const rows = ["date,open,high,low,close,volume"];
    for (let i = 0; i < 40; i++) {
      const p = 100 + 10 * Math.sin(i / 4);
      rows.push(
        `${new Date(T0 + i * DAY).toISOString().slice(0, 10)},${p},${p + 1},${p - 1},${p},1`,
      );
    }
    Deno.writeTextFileSync(`${dir}/btc.csv`, rows.join("\n") + "\n");
    Deno.removeSync(`${dir}/mts.db`);
    const r = await task(dir, "backtest", [
      "--data",
      `${rel}/btc.csv`,
      "--strategy",
      "SmaCrossStrategy",
      "--params",
      '{"fast":3,"slow":8}',
      "--json",
    ]);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.equity.length, 40);
    assert.ok(doc.metrics.numTrades > 0);
    let dbExists = true;
    try {
      Deno.statSync(`${dir}/mts.db`);
    } catch {
      dbExists = false;
    }
    assert.equal(dbExists, false, "CSV mode does not create a database");

    // no close column
    Deno.writeTextFileSync(`${dir}/bad.csv`, "date,open,high,low\n2024-01-01,5,6,4\n");
    const bad = await task(dir, "backtest", ["--data", `${rel}/bad.csv`, "--asset", "btc"]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /bad\.csv:1: unrecognised header "date,open,high,low"/);
  });
});

Deno.test("the seed's backtest commands run on the demo's sample market", async () => {
  await withDb(async (dir) => {
    const demo = await task(dir, "demo", []);
    assert.equal(demo.code, 0, demo.stderr);
    const r = await task(dir, "backtest", [
      "--symbols",
      "bitcoin",
      "ethereum",
      "--start",
      "2023-01-01",
      "--end",
      "2023-12-31",
      "--strategy",
      "BuyHoldStrategy",
      "--capital",
      "100000",
      "--json",
    ]);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.equity.length, 365);
    // Independently from the stored bars: half the capital in each at 2023-01-02's open, valued
    // at 2023-12-31's close.
    const store = SqliteStore.open(`${dir}/mts.db`);
    let expected = 0;
    try {
      for (const asset of ["bitcoin", "ethereum"]) {
        const c = await store.getCandles({ source: "sample", asset, interval: "1d" }, {
          from: Date.UTC(2023, 0, 1),
          to: Date.UTC(2023, 11, 31),
        });
        expected += 50_000 / c[1].open * c[c.length - 1].close;
      }
    } finally {
      store.close();
    }
    assert.ok(
      Math.abs(doc.metrics.finalEquity - expected) < 1e-6,
      `${doc.metrics.finalEquity} vs ${expected}`,
    );

    const sma = await task(dir, "backtest", [
      "--symbols",
      "bitcoin",
      "--strategy",
      "SmaCrossStrategy",
      "--capital",
      "100000",
    ]);
    assert.equal(sma.code, 0, sma.stderr);
    assert.match(sma.stdout, /Trades\s+\d+/);
  });
});
