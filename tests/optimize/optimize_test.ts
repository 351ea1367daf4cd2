/**
 * `deno task optimize` end to end (spawned with its deno.json permission set) on small CSV files
 * whose answers are worked out by hand, plus the proof that a trial is the CLI's backtest.
 */
import assert from "node:assert/strict";
import { normalCdf, normalQuantile } from "../../lib/research/normal.ts";
import { EULER_MASCHERONI } from "../../lib/research/deflated_sharpe.ts";
import { probabilityOfBacktestOverfitting } from "../../lib/research/pbo.ts";
import { runBacktestJob } from "../../lib/services/backtest_runner.ts";
import { STRATEGIES } from "../../strategies/mod.ts";
import { optimizeJson, ROOT, task, withDir, writeBars } from "./helpers.ts";

/**
 * Ten closes whose sma_cross trades are worked by hand (opens = previous close):
 * - fast 1 / slow 2: sign(c_t − c_{t−1}) turns up at bar 3 → buy at bar 4's open 9, turns down
 *   at bar 7 → sell at bar 8's open 11: total return 11/9 − 1 = 2/9, one trade;
 * - fast 1 / slow 3: up at bar 3 (9 > 26/3), down at bar 7 (11 < 34/3): the same trade, 2/9;
 * - fast 2 / slow 3: up at bar 4 (9.5 > 28/3), down at bar 8 (10.5 < 11): buy 10, sell 10 → 0;
 * - fast 1 / slow 5 and fast 2 / slow 5: above the slow mean from bar 4 (its first value) to
 *   bar 7, below from bar 8: the only cross is down while flat, so no trade.
 */
const TINY = [10, 9, 8, 9, 10, 11, 12, 11, 10, 9];
const GRID = '{"fast":[1,2],"slow":[2,3,5]}';

Deno.test("grid search ranks the hand-worked trials; --min-trades excludes the idle ones", async () => {
  await withDir(async (dir) => {
    const file = `${dir}/tiny.csv`;
    writeBars(file, "2024-01-01", TINY);
    const base = ["--data", file, "--asset", "tiny", "--strategy", "sma_cross", "--grid", GRID];
    const max = await optimizeJson([
      ...base,
      "--constraint",
      "fast < slow",
      "--maximize",
      "totalReturn",
      "--min-trades",
      "1",
      "--workers",
      "1",
    ], dir);
    // expandGrid order, fast slowest; (2,2) fails the constraint
    assert.deepEqual(
      max.trials.map((
        t: { params: { fast: number; slow: number } },
      ) => [t.params.fast, t.params.slow]),
      [[1, 2], [1, 3], [1, 5], [2, 3], [2, 5]],
    );
    const ret = max.trials.map((t: { metrics: { totalReturn: number } }) => t.metrics.totalReturn);
    for (const [i, want] of [[0, 2 / 9], [1, 2 / 9], [2, 0], [3, 0], [4, 0]]) {
      assert.ok(Math.abs(ret[i] - want) < 1e-12, `trial ${i}: ${ret[i]} vs ${want}`);
    }
    assert.deepEqual(max.trials.map((t: { trades: number }) => t.trades), [1, 1, 0, 1, 0]);
    // equal objectives keep trial order; the idle trials are excluded, not ranked
    assert.deepEqual(max.trials.map((t: { rank?: number }) => t.rank ?? null), [
      1,
      2,
      null,
      3,
      null,
    ]);
    assert.match(max.trials[2].excluded, /0 trade\(s\), fewer than --min-trades 1/);
    assert.deepEqual(max.best.params, { fast: 1, slow: 2, allow_short: false });

    const min = await optimizeJson([
      ...base,
      "--constraint",
      "fast < slow",
      "--minimize",
      "totalReturn",
      "--min-trades",
      "1",
      "--workers",
      "1",
    ], dir);
    assert.deepEqual(min.trials.map((t: { rank?: number }) => t.rank ?? null), [
      2,
      3,
      null,
      1,
      null,
    ]);
    assert.deepEqual(min.objective, { metric: "totalReturn", direction: "minimize" });
  });
});

