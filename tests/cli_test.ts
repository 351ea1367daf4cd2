import assert from "node:assert/strict";
import { main, TASKS } from "../cli.ts";

const root = new URL("../", import.meta.url);

Deno.test("the single-binary entry knows every task in deno.json", async () => {
  const tasks = JSON.parse(await Deno.readTextFile(new URL("deno.json", root))).tasks;
  const runnable = Object.keys(tasks).filter((t) =>
    !["test", "check", "bench", "compile"].includes(t)
  ).sort();
  assert.deepEqual(Object.keys(TASKS).sort(), runnable);
});

Deno.test("mts with an unknown task exits 2 and names the choices", async () => {
  const errors: string[] = [];
  const orig = console.error;
  console.error = (m: string) => errors.push(m);
  try {
    assert.equal(await main(["nope"]), 2);
  } finally {
    console.error = orig;
  }
  assert.match(errors.join("\n"), /unknown task "nope".*backtest/);
});

// ---------------------------------------------------------------------------------------------
// Bad flag values: every task, every kind of value. Each must exit 2 with one line on stderr that
// names the flag, print nothing on stdout and create no database. Run in-process through the
// binary's dispatcher (the same main() each task's deno.json command runs).

/** [task, arguments, the flag the one line must start with]. */
const BAD_FLAGS: [string, string[], string][] = [
  ["demo", ["--days", "0"], "--days"],
  ["demo", ["--days", "abc"], "--days"],
  ["demo", ["--dyas", "3"], "--dyas"],
  ["demo", ["--json=yes"], "--json"],
  ["import", ["--file", "missing.csv", "--interval", "7x"], "--interval"],
  ["import", ["--file"], "--file"],
  ["export", ["--asset"], "--asset"],
  ["collect", ["--days", "0"], "--days"],
  ["collect", ["--days", "1.5"], "--days"],
  ["collect", ["--source", "kraken"], "--source"],
  ["collect", ["--interval", "7x"], "--interval"],
  ["collect", ["--assets", ""], "--assets"],
  ["macro", ["--days", "-1"], "--days"],
  ["macro", ["--indicators", "VIX", "D$Y"], "--indicators"],
  ["status", ["--runs", "0"], "--runs"],
  ["signals", ["--at", "2023-02-30"], "--at"],
  ["signals", ["--at", "0024-01-01"], "--at"],
  ["signals", ["--params", "{bad"], "--params"],
  ["signals", ["--params", "[1]"], "--params"],
  ["signals", ["--interval", "7x"], "--interval"],
  ["signals", ["--min-net", "2"], "--min-net"],
  ["signals", ["--weights", "vix_correlation"], "--weights"],
  ["signals", ["--weights", "vix_correlation=-1"], "--weights"],
  ["signals", ["--weights", "nope=1"], "--weights"],
  ["signals", ["--publication-lag", "VIX=soon"], "--publication-lag"],
  ["signals", ["--max-price-age", "5"], "--max-price-age"],
  ["signals", ["--max-macro-age", "2 days"], "--max-macro-age"],
  ["signals", ["--strategies", "nope"], "--strategies"],
  ["schedule", ["--interval", "7x"], "--interval"],
  ["schedule", ["--interval", "61 * * * *"], "--interval"],
  ["schedule", ["--for", "0"], "--for"],
  ["schedule", ["--for", "soon"], "--for"],
  ["schedule", ["--max-catch-up", "week"], "--max-catch-up"],
  ["schedule", ["--concurrency", "0"], "--concurrency"],
  ["schedule", ["--leader-ttl", "0.5s"], "--leader-ttl"],
  ["schedule", ["--shutdown-timeout", "-1s"], "--shutdown-timeout"],
  ["schedule", ["--job", "nope"], "--job"],
  ["schedule", ["--once", "--for", "1m"], "--for"],
  ["schedule", ["--file"], "--file"],
  ["stream", ["--exchanges", "kraken"], "--exchanges"],
  ["stream", ["--markets", "futures"], "--markets"],
  ["stream", ["--symbols", "BTC-USDT"], "--symbols"],
  ["stream", ["--depth", "0"], "--depth"],
  ["stream", ["--depth", "500"], "--depth"],
  ["stream", ["--for", "0"], "--for"],
  ["stream", ["--for", "soon"], "--for"],
  ["stream", ["--stale-after", "15"], "--stale-after"],
  ["stream", ["--snapshot-limit", "0"], "--snapshot-limit"],
  ["stream", ["--snapshot-limit", "2"], "--snapshot-limit"],
  ["stream", ["--markets", "spot", "--snapshot-limit", "5001"], "--snapshot-limit"],
  ["stream", ["--snapshot-every", "0.5s"], "--snapshot-every"],
  ["stream", ["--max-connection-age", "1ms"], "--max-connection-age"],
  ["stream", ["--record-part-mb", "0"], "--record-part-mb"],
  ["stream", ["--replay", "x.jsonl", "--symbols", "BTCUSDT"], "--symbols"],
  ["stream", ["--backfill-funding", "--days", "0"], "--days"],
  ["stream", ["--days", "3"], "--days"],
  ["stream", ["--backfill-funding", "--exchanges", "okx"], "--exchanges"],
  ["serve", ["--port", "70000"], "--port"],
  ["serve", ["--port", "http"], "--port"],
  ["serve", ["--schedule-file"], "--schedule-file"],
  ["arbitrage", ["--replay", "x.jsonl", "--symbols", "BTC-USDT"], "--symbols"],
  ["arbitrage", ["--replay", "x.jsonl", "--symbols", "BTCXYZ"], "--symbols"],
  ["arbitrage", ["--replay", "x.jsonl", "--min-net-bps", "five"], "--min-net-bps"],
  ["arbitrage", ["--replay", "x.jsonl", "--hysteresis-bps", "-1"], "--hysteresis-bps"],
  ["arbitrage", ["--replay", "x.jsonl", "--max-notional", "0"], "--max-notional"],
  ["arbitrage", ["--replay", "x.jsonl", "--min-notional", "-5"], "--min-notional"],
  ["arbitrage", ["--replay", "x.jsonl", "--fees", "{bad"], "--fees"],
  ["arbitrage", ["--replay", "x.jsonl", "--fees", '{"kraken:spot":0.001}'], "--fees"],
  ["arbitrage", ["--replay", "x.jsonl", "--fees", '{"bybit:perp":0.5}'], "--fees"],
  ["arbitrage", ["--replay", "x.jsonl", "--fixed-cost", "-1"], "--fixed-cost"],
  ["arbitrage", ["--replay", "x.jsonl", "--rates", '{"USDC":1}'], "--rates"],
  ["arbitrage", ["--replay", "x.jsonl", "--rates", '{"USDC/USDT":0}'], "--rates"],
  ["arbitrage", ["--replay", "x.jsonl", "--lots", '{"binance:perp":0.002}'], "--lots"],
  ["arbitrage", ["--replay", "x.jsonl", "--lots", "[3]"], "--lots"],
  ["arbitrage", ["--replay", "x.jsonl", "--max-age", "0"], "--max-age"],
  ["arbitrage", ["--replay", "x.jsonl", "--max-age", "5"], "--max-age"],
  ["arbitrage", ["--replay", "x.jsonl", "--min-duration", "0"], "--min-duration"],
  ["arbitrage", ["--replay", "x.jsonl", "--min-duration", "soon"], "--min-duration"],
  ["arbitrage", ["--replay", "x.jsonl", "--update-bps", "-1"], "--update-bps"],
  ["arbitrage", ["--replay", "x.jsonl", "--evaluate", "--latency", "soon"], "--latency"],
  ["arbitrage", ["--replay", "x.jsonl", "--latency", "100ms"], "--latency"],
  ["arbitrage", ["--from-cache", "--for", "soon"], "--for"],
  ["arbitrage", ["--from-cache", "--for", "0"], "--for"],
  ["arbitrage", ["--from-cache", "--replay", "x.jsonl"], "--from-cache"],
  ["arbitrage", ["--from-cache", "--evaluate"], "--evaluate"],
  ["arbitrage", ["--replay"], "--replay"],
  ["volatility", ["--window", "1"], "--window"],
  ["volatility", ["--periods-per-year", "0"], "--periods-per-year"],
  ["volatility", ["--interval", "7x"], "--interval"],
  ["volatility", ["--start", "2023-02-30"], "--start"],
  ["volatility", ["--end", "0099-12-31"], "--end"],
  ["volatility", ["--start", "2024-02-01", "--end", "2024-01-01"], "--start"],
  ["volatility", ["--json", "--out", "reports/v.csv"], "--json"],
  ["backtest", ["--symbols", "a", "--slippage-bps", "20000"], "--slippage-bps"],
  ["backtest", ["--symbols", "a", "--capital", "0"], "--capital"],
  ["backtest", ["--symbols", "a", "--capital", "-5"], "--capital"],
  ["backtest", ["--symbols", "a", "--commission", "1"], "--commission"],
  ["backtest", ["--symbols", "a", "--commission-fixed", "-1"], "--commission-fixed"],
  ["backtest", ["--symbols", "a", "--fill", "mid"], "--fill"],
  ["backtest", ["--symbols", "a", "--units", "half"], "--units"],
  ["backtest", ["--symbols", "a", "--close-at-end", "never"], "--close-at-end"],
  ["backtest", ["--symbols", "a", "--periods-per-year", "0"], "--periods-per-year"],
  ["backtest", ["--symbols", "a", "--risk-free", "10"], "--risk-free"],
  ["backtest", ["--symbols", "a", "--lookahead-points", "0"], "--lookahead-points"],
  ["backtest", ["--symbols", "a", "--params", "{bad"], "--params"],
  ["backtest", ["--symbols", "a", "--start", "2023-02-30"], "--start"],
  ["backtest", ["--symbols", "a", "--end", "tomorrow"], "--end"],
  ["backtest", ["--symbols", "a", "--interval", "7x"], "--interval"],
  ["backtest", ["--symbols", "a", "--start", "2024-02-01", "--end", "2024-01-01"], "--start"],
  ["optimize", ["--symbols", "a", "--grid", "{bad"], "--grid"],
  ["optimize", ["--symbols", "a", "--grid", '{"fast":[]}'], "--grid"],
  [
    "optimize",
    ["--symbols", "a", "--strategy", "sma_cross", "--grid", '{"fast":[40],"slow":[30]}'],
    "--grid",
  ],
  ["optimize", [
    "--symbols",
    "a",
    "--strategy",
    "sma_cross",
    "--random",
    "0",
    "--space",
    '{"fast":{"min":2,"max":9,"int":true}}',
  ], "--random"],
  ["optimize", [
    "--symbols",
    "a",
    "--strategy",
    "sma_cross",
    "--random",
    "20",
    "--space",
    '{"fast":{"min":2,"max":9,"int":true}}',
  ], "--random"],
  [
    "optimize",
    ["--symbols", "a", "--strategy", "sma_cross", "--random", "2", "--space", "[1]"],
    "--space",
  ],
  [
    "optimize",
    [
      "--symbols",
      "a",
      "--strategy",
      "sma_cross",
      "--random",
      "2",
      "--space",
      '{"fast":{"min":9,"max":2}}',
    ],
    "--space",
  ],
  ["optimize", [
    "--symbols",
    "a",
    "--strategy",
    "sma_cross",
    "--random",
    "2",
    "--seed",
    "-1",
    "--space",
    '{"fast":{"min":2,"max":9,"int":true}}',
  ], "--seed"],
  ["optimize", [
    "--symbols",
    "a",
    "--strategy",
    "sma_cross",
    "--grid",
    '{"fast":[5],"slow":[30]}',
    "--constraint",
    "fast < < slow",
  ], "--constraint"],
  ["optimize", ["--symbols", "a", "--strategy", "nope", "--grid", '{"fast":[5]}'], "--strategy"],
  ["optimize", ["--symbols", "a", "--grid", '{"fast":[5]}', "--params", "{bad"], "--params"],
  ["optimize", ["--symbols", "a", "--grid", '{"fast":[5]}', "--maximize", "profit"], "--maximize"],
  [
    "optimize",
    ["--symbols", "a", "--grid", '{"fast":[5]}', "--minimize", "drawdown"],
    "--minimize",
  ],
  ["optimize", ["--symbols", "a", "--grid", '{"fast":[5]}', "--min-trades", "-1"], "--min-trades"],
  ["optimize", ["--symbols", "a", "--grid", '{"fast":[5]}', "--workers", "many"], "--workers"],
  ["optimize", ["--symbols", "a", "--grid", '{"fast":[5]}', "--pbo-blocks", "5"], "--pbo-blocks"],
  ["optimize", ["--symbols", "a", "--grid", '{"fast":[5]}', "--top", "0"], "--top"],
  ["optimize", [
    "--symbols",
    "a",
    "--grid",
    '{"fast":[5]}',
    "--walk-forward",
    "--train",
    "2 years",
    "--test",
    "6m",
  ], "--train"],
  ["optimize", [
    "--symbols",
    "a",
    "--grid",
    '{"fast":[5]}',
    "--walk-forward",
    "--train",
    "2y",
    "--test",
    "0.5m",
  ], "--test"],
  ["optimize", [
    "--symbols",
    "a",
    "--grid",
    '{"fast":[5]}',
    "--walk-forward",
    "--train",
    "2y",
    "--test",
    "6m",
    "--purge",
    "x",
  ], "--purge"],
  ["optimize", [
    "--symbols",
    "a",
    "--grid",
    '{"fast":[5]}',
    "--walk-forward",
    "--train",
    "2y",
    "--test",
    "6m",
    "--embargo",
    "-5d",
  ], "--embargo"],
  ["optimize", ["--symbols", "a", "--grid", '{"fast":[5]}', "--train", "2y"], "--train"],
  ["optimize", ["--symbols", "a", "--grid", '{"fast":[5]}', "--capital", "0"], "--capital"],
  ["optimize", ["--symbols", "a", "--grid", '{"fast":[5]}', "--commission", "1"], "--commission"],
  [
    "optimize",
    ["--symbols", "a", "--grid", '{"fast":[5]}', "--commission-fixed", "-1"],
    "--commission-fixed",
  ],
  [
    "optimize",
    ["--symbols", "a", "--grid", '{"fast":[5]}', "--slippage-bps", "20000"],
    "--slippage-bps",
  ],
  ["optimize", ["--symbols", "a", "--grid", '{"fast":[5]}', "--fill", "mid"], "--fill"],
  ["optimize", ["--symbols", "a", "--grid", '{"fast":[5]}', "--units", "half"], "--units"],
  [
    "optimize",
    ["--symbols", "a", "--grid", '{"fast":[5]}', "--close-at-end", "never"],
    "--close-at-end",
  ],
  [
    "optimize",
    ["--symbols", "a", "--grid", '{"fast":[5]}', "--periods-per-year", "0"],
    "--periods-per-year",
  ],
  ["optimize", ["--symbols", "a", "--grid", '{"fast":[5]}', "--risk-free", "10"], "--risk-free"],
  ["optimize", ["--symbols", "a", "--grid", '{"fast":[5]}', "--start", "2023-02-30"], "--start"],
  ["optimize", ["--symbols", "a", "--grid", '{"fast":[5]}', "--end", "tomorrow"], "--end"],
  ["optimize", ["--symbols", "a", "--grid", '{"fast":[5]}', "--interval", "7x"], "--interval"],
];

