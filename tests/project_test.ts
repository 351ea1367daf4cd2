/**
 * Keeps the project's promises to users checkable: every task is documented and least-privilege,
 * its permissions defined once (a named permission set in deno.json that the task command, the
 * compiled binary and the release workflow all use), able to read every configuration variable
 * and nothing more; the README mentions every task and the manual every variable.
 */
import assert from "node:assert/strict";
import { VARIABLE_NAMES } from "../lib/config/variables.ts";
import { allowed, type PermissionSet, permissionSets } from "./helpers/task_permissions.ts";

const root = new URL("../", import.meta.url);
const denoJson = JSON.parse(await Deno.readTextFile(new URL("deno.json", root)));
const tasks = denoJson.tasks as Record<string, { description: string; command: string }>;
const sets = permissionSets();
const readme = await Deno.readTextFile(new URL("README.md", root));
/** The README plus every page of the manual under docs/. */
const manual = [
  readme,
  ...[...Deno.readDirSync(new URL("docs/", root))]
    .filter((e) => e.name.endsWith(".md"))
    .map((e) => Deno.readTextFileSync(new URL(`docs/${e.name}`, root))),
].join("\n");
const TOOLING = new Set(["test", "check", "bench", "compile"]);
const runnable = Object.keys(tasks).filter((t) => !TOOLING.has(t));
/**
 * What the config layer reads: every variable, and INIT_CWD (where `deno task` was started) —
 * plus PGAPPNAME, which the PostgreSQL driver (postgres.js) reads whatever options it is given
 * (its application_name default); mts passes every other driver option explicitly, so no other
 * PG* variable is read (lib/storage/postgres/connect.ts).
 */
const READ_BY_CONFIG = [...VARIABLE_NAMES, "INIT_CWD", "PGAPPNAME"];
/**
 * Tasks that read files the user names anywhere (`import --file`, `backtest --data`,
 * `optimize --data`; optimize's workers also read their script, workers/optimize_worker.ts).
 */
const READ_USER_FILES = new Set(["import", "backtest", "optimize"]);
/** Tasks with an output flag (`--out`, `--dir`) that may write reports/. */
const WRITE_REPORTS = new Set(["backtest", "volatility", "export", "optimize"]);
/**
 * Addresses a task LISTENS on, not hosts it reaches: `serve` binds API_HOST:API_PORT — loopback
 * by default (127.0.0.1:8000), every interface with a key (0.0.0.0:8000). Deno's net permission
 * is one grant for listening and connecting, so these exact host:port entries (no bare host, no
 * other port) are the one exception to "never loopback", allowed in the serve set and in the
 * binary's set (their union) only.
 */
const LISTEN: Record<string, readonly string[]> = { serve: ["127.0.0.1:8000", "0.0.0.0:8000"] };
const NET: Record<string, readonly string[]> = {
  collect: ["api.coingecko.com", "pro-api.coingecko.com", "api.binance.com"],
  macro: ["api.stlouisfed.org", "cdn.cboe.com"],
  // the scheduler runs collect, macro and the funding backfill in-process
  schedule: [
    "api.coingecko.com",
    "pro-api.coingecko.com",
    "api.binance.com",
    "api.stlouisfed.org",
    "cdn.cboe.com",
    "fapi.binance.com",
    "api.bybit.com",
  ],
  // WebSocket streams, REST depth snapshots and symbol lists of both exchanges (BYBIT_BASE_URL:
  // the symbol check and the backfill)
  stream: [
    "stream.binance.com:9443",
    "fstream.binance.com",
    "api.binance.com",
    "fapi.binance.com",
    "stream.bybit.com",
    "api.bybit.com",
  ],
  // plain `deno task arbitrage` runs the stream's live run in-process (no funding backfill;
  // api.bybit.com: the stream's symbol check, /v5/market/instruments-info)
  arbitrage: [
    "stream.binance.com:9443",
    "fstream.binance.com",
    "api.binance.com",
    "fapi.binance.com",
    "stream.bybit.com",
    "api.bybit.com",
  ],
  // serve --schedule runs the scheduler's jobs in-process
  // serve --schedule runs the scheduler's jobs, serve --stream the streams' WebSockets and REST
  serve: [
    ...LISTEN.serve,
    "api.coingecko.com",
    "pro-api.coingecko.com",
    "api.binance.com",
    "api.stlouisfed.org",
    "cdn.cboe.com",
    "fapi.binance.com",
    "api.bybit.com",
    "stream.binance.com:9443",
    "fstream.binance.com",
    "stream.bybit.com",
  ],
};
/**
 * Tasks whose network host is the user's own, named in a flag: `migrate --to postgres://host…`
 * connects to whatever host that is, which no static list can name, so its set grants the
 * network (`"net": true`). Every other task reaches a user's PostgreSQL host only when the user
 * grants it (`--allow-net=host:port`, docs/scaling.md).
 */
