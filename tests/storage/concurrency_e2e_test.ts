/**
 * Several tasks on one database at once, as real processes with their deno.json permissions:
 * two large imports, a backtest, signals and status. Another connection (as another process
 * would) holds SQLite's write lock until every writer reports that it is waiting for it — longer
 * than SQLite's 5 s busy timeout, after which they used to fail with "database is locked". Then
 * all of them must complete, and every row is checked.
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { loadSampleMarket } from "../../lib/services/sample_loader.ts";
import { SqliteStore } from "../../lib/storage/sqlite_store.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const ROWS = 120_000;
const T0 = Date.UTC(2021, 0, 1);
const MIN = 60_000;

/** Minute bars of `asset`: prices with two decimals, so the CSV text is exact. */
function bars(asset: "alpha" | "beta") {
  const base = asset === "alpha" ? 1_000 : 20;
  return Array.from({ length: ROWS }, (_, i) => {
    const close = Math.round((base + 10 * Math.sin(i / 500) + i / 1_000) * 100) / 100;
    return {
      ts: T0 + i * MIN,
      open: close,
      high: close + 0.5,
      low: close - 0.5,
      close,
      volume: i % 97,
    };
  });
}

function toCsv(rows: ReturnType<typeof bars>): string {
  const lines = rows.map((r) => {
    const t = new Date(r.ts).toISOString();
    return `${t.slice(0, 10)} ${
      t.slice(11, 19)
    },${r.open},${r.high},${r.low},${r.close},${r.volume}`;
  });
  return ["Date,Open,High,Low,Close,Volume", ...lines].join("\n") + "\n";
}

