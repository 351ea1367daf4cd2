/**
 * A server that echoes the API key in its error body must not leak it: not to stdout, stderr,
 * the log file or the database. Spawns `collect` and `macro` as users run them (their permission
 * sets plus loopback) against fixture servers that put the caller's key into their error bodies.
 */
import assert from "node:assert/strict";
import { SqliteStore } from "../../lib/storage/sqlite_store.ts";
import { FixtureServer, json } from "../helpers/fixture_server.ts";
import { taskArgs } from "../helpers/task_permissions.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const GECKO_KEY = "CG-echoedSecretKey1234";
const FRED_KEY = "f0e1d2c3b4a5968778695a4b3c2d1e0f";

/** Answers every request with an error that quotes the key it was sent. */
function echoingServer(): FixtureServer {
  return FixtureServer.start((req) => {
    const key = req.headers.get("x-cg-pro-api-key") ?? req.query.get("api_key") ?? "";
    return json({
      status: { error_code: 10002, error_message: `API key ${key} is not valid` },
      error_code: 400,
      error_message: `Bad Request. The value for variable api_key (${key}) is not registered.`,
    }, { status: key.startsWith("CG-") ? 401 : 400 });
  });
}

async function run(task: string, args: string[], env: Record<string, string>) {
  const out = await new Deno.Command("deno", {
    args: [...taskArgs(task, { loopback: true }), ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** Every byte the run left behind: the log file and the database (with its WAL). */
function leftBehind(dir: string): string {
  let text = "";
  for (const e of Deno.readDirSync(`${ROOT}${dir}`)) {
    if (e.isFile) {
      text += new TextDecoder("latin1").decode(Deno.readFileSync(`${ROOT}${dir}/${e.name}`));
    }
  }
  return text;
}

Deno.test("collect: a Pro key echoed in a 401 body is redacted everywhere", async () => {
  const server = echoingServer();
  const dir = `data/test-redact-${crypto.randomUUID().slice(0, 8)}`;
  try {
    const r = await run("collect", ["--days", "2", "--assets", "bitcoin", "--no-backup"], {
      DATABASE_PATH: `${dir}/mts.db`,
      LOG_FILE: `${dir}/mts.log`,
      COINGECKO_API_KEY: GECKO_KEY,
      COINGECKO_PLAN: "pro",
      COINGECKO_PRO_BASE_URL: `${server.url}/api/v3`,
      COINGECKO_BASE_URL: `${server.url}/api/v3`,
      HTTP_MAX_RETRIES: "0",
    });
    assert.equal(r.code, 1, r.stderr);
    assert.ok(server.requests.some((q) => q.headers.get("x-cg-pro-api-key") === GECKO_KEY));
    assert.match(r.stdout, /API key \*\*\* is not valid/, "the table shows the redacted reason");
    for (const [where, text] of [["stdout", r.stdout], ["stderr", r.stderr]]) {
      assert.ok(!text.includes(GECKO_KEY), `${where}: ${text}`);
    }
    const files = leftBehind(dir);
    assert.match(
      files,
      /API key \*\*\* is not valid/,
      "the log and the run record keep the reason",
    );
    assert.ok(!files.includes(GECKO_KEY), "the key is in the log file or the database");
    const store = SqliteStore.open(`${ROOT}${dir}/mts.db`);
    try {
      const [runRecord] = await store.listRuns({ task: "collect" });
      assert.equal(runRecord.status, "failed");
      assert.ok(!JSON.stringify(runRecord).includes(GECKO_KEY));
    } finally {
      store.close();
    }
  } finally {
    await server.close();
    await Deno.remove(`${ROOT}${dir}`, { recursive: true }).catch(() => {});
  }
});

Deno.test("macro: a FRED key echoed in an error body is redacted everywhere", async () => {
  const server = echoingServer();
  const dir = `data/test-redact-${crypto.randomUUID().slice(0, 8)}`;
  try {
    const r = await run("macro", ["--indicators", "DGS10", "--days", "5", "--no-backup"], {
      DATABASE_PATH: `${dir}/mts.db`,
      LOG_FILE: `${dir}/mts.log`,
      FRED_API_KEY: FRED_KEY,
      FRED_BASE_URL: `${server.url}/fred`,
      HTTP_MAX_RETRIES: "0",
    });
    assert.equal(r.code, 1, r.stderr);
    assert.ok(server.requests.some((q) => q.query.get("api_key") === FRED_KEY));
    assert.match(r.stdout, /api_key \(\*\*\*\) is not registered/);
    assert.ok(!r.stdout.includes(FRED_KEY) && !r.stderr.includes(FRED_KEY), r.stdout + r.stderr);
    const files = leftBehind(dir);
    assert.ok(files.length > 0 && !files.includes(FRED_KEY), "the key is in the log or database");
  } finally {
    await server.close();
    await Deno.remove(`${ROOT}${dir}`, { recursive: true }).catch(() => {});
  }
});