const NET_ANY = new Set(["migrate"]);
/** Files a task reads besides `.env` and the data directory: the scheduler's job file. */
const READ_EXTRA: Record<string, readonly string[]> = {
  schedule: ["schedule.json"],
  serve: ["schedule.json"],
  // the worker's trial threads load their script and its modules (lib/, strategies/)
  worker: ["lib", "strategies", "workers"],
};
/**
 * Sets that load ioredis (whose `debug` dependency enumerates `process.env` when it loads): a
 * deny entry makes Deno enumerate only the granted variables instead of refusing, and `DEBUG_*`
 * (the debug package's options, which mts never reads) is the one denied.
 */
const ENV_DENY: Record<string, readonly string[]> = {
  // collect, macro and signals publish their events on Redis (REDIS_URL): they load ioredis
  collect: ["DEBUG_*"],
  macro: ["DEBUG_*"],
  signals: ["DEBUG_*"],
  schedule: ["DEBUG_*"],
  stream: ["DEBUG_*"],
  serve: ["DEBUG_*"],
  arbitrage: ["DEBUG_*"],
  optimize: ["DEBUG_*"],
  worker: ["DEBUG_*"],
  mts: ["DEBUG_*"],
};
/**
 * Variables that BullMQ's modules read when they load (`NODE_ENV` in its child-processor module,
 * `MSGPACKR_NATIVE_ACCELERATION_DISABLED` in msgpackr): the sets that load bullmq
 * (`optimize --queue`, `worker`, the binary) grant them, and mts itself never reads them.
 */
const DEPENDENCY_ENV: Record<string, readonly string[]> = Object.fromEntries(
  ["optimize", "worker", "mts"].map((
    s,
  ) => [s, ["NODE_ENV", "MSGPACKR_NATIVE_ACCELERATION_DISABLED"]]),
);
/**
 * Tasks whose README line the lead adds when merging (the README is the lead's): until then the
 * manual under docs/ must name them. An entry whose task the README already names fails.
 */
const README_PENDING = new Set<string>([]);

/** Deno's env pattern: a trailing `*` matches any rest of the name. */
function envMatches(pattern: string, name: string): boolean {
  return pattern.endsWith("*") ? name.startsWith(pattern.slice(0, -1)) : name === pattern;
}

function list(set: PermissionSet, kind: string): readonly string[] {
  return allowed(set[kind]);
}

Deno.test("every task has a description and runs its script with its own permission set", () => {
  for (const [name, t] of Object.entries(tasks)) {
    assert.ok(t.description?.length > 10, `task ${name} needs a description`);
  }
  for (const name of runnable) {
    assert.equal(
      tasks[name].command,
      `deno run -q -P=${name} tasks/${name}.ts`,
      `task ${name}: permissions come from the "${name}" set only (-q hides the set's warning)`,
    );
    assert.ok(sets[name], `deno.json has no permission set "${name}"`);
  }
});

Deno.test("every permission set may read every configuration variable, and nothing more", () => {
  for (const [name, set] of Object.entries(sets)) {
    const env = allowed(set.env);
    const form = typeof set.env === "object" && !Array.isArray(set.env)
      ? set.env as { allow?: unknown; deny?: string[] }
      : undefined;
    assert.ok(
      Array.isArray(set.env) || Array.isArray(form?.allow),
      `set ${name} must list its variables (not "env": true)`,
    );
    const deny = form?.deny ?? [];
    assert.deepEqual(deny, [...(ENV_DENY[name] ?? [])], `set ${name} denies`);
    const missing = READ_BY_CONFIG.filter((v) => !env.some((p) => envMatches(p, v)));
    assert.deepEqual(missing, [], `set ${name} cannot read ${missing.join(", ")}`);
    for (const p of env) {
      assert.ok(p.replace("*", "").length >= 3, `set ${name}: pattern ${p} is too broad`);
      if (DEPENDENCY_ENV[name]?.includes(p)) continue;
      assert.ok(
        READ_BY_CONFIG.some((v) => envMatches(p, v)),
        `set ${name}: ${p} grants variables mts never reads`,
      );
    }
  }
});