function spawn(dir: string, name: string, task: string, args: string[]) {
  const child = new Deno.Command("deno", {
    args: ["task", "-q", task, ...args],
    cwd: ROOT,
    env: { DATABASE_PATH: `${dir}/mts.db`, LOG_FILE: `${dir}/${name}.log`, NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const dec = new TextDecoder();
  const output = child.output().then((o) => ({
    name,
    code: o.code,
    stdout: dec.decode(o.stdout),
    stderr: dec.decode(o.stderr),
  }));
  let exited = false;
  output.then(() => (exited = true));
  const handle = { name, output, exited: () => exited };
  running.push(handle);
  return handle;
}

/** Every task started, so that a failing test still waits for them before cleaning up. */
const running: { output: Promise<unknown> }[] = [];

function loggedWaiting(logFile: string): boolean {
  try {
    return Deno.readTextFileSync(logFile).split("\n").some((l) =>
      /waiting for the write lock/.test(l)
    );
  } catch {
    return false;
  }
}

Deno.test("two imports, a backtest, signals and status at once on one database all complete; every row is right", async () => {
  const dir = `data/test-concurrency-${crypto.randomUUID().slice(0, 8)}`;
  const abs = `${ROOT}${dir}`;
  Deno.mkdirSync(abs, { recursive: true });
  try {
    const alpha = bars("alpha"), beta = bars("beta");
    Deno.writeTextFileSync(`${abs}/alpha.csv`, toCsv(alpha));
    Deno.writeTextFileSync(`${abs}/beta.csv`, toCsv(beta));
    const seed = SqliteStore.open(`${abs}/mts.db`);
    await loadSampleMarket(seed);
    const sampleBefore = await seed.listSeries();
    seed.close();

    const holder = new DatabaseSync(`${abs}/mts.db`);
    holder.exec("BEGIN IMMEDIATE");
    holder.exec(
      "INSERT INTO signals (ts, asset, strategy, direction, confidence, size, reason, created_at) VALUES (0, 'held', 'held', 'flat', 0, 0, 'never committed', 0)",
    );
    let held = true;
    try {
      const writers = [
        spawn(dir, "import-alpha", "import", [
          "--file",
          `${abs}/alpha.csv`,
          "--asset",
          "alpha",
          "--json",
        ]),
        spawn(dir, "import-beta", "import", [
          "--file",
          `${abs}/beta.csv`,
          "--asset",
          "beta",
          "--json",
        ]),
        spawn(dir, "backtest", "backtest", [
          "--symbols",
          "bitcoin",
          "--strategy",
          "BuyHoldStrategy",
          "--json",
        ]),
        spawn(dir, "signals", "signals", ["--assets", "bitcoin", "--at", "2020-03-20", "--json"]),
      ];
      // A reader finishes while the lock is held.
      const status = await spawn(dir, "status", "status", ["--json"]).output;
      assert.equal(status.code, 0, status.stderr);
      const priceSeries = JSON.parse(status.stdout).series.filter((s: { kind: string }) =>
        s.kind === "price"
      );
      assert.equal(priceSeries.length, sampleBefore.length);

      // Hold the lock until every writer says it is waiting (or one gives up, which fails below).
      while (
        !writers.every((w) => loggedWaiting(`${abs}/${w.name}.log`)) &&
        !writers.some((w) => w.exited())
      ) {
        await new Promise((r) => setTimeout(r, 100));
      }
      holder.exec("ROLLBACK");
      held = false;
      const results = await Promise.all(writers.map((w) => w.output));
      for (const r of results) assert.equal(r.code, 0, `${r.name} failed: ${r.stderr}`);
      const [ia, ib, bt, sg] = results.map((r) => JSON.parse(r.stdout));
      assert.deepEqual([ia.inserted, ia.updated, ia.unchanged], [ROWS, 0, 0]);
      assert.deepEqual([ib.inserted, ib.updated, ib.unchanged], [ROWS, 0, 0]);
      assert.ok(sg.stored > 0, "the signals were stored");

      const store = SqliteStore.open(`${abs}/mts.db`);
      try {
        for (const [asset, expected] of [["alpha", alpha], ["beta", beta]] as const) {
          const got = await store.getCandles({ source: "csv", asset, interval: "1m" });
          assert.equal(got.length, ROWS, asset);
          for (let i = 0; i < ROWS; i++) {
            const g = got[i], e = expected[i];
            if (
              g.ts !== e.ts || g.open !== e.open || g.high !== e.high || g.low !== e.low ||
              g.close !== e.close || g.volume !== e.volume
            ) assert.fail(`${asset} row ${i}: ${JSON.stringify(g)} != ${JSON.stringify(e)}`);
          }
        }
        const series = await store.listSeries();
        const sample = series.filter((s) => s.source === "sample");
        assert.deepEqual(
          sample.map(({ updatedAt: _, ...s }) => s),
          sampleBefore.map(({ updatedAt: _, ...s }) => s),
        );
        const runs = await store.listRuns({ task: "import" });
        assert.deepEqual(runs.map((r) => [r.status, r.rowsWritten]).sort(), [
          ["success", ROWS],
          ["success", ROWS],
        ]);
        assert.equal((await store.listRuns()).filter((r) => r.status === "running").length, 0);
        // Buy and hold with all equity at the second bar's open, closed at the last close, no
        // costs: the return is last close / second open − 1, read from the raw rows.
        const rawDb = new DatabaseSync(`${abs}/mts.db`, { readOnly: true });
        const rows = rawDb.prepare(
          "SELECT open, close FROM candles WHERE source = 'sample' AND asset = 'bitcoin' ORDER BY ts",
        ).all() as { open: number; close: number }[];
        rawDb.close();
        const want = rows[rows.length - 1].close / rows[1].open - 1;
        assert.ok(Math.abs(bt.metrics.totalReturn - want) < 1e-9, `${bt.metrics.totalReturn}`);
        const backtests = await store.listBacktestRuns();
        assert.equal(backtests.length, 1);
        assert.ok(
          Math.abs(Number(backtests[0].metrics.totalReturn) - want) < 1e-9,
          "the stored run",
        );
        const signals = await store.listSignals();
        assert.equal(signals.length, sg.stored);
        assert.ok(signals.every((s) => s.strategy !== "held"), "the holder's row never landed");
      } finally {
        store.close();
      }
      const raw = new DatabaseSync(`${abs}/mts.db`, { readOnly: true });
      const left = raw.prepare("SELECT COUNT(*) AS n FROM candle_batches").get() as { n: number };
      raw.close();
      assert.equal(Number(left.n), 0, "no staged batch left behind");
    } finally {
      if (held) holder.exec("ROLLBACK");
      holder.close();
    }
  } finally {
    // The lock is released by now: whatever still runs finishes, then the files go.
    await Promise.allSettled(running.map((r) => r.output));
    await Deno.remove(abs, { recursive: true }).catch(() => {});
  }
});
