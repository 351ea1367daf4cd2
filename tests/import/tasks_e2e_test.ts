/**
 * End to end: `deno task import`, `deno task export` and `deno task demo` as a user runs them,
 * each against its own database under data/test-<random>/ (removed afterwards).
 */
import assert from "node:assert/strict";
import { SqliteStore } from "../../lib/storage/sqlite_store.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

async function task(dbDir: string, ...args: string[]) {
  const out = await new Deno.Command("deno", {
    args: ["task", "-q", ...args],
    cwd: ROOT,
    env: { DATABASE_PATH: `${dbDir}/mts.db`, LOG_FILE: "", NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return {
    code: out.code,
    stdout: dec.decode(out.stdout),
    stderr: dec.decode(out.stderr).split("\n").filter((l) => !/--env-file/.test(l)).join("\n"),
  };
}

async function sandbox(fn: (dbDir: string, tmp: string) => Promise<void>) {
  const dbDir = `data/test-${crypto.randomUUID().slice(0, 8)}`;
  const tmp = await Deno.makeTempDir({ prefix: "mts-e2e-" });
  try {
    await fn(dbDir, tmp);
  } finally {
    await Deno.remove(`${ROOT}${dbDir}`, { recursive: true }).catch(() => {});
    await Deno.remove(tmp, { recursive: true });
  }
}

async function snapshot(dbPath: string) {
  const store = SqliteStore.open(dbPath);
  try {
    const series = await store.listSeries();
    const candles = [];
    for (const s of series) candles.push(await store.getCandles(s));
    return {
      series: series.map(({ updatedAt: _, ...s }) => s),
      candles,
      issues: await store.listQualityIssues(),
      runs: await store.listRuns(),
    };
  } finally {
    store.close();
  }
}

const GOOD = [
  "Date,Open,High,Low,Close,Volume",
  "2024-01-01,100,110,95,105,1000",
  "2024-01-02,105,112,101,111,1200",
  "2024-01-03,111,115,108,109,900",
  "2024-01-05,109,111,100,102,",
].join("\n") + "\n";

Deno.test("import task: reports issues, re-import adds nothing, corrupt files change nothing", async () => {
  await sandbox(async (dbDir, tmp) => {
    const good = `${tmp}/good.csv`;
    await Deno.writeTextFile(good, GOOD);
    let r = await task(dbDir, "import", "--file", good, "--asset", "testcoin");
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /into csv:testcoin@1d/);
    assert.match(r.stdout, /stored: 4 new, 0 updated, 0 unchanged/);
    assert.match(r.stdout, /gap\s+1/);
    assert.match(r.stdout, /missing_value\s+1/);

    r = await task(dbDir, "import", "--file", good, "--asset", "testcoin", "--json");
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.deepEqual([report.inserted, report.unchanged, report.issues.new], [0, 4, 0]);
    assert.equal(report.first, "2024-01-01");

    const before = await snapshot(`${ROOT}${dbDir}/mts.db`);
    const truncated = `${tmp}/truncated.csv`;
    await Deno.writeTextFile(truncated, GOOD + "2024-01-06,102,10");
    r = await task(dbDir, "import", "--file", truncated, "--asset", "testcoin");
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      new RegExp(`mts import: ${truncated}:6: expected 6 fields, got 3 \\(truncated line\\?\\)`),
    );

    const text = `${tmp}/text.csv`;
    await Deno.writeTextFile(
      text,
      GOOD.replace("2024-01-02,105,112,101,111", "2024-01-02,105,112,101,eleven"),
    );
    r = await task(dbDir, "import", "--file", text, "--asset", "testcoin");
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`${text}:3: Close: "eleven" is not a number`));
    assert.deepEqual(await snapshot(`${ROOT}${dbDir}/mts.db`), before);

    r = await task(dbDir, "import", "--file", text, "--asset", "testcoin", "--skip-bad-rows");
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /bad rows skipped: 1/);
    assert.match(r.stdout, /bad_row\s+1/);
  });
});

Deno.test("import task: usage errors exit 2 and a corrupt first import creates no database", async () => {
  await sandbox(async (dbDir, tmp) => {
    let r = await task(dbDir, "import");
    assert.equal(r.code, 2);
    assert.match(r.stderr, /mts import: missing --file/);
    const noAsset = `${tmp}/prices.csv`;
    await Deno.writeTextFile(noAsset, GOOD);
    r = await task(dbDir, "import", "--file", noAsset);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /pass --asset/);
    const bad = `${tmp}/bad.csv`;
    await Deno.writeTextFile(bad, GOOD + "2024-01-06,1,1,1\n");
    r = await task(dbDir, "import", "--file", bad, "--asset", "x");
    assert.equal(r.code, 1);
    await assert.rejects(Deno.stat(`${ROOT}${dbDir}/mts.db`), Deno.errors.NotFound);
  });
});