Deno.test("constraints joined by and/or filter the grid", async () => {
  await withDir(async (dir) => {
    const file = `${dir}/tiny.csv`;
    writeBars(file, "2024-01-01", TINY);
    const r = await optimizeJson([
      "--data",
      file,
      "--strategy",
      "sma_cross",
      "--grid",
      '{"fast":[1,2,3],"slow":[2,3,5]}',
      "--constraint",
      "fast < slow and slow != 3 or fast == 2 and slow == 3",
      "--constraint",
      "fast <= 2",
      "--workers",
      "0",
    ], dir);
    assert.deepEqual(
      r.trials.map((
        t: { params: { fast: number; slow: number } },
      ) => [t.params.fast, t.params.slow]),
      [[1, 2], [1, 5], [2, 3], [2, 5]],
    );
  });
});

Deno.test("--random N gives N distinct trials and reaches both inclusive bounds", async () => {
  await withDir(async (dir) => {
    const file = `${dir}/tiny.csv`;
    writeBars(file, "2024-01-01", TINY);
    // 2 × 4 = 8 points: drawing 8 distinct ones must give every point, bounds included
    const space = '{"fast":{"min":1,"max":2,"int":true},"slow":{"min":3,"max":6,"int":true}}';
    const r = await optimizeJson(
      ["--data", file, "--strategy", "sma_cross", "--random", "8", "--space", space, "--seed", "7"],
      dir,
    );
    const keys = r.trials.map((t: { params: { fast: number; slow: number } }) =>
      `${t.params.fast}/${t.params.slow}`
    );
    assert.equal(new Set(keys).size, 8);
    assert.deepEqual([...keys].sort(), ["1/3", "1/4", "1/5", "1/6", "2/3", "2/4", "2/5", "2/6"]);
    const again = await optimizeJson(
      ["--data", file, "--strategy", "sma_cross", "--random", "3", "--space", space, "--seed", "7"],
      dir,
    );
    assert.equal(new Set(again.trials.map((t: { configHash: string }) => t.configHash)).size, 3);
    const nine = await task(
      "optimize",
      ["--data", file, "--strategy", "sma_cross", "--random", "9", "--space", space],
      dir,
    );
    assert.equal(nine.code, 2);
    assert.match(nine.stderr, /^mts optimize: --random: .*only 8/);
  });
});

/** A deterministic wavy series of `n` daily closes. */
function wave(n: number): number[] {
  return Array.from(
    { length: n },
    (_, i) =>
      Math.round((100 + 10 * Math.sin(i / 6) + 4 * Math.sin(i / 2.3) + i * 0.05) * 100) / 100,
  );
}

Deno.test("the same sweep gives the same result with 1 and 2 workers", async () => {
  await withDir(async (dir) => {
    const file = `${dir}/wave.csv`;
    writeBars(file, "2024-01-01", wave(200));
    const args = [
      "--data",
      file,
      "--strategy",
      "sma_cross",
      "--random",
      "40",
      "--space",
      '{"fast":{"min":1,"max":10,"int":true},"slow":{"min":5,"max":40,"int":true}}',
      "--constraint",
      "fast < slow",
      "--seed",
      "3",
      "--pbo-blocks",
      "8",
    ];
    const one = await optimizeJson([...args, "--workers", "1", "--no-resume"], dir);
    const two = await optimizeJson([...args, "--workers", "2", "--no-resume"], dir);
    assert.equal(two.resumedTrials, 0);
    assert.equal(one.trials.length, 40);
    assert.deepEqual(two.trials, one.trials);
    assert.deepEqual(two.statistics, one.statistics);
    assert.deepEqual(two.best, one.best);
  });
});