Deno.test("permission sets are least privilege: scoped writes and reads, no run/ffi/sys", () => {
  for (const [name, set] of Object.entries(sets)) {
    for (const kind of ["run", "ffi", "sys", "import", "all"]) {
      assert.equal(set[kind], undefined, `set ${name} asks for ${kind}`);
    }
    const write = set.write;
    assert.ok(Array.isArray(write), `set ${name} must limit writes`);
    const allowed = name === "mts" || WRITE_REPORTS.has(name)
      ? ["data", "logs", "reports"]
      : ["data", "logs"];
    assert.deepEqual([...write].sort(), allowed, `set ${name} writes`);
    if (name === "mts" || READ_USER_FILES.has(name)) {
      assert.ok(set.read === true || Array.isArray(set.read), `set ${name} reads`);
    } else {
      const reads = [".env", "data", ...(READ_EXTRA[name] ?? [])].sort();
      assert.deepEqual([...list(set, "read")].sort(), reads, `set ${name} reads`);
    }
  }
});

Deno.test("only collect, macro, schedule and stream reach the network: their API hosts, never loopback (migrate: the --to host)", () => {
  for (const name of runnable) {
    if (NET_ANY.has(name)) {
      assert.equal(sets[name].net, true, `${name} connects to the host its flags name`);
      continue;
    }
    assert.deepEqual([...list(sets[name], "net")].sort(), [...(NET[name] ?? [])].sort(), name);
  }
  for (const [name, set] of Object.entries(sets)) {
    const listens = name === "mts" ? Object.values(LISTEN).flat() : LISTEN[name] ?? [];
    for (const host of list(set, "net")) {
      if (listens.includes(host)) continue;
      assert.ok(
        !/^(127\.|localhost|\[?::1\]?|0\.0\.0\.0)/.test(host) && !host.includes("*"),
        `set ${name} grants ${host}`,
      );
    }
  }
});

Deno.test("the binary's set is the union of the tasks' sets, and release.yml builds with it", () => {
  const mts = sets.mts;
  assert.ok(mts, 'deno.json needs the "mts" set for the single binary');
  for (const kind of ["env", "write", "net"]) {
    const union = new Set(runnable.flatMap((t) => list(sets[t], kind)));
    assert.deepEqual([...list(mts, kind)].sort(), [...union].sort(), `mts ${kind}`);
  }
  assert.equal(mts.read, true, "the binary runs import and backtest, which read user files");
  assert.match(tasks.compile.command, /^deno compile -q -P=mts .*cli\.ts$/);
  const release = Deno.readTextFileSync(new URL(".github/workflows/release.yml", root));
  assert.match(release, /deno compile -q -P=mts /);
  assert.doesNotMatch(release, /--allow-/, "release.yml takes its permissions from deno.json");
});

Deno.test("CI fails when deno.lock is not up to date", () => {
  const ci = Deno.readTextFileSync(new URL(".ci/run", root));
  assert.match(ci, /deno.* install --frozen/);
});

Deno.test("the README names every task and the manual documents every variable", () => {
  for (const name of Object.keys(tasks)) {
    // compile is a release tool, documented in docs/operations.md (the README is the lead's)
    const where = name === "compile" || README_PENDING.has(name) ? manual : readme;
    assert.ok(where.includes(`deno task ${name}`), `README lacks 'deno task ${name}'`);
  }
  for (const name of README_PENDING) {
    assert.ok(
      !readme.includes(`deno task ${name}`),
      `the README names 'deno task ${name}' now: remove it from README_PENDING`,
    );
  }
  for (const v of VARIABLE_NAMES) assert.ok(manual.includes(v), `README and docs/ lack ${v}`);
});

Deno.test("the public surface passes deno doc --lint, and the test task runs its examples", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["doc", "--lint", "lib/mod.ts"],
    cwd: new URL(".", root),
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, `deno doc --lint lib/mod.ts:\n${text.slice(0, 4000)}`);
  assert.match(tasks.check.command, /deno doc --lint lib\/mod\.ts/);
  assert.match(tasks.test.command, /deno test .*--doc lib /);
});

Deno.test("every file under tasks/ is a task in deno.json", () => {
  for (const e of Deno.readDirSync(new URL("tasks/", root))) {
    if (!e.name.endsWith(".ts")) continue;
    const name = e.name.replace(/\.ts$/, "");
    assert.ok(tasks[name], `tasks/${e.name} has no deno.json task`);
  }
});
