import assert from "node:assert/strict";
import { exportFileName } from "./backup_names.ts";
import { candlesToCsv, macroToCsv } from "./to_csv.ts";
import { parseCsvText } from "./parse.ts";

const key = { source: "coingecko", asset: "bitcoin", interval: "1d" as const };

Deno.test("candle export writes a banner, a header and empty cells for missing values", () => {
  const text = candlesToCsv(key, [
    { ts: Date.UTC(2024, 0, 1), open: NaN, high: NaN, low: NaN, close: 0.1 + 0.2, volume: NaN },
  ], { label: "generated sample data" });
  assert.equal(
    text,
    '# mts export: candles source=coingecko asset=bitcoin interval=1d label="generated sample data"\n' +
      "date,open,high,low,close,volume,market_cap\n2024-01-01,,,,0.30000000000000004,,\n",
  );
});

Deno.test("candle and macro exports read back to the same values", () => {
  const candles = [
    {
      ts: Date.UTC(2024, 0, 1, 9),
      open: 1.1,
      high: 2,
      low: 1,
      close: 1.5,
      volume: 1e21,
      marketCap: 3,
    },
    {
      ts: Date.UTC(2024, 0, 1, 10),
      open: NaN,
      high: NaN,
      low: NaN,
      close: 1.7,
      volume: NaN,
      marketCap: NaN,
    },
    {
      ts: Date.UTC(2024, 0, 1, 11),
      open: 1.7,
      high: 1.9,
      low: 1e-7,
      close: 1.8,
      volume: 0,
      marketCap: NaN,
    },
  ];
  const hourly = { ...key, interval: "1h" as const };
  const parsed = parseCsvText(candlesToCsv(hourly, candles), { file: "x.csv" });
  assert.equal(parsed.format, "mts");
  assert.equal(parsed.interval, "1h");
  assert.equal(parsed.source, "coingecko");
  assert.equal(parsed.subject, "bitcoin");
  assert.deepEqual(parsed.candles, candles);
  assert.deepEqual(parsed.issues, []);

  const obs = [{ ts: Date.UTC(2024, 0, 2), value: -0.25 }, {
    ts: Date.UTC(2024, 0, 3),
    value: 17.5,
  }];
  const m = parseCsvText(macroToCsv("DGS10", "fred", obs), { file: "m.csv" });
  assert.equal(m.kind, "macro");
  assert.equal(m.subject, "DGS10");
  assert.equal(m.source, "fred");
  assert.deepEqual(m.observations, obs);
});

Deno.test("export file names never differ only by case", () => {
  assert.equal(
    exportFileName({ kind: "candles", key: { ...key, interval: "1M" } }),
    "candles_coingecko_bitcoin_1mo.csv",
  );
  assert.equal(
    exportFileName({ kind: "candles", key: { ...key, interval: "1m" } }),
    "candles_coingecko_bitcoin_1m.csv",
  );
  assert.equal(
    exportFileName({ kind: "macro", series: "VIX", source: "cboe" }),
    "macro_cboe_VIX.csv",
  );
});