/** Independent moments: mean, sample sd, population skewness and non-excess kurtosis. */
function moments(r: number[]) {
  const n = r.length, m = r.reduce((a, b) => a + b, 0) / n;
  const d = r.map((x) => x - m);
  const m2 = d.reduce((a, x) => a + x * x, 0) / n;
  const m3 = d.reduce((a, x) => a + x ** 3, 0) / n, m4 = d.reduce((a, x) => a + x ** 4, 0) / n;
  const sd = Math.sqrt(d.reduce((a, x) => a + x * x, 0) / (n - 1));
  return { sharpe: m / sd, skew: m3 / m2 ** 1.5, kurt: m4 / (m2 * m2) };
}

Deno.test("each trial is the CLI's backtest, and the statistics use the trials' returns", async () => {
  await withDir(async (dir) => {
    const file = `${dir}/wave.csv`;
    writeBars(file, "2024-01-01", wave(160));
    const grid = '{"fast":[2,3,5],"slow":[8,13,21]}';
    const r = await optimizeJson(
      ["--data", file, "--strategy", "sma_cross", "--grid", grid, "--pbo-blocks", "4"],
      dir,
    );
    const returns: number[][] = [];
    for (const t of r.trials) {
      // the backtest path deno task backtest runs, with this trial's parameters
      const cli = await runBacktestJob({
        registry: STRATEGIES,
        strategies: [{ name: "sma_cross", params: t.params }],
        dataFile: file,
        asset: "test",
        capital: 100_000,
        save: false,
      });
      assert.equal(t.configHash, cli.result.manifest.configHash);
      assert.deepEqual(
        JSON.parse(JSON.stringify(t.metrics)),
        JSON.parse(JSON.stringify(cli.json.metrics)),
      );
      const eq = cli.result.equity.equity;
      returns.push(Array.from(eq, (e, i) => e / (i === 0 ? 100_000 : eq[i - 1]) - 1));
    }
    // one trial through the spawned CLI itself
    const t0 = r.trials[4];
    const bt = await task(
      "backtest",
      ["--data", file, "--strategy", "sma_cross", "--params", JSON.stringify(t0.params), "--json"],
      dir,
    );
    assert.equal(bt.code, 0, bt.stderr);
    const doc = JSON.parse(bt.stdout);
    assert.equal(doc.manifest.configHash, t0.configHash);
    assert.deepEqual(doc.metrics, t0.metrics);

    const s = r.statistics;
    const sharpes = returns.map((x) => moments(x).sharpe);
    const n = sharpes.length, mean = sharpes.reduce((a, b) => a + b, 0) / n;
    const v = sharpes.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1);
    assert.equal(s.trials, 9);
    assert.ok(Math.abs(s.trialSharpeVariance - v) < 1e-15);
    const best = r.trials.findIndex((t: { rank?: number }) => t.rank === 1);
    const bm = moments(returns[best]);
    assert.ok(Math.abs(s.sharpe - bm.sharpe) < 1e-12);
    const T = returns[best].length;
    assert.equal(s.observations, T);
    const sr0 = Math.sqrt(v) *
      ((1 - EULER_MASCHERONI) * normalQuantile(1 - 1 / n) +
        EULER_MASCHERONI * normalQuantile(1 - 1 / (n * Math.E)));
    const psr = (b: number) =>
      normalCdf(
        (bm.sharpe - b) * Math.sqrt(T - 1) /
          Math.sqrt(1 - bm.skew * bm.sharpe + (bm.kurt - 1) / 4 * bm.sharpe ** 2),
      );
    assert.ok(Math.abs(s.expectedMaxSharpe - sr0) < 1e-12);
    assert.ok(Math.abs(s.probabilisticSharpe - psr(0)) < 1e-9);
    assert.ok(Math.abs(s.deflatedSharpe - psr(sr0)) < 1e-9);
    const z = normalQuantile(0.95);
    const mintrl = 1 + (1 - bm.skew * bm.sharpe + (bm.kurt - 1) / 4 * bm.sharpe ** 2) *
        (z / bm.sharpe) ** 2;
    if (bm.sharpe > 0) assert.ok(Math.abs(s.minTrackRecordLength - mintrl) / mintrl < 1e-9);
    const eligible = r.trials.flatMap((t: { rank?: number }, i: number) => t.rank ? [i] : []);
    const matrix = returns[0].map((_, row) => eligible.map((c: number) => returns[c][row]));
    assert.equal(s.pbo.pbo, probabilityOfBacktestOverfitting(matrix, { blocks: 4 }).pbo);
    assert.equal(s.pbo.combinations, 6);
  });
});

