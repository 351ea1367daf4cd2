/**
 * End-to-end: spawns `deno task collect | macro | status` as a user would, with the base URLs
 * pointed at a local fake market, a throwaway database under data/, and real time.
 */
import assert from "node:assert/strict";
import { SqliteStore } from "../../lib/storage/sqlite_store.ts";
import { refusedUrl } from "../helpers/fixture_server.ts";
import { taskArgs } from "../helpers/task_permissions.ts";
import { startMarket } from "./market_fixture.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function sandbox() {
  const dir = `data/test-collect-${crypto.randomUUID().slice(0, 8)}`;
  return {
    dir,
    db: `${dir}/mts.db`,
    env: { DATABASE_PATH: `${dir}/mts.db`, DATA_DIR: dir, LOG_FILE: "", NO_COLOR: "1" },
    open: () => SqliteStore.open(`${ROOT}${dir}/mts.db`),
    cleanup: () => Deno.remove(`${ROOT}${dir}`, { recursive: true }).catch(() => {}),
  };
}

function marketEnv(url: string): Record<string, string> {
  return {
    COINGECKO_BASE_URL: `${url}/api/v3`,
    COINGECKO_PRO_BASE_URL: `${url}/api/v3`,
    BINANCE_BASE_URL: url,
    FRED_BASE_URL: `${url}/fred`,
    CBOE_VIX_URL: `${url}/cboe/VIX_History.csv`,
    COINGECKO_API_KEY: "",
    FRED_API_KEY: "",
    HTTP_TIMEOUT_MS: "2000",
    HTTP_BACKOFF_BASE_MS: "50",
  };
}

