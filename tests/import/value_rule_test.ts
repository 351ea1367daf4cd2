/**
 * One rule for prices and volumes: `deno task import` and `backtest --data` read a CSV file
 * through the same parser and reject the same rows with the same `file:line` reason.
 */
import assert from "node:assert/strict";
import { DataError } from "../../lib/core/errors.ts";
import { runBacktestJob } from "../../lib/services/backtest_runner.ts";
import { importCsvFile } from "../../lib/services/importer.ts";
import { SqliteStore } from "../../lib/storage/sqlite_store.ts";
import { STRATEGIES } from "../../strategies/mod.ts";

const rows = (bad: string) =>
  [
    "Date,Open,High,Low,Close,Volume",
    "2024-01-01,100,110,95,105,1000",
    "2024-01-02,105,112,101,111,1200",
    bad,
    "2024-01-04,109,111,100,102,900",
  ].join("\n") + "\n";

Deno.test("import and backtest --data reject a 1e308 price, a 0024 date and a 1e31 volume at the same line", async () => {
  const dir = await Deno.makeTempDir();
  const cases: [string, RegExp][] = [
    ["2024-01-03,111,1e308,108,109,900", /High must be at most 1e12, got 1e\+308/],
    ["0024-01-03,111,115,108,109,900", /year 0024 is before 1970/],
    ["2024-01-03,111,115,108,109,1e31", /Volume must be at most 1e30/],
  ];
  try {
    for (const [bad, re] of cases) {
      const path = `${dir}/prices.csv`;
      await Deno.writeTextFile(path, rows(bad));
      const store = SqliteStore.open(":memory:");
      const messages: string[] = [];
      const check = (e: unknown) => {
        assert.ok(
          e instanceof DataError && e.where === `${path}:4` && re.test(e.message),
          String(e),
        );
        messages.push((e as Error).message);
        return true;
      };
      try {
        await assert.rejects(importCsvFile(store, path, { asset: "x" }), check);
        assert.deepEqual(await store.listSeries(), []);
      } finally {
        store.close();
      }
      await assert.rejects(
        runBacktestJob({
          registry: STRATEGIES,
          strategies: [{ name: "buy_hold" }],
          dataFile: path,
          asset: "x",
          capital: 1000,
        }),
        check,
      );
      assert.equal(messages[0], messages[1], "one rule, one message");
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