Deno.test("demo task: creates the database, loads the sample market once, labels it as generated", async () => {
  await sandbox(async (dbDir) => {
    let r = await task(dbDir, "demo");
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^mts demo — generated sample data \(seed 42; not real market prices\)/);
    assert.match(r.stdout, /loaded 9,708 rows of the sample market/);
    assert.match(
      r.stdout,
      /bitcoin\s+sample \(generated sample data\)\s+1d\s+2,192\s+2019-01-01\s+2024-12-31/,
    );
    await Deno.stat(`${ROOT}${dbDir}/mts.db`);

    r = await task(dbDir, "demo", "--json", "--days", "3");
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.sample.inserted, 0);
    assert.match(report.label, /generated sample data/);
    assert.equal(report.sections[1].data.rows.length, 3);

    r = await task(dbDir, "demo", "--days", "0");
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--days: expected a whole number from 1 to 3650/);
  });
});

Deno.test("export task: backups re-import into a fresh database as identical data", async () => {
  await sandbox(async (dbDir, tmp) => {
    assert.equal((await task(dbDir, "demo")).code, 0);
    const cg = `${tmp}/eth-usd-max.csv`;
    await Deno.writeTextFile(
      cg,
      "snapped_at,price,market_cap,total_volume\n" +
        "2015-08-08 00:00:00 UTC,1.33075,80339475.0,368070.0\n" +
        "2015-08-10 00:00:00 UTC,0.6875857090838133,0.0,400464.0745435489\n",
    );
    assert.equal((await task(dbDir, "import", "--file", cg)).code, 0);
    const backups = `${dbDir}/backups`;
    const r = await task(dbDir, "export", "--dir", backups, "--json");
    assert.equal(r.code, 0, r.stderr);
    const exported = JSON.parse(r.stdout);
    assert.equal(exported.files.length, 6);
    assert.equal(exported.rows, 3 * 2192 + 2 * 1566 + 2);

    const fresh = `${dbDir}/fresh`;
    for (const f of exported.files) {
      const imp = await task(fresh, "import", "--file", f.path, "--json");
      assert.equal(imp.code, 0, imp.stderr);
      assert.equal(JSON.parse(imp.stdout).issues.total, 0);
    }
    const a = await snapshot(`${ROOT}${dbDir}/mts.db`);
    const b = await snapshot(`${ROOT}${fresh}/mts.db`);
    assert.deepEqual(b.series, a.series);
    assert.deepEqual(b.candles, a.candles);
    const sa = SqliteStore.open(`${ROOT}${dbDir}/mts.db`),
      sb = SqliteStore.open(`${ROOT}${fresh}/mts.db`);
    try {
      for (const s of ["VIX", "DXY"]) assert.deepEqual(await sb.getMacro(s), await sa.getMacro(s));
    } finally {
      sa.close();
      sb.close();
    }
  });
});

Deno.test("import and export tasks: ids follow one rule, UTF-16 files import, backups never collide", async () => {
  await sandbox(async (dbDir, tmp) => {
    const good = `${tmp}/good.csv`;
    await Deno.writeTextFile(good, GOOD);
    let r = await task(dbDir, "import", "--file", good, "--asset", "   ");
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /^mts import: --asset: expected an asset id \(.*\), got " {3}" \(a space at position 1 is not allowed\)/,
    );

    // UTF-16 LE with a byte-order mark, written byte by byte
    const units = [0xfeff, ...[...GOOD].map((c) => c.charCodeAt(0))];
    const bytes = new Uint8Array(units.length * 2);
    units.forEach((u, i) => [bytes[2 * i], bytes[2 * i + 1]] = [u & 0xff, u >> 8]);
    await Deno.writeFile(`${tmp}/utf16.csv`, bytes);
    for (const asset of ["foo_bar", "foo-bar"]) {
      r = await task(
        dbDir,
        "import",
        "--file",
        asset === "foo_bar" ? `${tmp}/utf16.csv` : good,
        "--asset",
        asset,
      );
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`into csv:${asset}@1d`));
    }
    r = await task(dbDir, "export", "--dir", `${dbDir}/backups`, "--json");
    assert.equal(r.code, 0, r.stderr);
    const names = JSON.parse(r.stdout).files.map((f: { path: string }) =>
      f.path.replace(/^.*\//, "")
    );
    assert.deepEqual(names.sort(), ["candles_csv_foo-bar_1d.csv", "candles_csv_foo~_bar_1d.csv"]);

    r = await task(dbDir, "export", "--asset", "bit/coin");
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /--asset: expected an asset id .*, got "bit\/coin" \("\/" \(U\+002F\) at position 4 is not allowed\)/,
    );
  });
});