/** The task with its deno.json permission set plus loopback (the fixture market's host). */
function spawn(task: string, args: string[], env: Record<string, string>) {
  return new Deno.Command("deno", {
    args: [...taskArgs(task, { loopback: true }), ...args],
    cwd: ROOT,
    env,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

async function run(task: string, args: string[], env: Record<string, string>): Promise<Run> {
  const out = await spawn(task, args, env).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** Kills a process and its descendants by pid (deno task runs the script as a child). */
function killTree(pid: number): void {
  let children: number[] = [];
  try {
    for (const t of Deno.readDirSync(`/proc/${pid}/task`)) {
      const text = Deno.readTextFileSync(`/proc/${pid}/task/${t.name}/children`).trim();
      if (text) children = children.concat(text.split(/\s+/).map(Number));
    }
  } catch { /* already gone */ }
  for (const c of children) killTree(c);
  try {
    Deno.kill(pid, "SIGKILL");
  } catch { /* already gone */ }
}

Deno.test("collect --days 7: Pro host down, data via the public host; a second run fetches nothing", async () => {
  const m = startMarket();
  const sb = sandbox();
  try {
    const env = {
      ...sb.env,
      ...marketEnv(m.server.url),
      COINGECKO_API_KEY: "CG-e2e-pro-key",
      COINGECKO_PRO_BASE_URL: `${refusedUrl()}/api/v3`,
    };
    const first = await run(
      "collect",
      ["--days", "7", "--assets", "bitcoin", "ethereum", "--json"],
      env,
    );
    assert.equal(first.code, 0, first.stderr);
    const report = JSON.parse(first.stdout);
    assert.equal(report.status, "success");
    assert.deepEqual(
      report.items.map((i: { via: string; inserted: number }) => [i.via, i.inserted]),
      [
        ["public", 7],
        ["public", 7],
      ],
    );
    assert.equal(report.backup.files, 2);
    const requests = m.server.requests.length;

    const second = await run("collect", [
      "--days",
      "7",
      "--assets",
      "bitcoin",
      "ethereum",
      "--json",
    ], env);
    assert.equal(second.code, 0, second.stderr);
    const again = JSON.parse(second.stdout);
    assert.equal(again.rowsWritten, 0);
    assert.equal(m.server.requests.length, requests, "the second run made no request");

    const status = await run("status", ["--json"], sb.env);
    assert.equal(status.code, 0, status.stderr);
    const s = JSON.parse(status.stdout);
    assert.equal(s.runs.successRate, 1);
    assert.deepEqual(
      s.series.map((
        x: { subject: string; count: number; stale: boolean },
      ) => [x.subject, x.count, x.stale]),
      [["bitcoin", 7, false], ["ethereum", 7, false]],
    );
  } finally {
    await m.server.close();
    await sb.cleanup();
  }
});

Deno.test("macro --indicators VIX DXY with a FRED key fills the database; rerun writes nothing new", async () => {
  const m = startMarket();
  const sb = sandbox();
  try {
    const env = { ...sb.env, ...marketEnv(m.server.url), FRED_API_KEY: "a".repeat(32) };
    const first = await run("macro", ["--indicators", "VIX", "DXY", "--json"], env);
    assert.equal(first.code, 0, first.stderr);
    const r = JSON.parse(first.stdout);
    assert.deepEqual(r.items.map((i: { seriesId: string }) => i.seriesId), ["VIXCLS", "DTWEXBGS"]);
    assert.ok(r.items.every((i: { inserted: number }) => i.inserted > 10));
    assert.ok(!first.stdout.includes("a".repeat(32)) && !first.stderr.includes("a".repeat(32)));
    const second = await run("macro", ["--indicators", "VIX", "DXY", "--json"], env);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(JSON.parse(second.stdout).rowsWritten, 0);
  } finally {
    await m.server.close();
    await sb.cleanup();
  }
});

Deno.test("macro without a FRED key: VIX from CBOE, DXY skipped with a clear message", async () => {
  const m = startMarket();
  const sb = sandbox();
  try {
    const r = await run("macro", ["--indicators", "VIX,DXY"], {
      ...sb.env,
      ...marketEnv(m.server.url),
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /no FRED_API_KEY: VIX from CBOE only/);
    assert.match(r.stdout, /DXY needs FRED: set FRED_API_KEY/);
    assert.ok(!r.stdout.includes("\x1b["), "no terminal codes when not on a terminal");
    assert.equal(m.server.requestsTo("/fred").length, 0);
  } finally {
    await m.server.close();
    await sb.cleanup();
  }
});

Deno.test("collect --ping shows which CoinGecko host answered", async () => {
  const m = startMarket();
  const sb = sandbox();
  try {
    const env = {
      ...sb.env,
      ...marketEnv(m.server.url),
      COINGECKO_API_KEY: "CG-e2e-pro-key",
      COINGECKO_PRO_BASE_URL: `${refusedUrl()}/api/v3`,
    };
    const r = await run("collect", ["--ping", "--json"], env);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), {
      source: "coingecko",
      plan: "pro",
      message: "(V3) To the Moon!",
      endpoint: "public",
    });
  } finally {
    await m.server.close();
    await sb.cleanup();
  }
});

Deno.test("a base URL on a host outside --allow-net fails at once with a one-line reason", async () => {
  const sb = sandbox();
  try {
    const r = await run("collect", ["--days", "1"], {
      ...sb.env,
      COINGECKO_BASE_URL: "http://proxy.example.internal:8080/api/v3",
    });
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /mts collect: no network permission for proxy\.example\.internal:8080 \(COINGECKO_BASE_URL\)/,
    );
  } finally {
    await sb.cleanup();
  }
});

Deno.test("killed mid-run: the database stays consistent and the next run completes the work", async () => {
  const m = startMarket();
  const sb = sandbox();
  try {
    const env = { ...sb.env, ...marketEnv(m.server.url) };
    const args = [
      "--source",
      "binance",
      "--interval",
      "1h",
      "--days",
      "3",
      "--assets",
      "bitcoin",
      "ethereum",
      "solana",
      "--no-backup",
    ];
    m.server.fault((q) => q.query.get("symbol") === "ETHUSDT", { type: "slow_body", ms: 30_000 });
    const child = spawn("collect", args, env);
    await m.server.waitForRequest((q) => q.query.get("symbol") === "ETHUSDT");
    killTree(child.pid);
    await child.status;

    const mid = sb.open();
    const btc = await mid.getCandles({ source: "binance", asset: "bitcoin", interval: "1h" });
    const eth = await mid.getCandles({ source: "binance", asset: "ethereum", interval: "1h" });
    assert.equal(btc.length, 72, "bitcoin was committed before the kill");
    assert.equal(eth.length, 0, "nothing half-written for ethereum");
    assert.equal((await mid.listRuns())[0].status, "running");
    mid.close();

    m.server.clearFaults();
    const btcRequests = m.server.requests.filter((q) => q.query.get("symbol") === "BTCUSDT").length;
    const rerun = await run("collect", [...args, "--json"], env);
    assert.equal(rerun.code, 0, rerun.stderr);
    const r = JSON.parse(rerun.stdout);
    assert.deepEqual(r.items.map((i: { inserted: number }) => i.inserted), [0, 72, 72]);
    assert.equal(
      m.server.requests.filter((q) => q.query.get("symbol") === "BTCUSDT").length,
      btcRequests,
      "bitcoin was complete: not fetched again",
    );
    const after = sb.open();
    const runs = await after.listRuns({ task: "collect" });
    assert.equal(runs[0].status, "success");
    assert.equal(runs[1].status, "failed");
    assert.match(runs[1].error!, /interrupted/);
    after.close();
  } finally {
    await m.server.close();
    await sb.cleanup();
  }
});