Deno.test("walk-forward windows fall on the hand-computed dates; purge and rolling respected", async () => {
  await withDir(async (dir) => {
    const file = `${dir}/wave.csv`;
    writeBars(file, "2024-01-01", wave(90)); // 2024-01-01 … 2024-03-30
    const r = await optimizeJson([
      "--data",
      file,
      "--strategy",
      "sma_cross",
      "--grid",
      '{"fast":[2,3],"slow":[5,8]}',
      "--walk-forward",
      "--train",
      "30d",
      "--test",
      "15d",
      "--purge",
      "2d",
      "--pbo-blocks",
      "4",
    ], dir);
    const wf = r.walkForward;
    // tests tile from Jan 1 + 30d = Jan 31 in 15-day steps; the data end (Mar 31) closes the 4th;
    // rolling train starts move by 15 days and end 2 days (the purge) before their test
    const d = (s: string) => `2024-${s}T00:00:00Z`;
    assert.deepEqual(
      wf.windows.map((
        w: { train: { start: string; end: string }; test: { start: string; end: string } },
      ) => [
        w.train.start,
        w.train.end,
        w.test.start,
        w.test.end,
      ]),
      [
        [d("01-01"), d("01-29"), d("01-31"), d("02-15")],
        [d("01-16"), d("02-13"), d("02-15"), d("03-01")],
        [d("01-31"), d("02-28"), d("03-01"), d("03-16")],
        [d("02-15"), d("03-14"), d("03-16"), d("03-31")],
      ],
    );
    for (const w of wf.windows) {
      assert.equal(w.purgedBars, 2);
      assert.equal(w.train.bars, 28);
      assert.equal(w.test.bars, 15);
      assert.ok(w.train.end < w.test.start);
    }
    // the stitched out-of-sample curve: one point per test bar of the windows that chose
    // parameters (a window whose trials all have a NaN objective on train is skipped)
    const used = wf.windows.filter((w: { params: unknown }) => w.params !== null);
    assert.ok(used.length >= 2);
    assert.equal(wf.equity.ts.length, 15 * used.length);
    assert.equal(wf.equity.ts[0], Date.parse(used[0].test.start));
    for (const w of wf.windows) if (w.params === null) assert.match(w.skipped, /no eligible/);
    const anchored = await optimizeJson([
      "--data",
      file,
      "--strategy",
      "sma_cross",
      "--grid",
      '{"fast":[2,3],"slow":[5,8]}',
      "--walk-forward",
      "--train",
      "30d",
      "--test",
      "15d",
      "--anchored",
      "--pbo-blocks",
      "4",
    ], dir);
    assert.deepEqual(
      anchored.walkForward.windows.map((
        w: { train: { start: string; end: string } },
      ) => [w.train.start, w.train.end]),
      [[d("01-01"), d("01-31")], [d("01-01"), d("02-15")], [d("01-01"), d("03-01")], [
        d("01-01"),
        d("03-16"),
      ]],
    );
  });
});

