import assert from "node:assert/strict";
import { loadConfig, redactConfig, resolveConfig } from "./config.ts";
import { ConfigError } from "../core/errors.ts";
import { envExample } from "../../scripts/gen_env_example.ts";

Deno.test("defaults resolve without any variable set", () => {
  const c = resolveConfig({});
  assert.equal(c.databasePath, "data/mts.db");
  assert.equal(c.coingecko.plan, "public");
  assert.equal(c.risk.maxPositionSize, 0.1);
  assert.deepEqual(c.collect.assets, ["bitcoin", "ethereum", "binancecoin"]);
  assert.equal(c.redis.url, undefined);
});

Deno.test("a bad MAX_POSITION_SIZE fails naming the variable and the expected form", () => {
  assert.throws(
    () => resolveConfig({ MAX_POSITION_SIZE: "abc" }),
    (e: unknown) =>
      e instanceof ConfigError && e.variable === "MAX_POSITION_SIZE" &&
      /MAX_POSITION_SIZE: expected a number from 0 to 1 \(got "abc"\)/.test(e.message),
  );
});

Deno.test("every bad variable is reported at once", () => {
  assert.throws(
    () => resolveConfig({ DEBUG: "maybe", API_PORT: "70000", COINGECKO_BASE_URL: "ftp://x" }),
    /DEBUG: expected true or false.*COINGECKO_BASE_URL: expected a http: or https: URL.*API_PORT: expected an integer from 0 to 65535/,
  );
});

Deno.test("secret values are never echoed in errors or redacted output", () => {
  const c = resolveConfig({ COINGECKO_API_KEY: "CG-supersecret", API_SECRET_KEY: "hunter2" });
  assert.equal(c.coingecko.plan, "pro");
  const shown = JSON.stringify(redactConfig(c));
  assert.ok(!shown.includes("supersecret") && !shown.includes("hunter2"), shown);
});

Deno.test("DEBUG=true forces debug logging and sqlite:/// paths are accepted", () => {
  const c = resolveConfig({ DEBUG: "true", DATABASE_PATH: "sqlite:///tmp/x.db" });
  assert.equal(c.logLevel, "debug");
  assert.equal(c.databasePath, "tmp/x.db");
});

Deno.test(".env.example lists every variable with its default", async () => {
  const committed = await Deno.readTextFile(new URL("../../.env.example", import.meta.url));
  assert.equal(committed, envExample());
});

Deno.test("the seed's risk defaults: 50 trades a day, gross exposure 0.25", () => {
  const c = resolveConfig({});
  assert.equal(c.risk.maxDailyTrades, 50);
  assert.equal(c.risk.maxPortfolioRisk, 0.25);
});

Deno.test(".env fills what the shell leaves unset; the shell wins; no .env is silent", () => {
  const dir = Deno.makeTempDirSync();
  const file = `${dir}/.env`;
  const names = ["API_HOST", "API_PORT"];
  const saved = names.map((n) => Deno.env.get(n));
  try {
    Deno.writeTextFileSync(file, "API_HOST=from-file.test\nAPI_PORT=9001\n");
    Deno.env.set("API_PORT", "9002");
    Deno.env.delete("API_HOST");
    const c = loadConfig({ envFile: file });
    assert.equal(c.api.host, "from-file.test");
    assert.equal(c.api.port, 9002, "the shell's value wins");
    assert.equal(loadConfig({ envFile: `${dir}/missing.env` }).api.host, "127.0.0.1");
  } finally {
    names.forEach((n, i) =>
      saved[i] === undefined ? Deno.env.delete(n) : Deno.env.set(n, saved[i])
    );
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("a name in .env that mts does not know fails with file:line and a suggestion", () => {
  const dir = Deno.makeTempDirSync();
  try {
    Deno.writeTextFileSync(`${dir}/.env`, "# keys\nCOINGEKO_API_KEY=CG-x\n");
    assert.throws(
      () => loadConfig({ envFile: `${dir}/.env` }),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.message ===
          `${dir}/.env:2: unknown variable COINGEKO_API_KEY (did you mean COINGECKO_API_KEY?)`,
    );
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("DATABASE_URL takes a postgres:// URL; anything else fails without echoing the value", () => {
  const c = resolveConfig({ DATABASE_URL: "postgresql://mts:pw%40x@db:5432/mts" });
  assert.equal(c.databaseUrl, "postgresql://mts:pw%40x@db:5432/mts");
  assert.equal(resolveConfig({ DATABASE_URL: "" }).databaseUrl, undefined);
  assert.throws(
    () => resolveConfig({ DATABASE_URL: "mysql://mts:hunter2@db/mts" }),
    (e: unknown) =>
      e instanceof ConfigError && e.variable === "DATABASE_URL" &&
      /DATABASE_URL: expected postgres:\/\/user:password@host:5432\/database \(got "mysql:\/\/mts:\*\*\*@db\/mts"\)/
        .test(e.message) &&
      !e.message.includes("hunter2"),
  );
});

Deno.test("list variables trim whitespace and ignore empty entries; a list with no entry at all is an error naming it", () => {
  const c = resolveConfig({
    COLLECT_ASSETS: "bitcoin, ,eth ,, solana",
    MACRO_INDICATORS: " VIX  DXY ",
  });
  assert.deepEqual(c.collect.assets, ["bitcoin", "eth", "solana"]);
  assert.deepEqual(c.collect.macroIndicators, ["VIX", "DXY"]);
  for (
    const name of ["COLLECT_ASSETS", "MACRO_INDICATORS", "ENABLED_STRATEGIES", "REALTIME_SYMBOLS"]
  ) {
    for (const value of [",", " , ,", ""]) {
      assert.throws(
        () => resolveConfig({ [name]: value }),
        (e) =>
          e instanceof ConfigError && e.variable === name &&
          e.message.includes(`${name}: expected a list of names separated by commas or spaces`),
        `${name}=${JSON.stringify(value)}`,
      );
    }
  }
});