/** Runs `mts <args>` in this process, capturing console output. */
async function runInProcess(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const log = console.log, error = console.error;
  console.log = (...a: unknown[]) => out.push(a.join(" "));
  console.error = (...a: unknown[]) => err.push(a.join(" "));
  try {
    return { code: await main(args), out, err };
  } finally {
    console.log = log;
    console.error = error;
  }
}

/** Sets environment variables for the duration of `fn`. */
async function withEnv(vars: Record<string, string>, fn: () => Promise<void>): Promise<void> {
  const saved = Object.keys(vars).map((k) => [k, Deno.env.get(k)] as const);
  for (const [k, v] of Object.entries(vars)) Deno.env.set(k, v);
  try {
    await fn();
  } finally {
    for (const [k, v] of saved) v === undefined ? Deno.env.delete(k) : Deno.env.set(k, v);
  }
}

Deno.test("every bad flag value exits 2 with one line naming the flag, and writes nothing", async () => {
  const dir = await Deno.makeTempDir({ prefix: "mts-flags-" });
  try {
    await withEnv({ DATABASE_PATH: `${dir}/mts.db`, LOG_FILE: "" }, async () => {
      for (const [task, args, flag] of BAD_FLAGS) {
        const what = `${task} ${args.join(" ")}`;
        const r = await runInProcess([task, ...args]);
        assert.equal(r.code, 2, `${what}: exit code (${r.err.join(" | ")})`);
        assert.deepEqual(r.out, [], `${what}: nothing on stdout`);
        assert.equal(r.err.length, 1, `${what}: one line, got ${JSON.stringify(r.err)}`);
        assert.ok(!r.err[0].includes("\n"), `${what}: one line`);
        assert.ok(
          r.err[0].startsWith(`mts ${task}: ${flag}`),
          `${what}: the line names ${flag}: ${r.err[0]}`,
        );
      }
    });
    assert.deepEqual([...Deno.readDirSync(dir)], [], "no database, no file was created");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("every task's table covers each of its value flags at least once", async () => {
  // A flag added to a task without a bad-value case here fails this test.
  const covered = new Set(BAD_FLAGS.map(([t, , f]) => `${t} ${f}`));
  const exempt = new Set([
    // free text or switches: no value can be bad
    "import --asset",
    "import --series",
    "import --source",
    "export --series",
    "export --source",
    "signals --assets",
    "signals --source",
    "signals --macro-source",
    "volatility --assets",
    "volatility --source",
    "backtest --symbols",
    "backtest --asset",
    "backtest --source",
    "backtest --macro-source",
    "backtest --strategy",
    // a bind address: a bad one fails when the server listens (tests/serve)
    "serve --host",
    // output paths: checked against the real permissions below
    "export --dir",
    "volatility --out",
    "backtest --out",
    // a file the user names: a missing one is reported when it is read
    "backtest --data",
    "optimize --symbols",
    "optimize --asset",
    "optimize --source",
    "optimize --macro-source",
    "optimize --out",
    "optimize --data",
    "stream --replay",
    "stream --record",
    "arbitrage --replay",
  ]);
  for (const [task] of Object.entries(TASKS)) {
    const help = await runInProcess([task, "--help"]);
    assert.equal(help.code, 0);
    const flags = [...help.out.join("\n").matchAll(/^\s+(--[a-z-]+) ['<]?[a-zA-Z]/gm)].map((m) =>
      m[1]
    );
    for (const f of flags) {
      const key = `${task} ${f}`;
      assert.ok(covered.has(key) || exempt.has(key), `no bad-value case for ${key}`);
    }
  }
});

// ---------------------------------------------------------------------------------------------
// Spawned as users run them: `deno task <name>` with the real permission sets.

const ROOT = new URL("../", import.meta.url).pathname;

async function denoTask(args: string[], env: Record<string, string> = {}) {
  const out = await new Deno.Command("deno", {
    args: ["task", ...args],
    cwd: ROOT,
    env: { LOG_FILE: "", NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test("an output path outside data/ and reports/ is a usage error, for every output flag", async () => {
  const outside = await Deno.makeTempDir({ prefix: "mts-outside-" });
  const db = `data/test-cli-${crypto.randomUUID().slice(0, 8)}`;
  try {
    const cases: [string, string[], string][] = [
      ["export", ["--dir", `${outside}/backups`], "--dir"],
      ["backtest", ["--symbols", "bitcoin", "--out", `${outside}/report`], "--out"],
      ["volatility", ["--out", `${outside}/vol.csv`], "--out"],
    ];
    for (const [task, args, flag] of cases) {
      const r = await denoTask(["-q", task, ...args], { DATABASE_PATH: `${db}/mts.db` });
      assert.equal(r.code, 2, `${task}: ${r.stderr}`);
      assert.equal(r.stdout, "");
      const lines = r.stderr.trimEnd().split("\n");
      assert.equal(lines.length, 1, r.stderr);
      assert.match(
        lines[0],
        new RegExp(
          `^mts ${task}: ${flag}: expected a path under data/ or reports/( \\(or - for standard ` +
            `output\\))?, got "${outside}/[a-z.]+" \\(to write elsewhere, grant it: deno run ` +
            `-P=${task} --allow-write=data,reports,logs,${outside}/[a-z.]+ tasks/${task}\\.ts …\\) ` +
            `\\(see --help\\)$`,
        ),
      );
      assert.doesNotMatch(r.stderr, /NotCapable/);
    }
    assert.deepEqual([...Deno.readDirSync(outside)], [], "nothing written outside");
    await assert.rejects(Deno.stat(`${ROOT}${db}`), Deno.errors.NotFound, "no database created");
  } finally {
    await Deno.remove(outside, { recursive: true });
    await Deno.remove(`${ROOT}${db}`, { recursive: true }).catch(() => {});
  }
});

Deno.test({
  name: "without a .env a task prints no warning; deno task echoes one short line",
  ignore: (() => {
    try {
      Deno.statSync(`${ROOT}.env`);
      console.log("skipped: this checkout has a .env (the test needs a clone without one)");
      return true;
    } catch {
      return false;
    }
  })(),
  fn: async () => {
    const quiet = await denoTask(["-q", "status", "--help"]);
    assert.equal(quiet.code, 0);
    assert.equal(quiet.stderr, "", "no missing-.env or permission-set warning");
    assert.match(quiet.stdout, /^Usage: deno task status/);
    const echoed = await denoTask(["status", "--help"]);
    assert.equal(echoed.code, 0);
    assert.equal(
      echoed.stderr.trim(),
      "Task status deno run -q -P=status tasks/status.ts '--help'",
    );
  },
});

Deno.test("a .env in the project fills the configuration and a typo in it is one clear line", async () => {
  // the config layer reads .env from the working directory: run the script from a temp dir
  const dir = await Deno.makeTempDir({ prefix: "mts-dotenv-" });
  try {
    Deno.writeTextFileSync(`${dir}/.env`, "LOG_FILE=\nCOLLECT_ASSET=bitcoin\n");
    const out = await new Deno.Command("deno", {
      args: ["run", "-q", "-A", `${ROOT}tasks/status.ts`],
      cwd: dir,
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 1);
    assert.equal(
      stderr,
      "mts status: .env:2: unknown variable COLLECT_ASSET (did you mean COLLECT_ASSETS?)\n",
    );
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), [".env"], "nothing created");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("no control character from a file name, a cell or an id reaches the terminal raw", async () => {
  const dir = await Deno.makeTempDir({ prefix: "mts-controls-" });
  const file = `${dir}/x\u001b[31mred\u0007.csv`;
  await Deno.writeTextFile(
    file,
    "date,open,high,low,close,volume\n2024-01-01,1,2,1,1.5,10\n" +
      "2024-01-02,1,2,1,\u001b]0;title\u0007,10\n2024-01-03,1,2,1,1.5,10\n",
  );
  // deno-lint-ignore no-control-regex
  const raw = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
  try {
    await withEnv({ DATABASE_PATH: `${dir}/mts.db`, LOG_FILE: "" }, async () => {
      for (
        const args of [
          ["import", "--file", file, "--asset", "esc", "--skip-bad-rows"],
          ["import", "--file", file, "--asset", "esc"],
          ["backtest", "--data", file, "--asset", "esc"],
          ["status"],
          ["export", "--asset", "esc\u001b[2J"],
        ]
      ) {
        const r = await runInProcess(args);
        const text = [...r.out, ...r.err].join("\n");
        assert.ok(text.length > 0, `${args[0]}: printed something`);
        assert.ok(
          !raw.test(text),
          `${args.join(" ")}: raw control character in ${JSON.stringify(text)}`,
        );
      }
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