Deno.test("--out writes result.json, trials.csv and report.html; the table prints the top trials", async () => {
  await withDir(async (dir) => {
    const file = `${dir}/tiny.csv`;
    writeBars(file, "2024-01-01", TINY);
    const out = `${dir}/opt`;
    const r = await task("optimize", [
      "--data",
      file,
      "--strategy",
      "sma_cross",
      "--grid",
      GRID,
      "--constraint",
      "fast < slow",
      "--maximize",
      "totalReturn",
      "--top",
      "2",
      "--out",
      out,
    ], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Rank\s+fast\s+slow\s+totalReturn/);
    assert.equal(r.stdout.split("\n").filter((l) => /^\s+\d+\s+\d+\s+\d+\s/.test(l)).length, 2);
    assert.match(r.stdout, /DSR/);
    const csv = Deno.readTextFileSync(`${out}/trials.csv`).trim().split("\n");
    assert.equal(csv.length, 6);
    assert.match(csv[0], /^id,rank,excluded,fast,slow,allow_short,totalReturn,/);
    const doc = JSON.parse(Deno.readTextFileSync(`${out}/result.json`));
    assert.equal(doc.trials.length, 5);
    const html = Deno.readTextFileSync(`${out}/report.html`);
    for (const id of ["statistics", "heatmap", "sharpe-histogram", "equity", "top"]) {
      assert.match(html, new RegExp(`id="${id}"`));
    }
  });
});

Deno.test("a rerun reuses the stored trials and gives the same result as running them again", async () => {
  await withDir(async (dir) => {
    const file = `${dir}/wave.csv`;
    writeBars(file, "2024-01-01", wave(120));
    const base = ["--data", file, "--strategy", "sma_cross", "--pbo-blocks", "4"];
    const a = await optimizeJson([...base, "--grid", '{"fast":[2,3],"slow":[8,13]}'], dir);
    assert.equal(a.resumedTrials, 0);
    const grid = '{"fast":[2,3,5],"slow":[8,13]}';
    const b = await optimizeJson([...base, "--grid", grid], dir);
    assert.equal(b.resumedTrials, 4);
    const fresh = await optimizeJson([...base, "--grid", grid, "--no-resume"], dir);
    assert.equal(fresh.resumedTrials, 0);
    assert.deepEqual(b.trials, fresh.trials);
    assert.deepEqual(b.statistics, fresh.statistics);
    // other execution settings are other trials
    const c = await optimizeJson([...base, "--grid", grid, "--commission", "0.001"], dir);
    assert.equal(c.resumedTrials, 0);
  });
});

Deno.test("Ctrl-C stops a sweep with its finished trials stored; the rerun resumes them", async () => {
  await withDir(async (dir) => {
    const file = `${dir}/wave.csv`;
    writeBars(file, "2024-01-01", wave(1500));
    const args = [
      "run",
      "-q",
      "-P=optimize",
      "tasks/optimize.ts",
      "--data",
      file,
      "--asset",
      "test",
      "--strategy",
      "sma_cross",
      "--random",
      "600",
      "--space",
      '{"fast":{"min":1,"max":30,"int":true},"slow":{"min":5,"max":200,"int":true}}',
      "--constraint",
      "fast < slow",
      "--workers",
      "1",
      "--json",
    ];
    const child = new Deno.Command("deno", {
      args,
      cwd: ROOT,
      env: { DATABASE_PATH: `${dir}/mts.db`, LOG_FILE: "", NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const { DatabaseSync } = await import("node:sqlite");
    const stored = () => {
      try {
        const db = new DatabaseSync(`${dir}/mts.db`, { readOnly: true });
        try {
          return Number(
            (db.prepare("SELECT count(*) AS n FROM optimize_trials").get() as { n: number }).n,
          );
        } finally {
          db.close();
        }
      } catch {
        return 0;
      }
    };
    const deadline = Date.now() + 120_000;
    while (stored() < 200 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    child.kill("SIGINT");
    const out = await child.output();
    const saved = stored();
    assert.ok(saved >= 200, `saved ${saved}`);
    if (out.code !== 0) assert.match(new TextDecoder().decode(out.stderr), /interrupted/);
    const again = await optimizeJson(args.slice(4, -1), dir);
    assert.ok(again.resumedTrials >= saved, `${again.resumedTrials} of ${saved}`);
    assert.equal(again.trials.length, 600);
  });
});
