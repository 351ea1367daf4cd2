import assert from "node:assert/strict";
import { DataError, UsageError } from "../../core/errors.ts";
import { parseCsvText } from "./parse.ts";

const d = (s: string) => Date.parse(s.length === 10 ? `${s}T00:00:00Z` : s);
const kinds = (issues: { kind: string }[]) => {
  const out: Record<string, number> = {};
  for (const i of issues) out[i.kind] = (out[i.kind] ?? 0) + 1;
  return out;
};

Deno.test("CoinGecko: a snapshot at D+1 00:00 is the close of day D; 0 means missing", () => {
  const text = [
    "snapped_at,price,market_cap,total_volume",
    "2024-01-02 00:00:00 UTC,100.5,0.0,10",
    "2024-01-03 00:00:00 UTC,101,2000,0",
    "2024-01-05 00:00:00 UTC,103,2100,12",
  ].join("\n");
  const p = parseCsvText(text, { file: "btc-usd-max.csv" });
  assert.equal(p.format, "coingecko");
  assert.equal(p.source, "coingecko");
  assert.equal(p.subject, "bitcoin");
  assert.equal(p.interval, "1d");
  assert.deepEqual(p.candles.map((c) => c.ts), [d("2024-01-01"), d("2024-01-02"), d("2024-01-04")]);
  const [first] = p.candles;
  assert.ok(Number.isNaN(first.open) && Number.isNaN(first.high) && Number.isNaN(first.low));
  assert.ok(Number.isNaN(first.marketCap!));
  assert.equal(first.close, 100.5);
  assert.equal(first.volume, 10);
  assert.deepEqual(kinds(p.issues), { gap: 1, missing_value: 2 });
  const gap = p.issues.find((i) => i.kind === "gap")!;
  assert.equal(gap.ts, d("2024-01-03"));
  assert.equal(gap.tsEnd, d("2024-01-04"));
  assert.match(gap.detail, /no snapshot at 2024-01-04T00:00:00Z/);
  const mv = p.issues.filter((i) => i.kind === "missing_value");
  assert.deepEqual(mv.map((i) => [i.field, i.location]), [
    ["market_cap", "btc-usd-max.csv:2"],
    ["volume", "btc-usd-max.csv:3"],
  ]);
});

Deno.test("CoinGecko: a late snapshot belongs to the nearest midnight and loses to an exact one", () => {
  const text = [
    "snapped_at,price,market_cap,total_volume",
    "2017-06-05 00:00:00 UTC,10,1,1",
    "2017-06-06 23:29:55 UTC,12,1,1",
    "2017-06-07 00:00:00 UTC,11,1,1",
    "2017-06-08 00:05:00 UTC,13,1,1",
  ].join("\n");
  const p = parseCsvText(text, { file: "btc.csv" });
  assert.deepEqual(p.candles.map((c) => [c.ts, c.close]), [
    [d("2017-06-04"), 10],
    [d("2017-06-06"), 11],
    [d("2017-06-07"), 13],
  ]);
  const dup = p.issues.find((i) => i.kind === "conflicting_duplicate")!;
  assert.equal(dup.ts, d("2017-06-06"));
  assert.match(dup.detail, /kept line 4 because its time is on schedule/);
  assert.equal(dup.location, "btc.csv:3");
  const off = p.issues.filter((i) => i.kind === "off_schedule");
  assert.deepEqual(off.map((i) => i.ts), [d("2017-06-07")]);
  const gap = p.issues.find((i) => i.kind === "gap")!;
  assert.equal(gap.ts, d("2017-06-05"));
});

const CDD = [
  "https://www.CryptoDataDownload.com",
  "unix,date,symbol,open,high,low,close,Volume ETH,Volume USDT,tradecount",
  "1513641600000,2017-12-19 00:00:00,ETH/USDT,784,864.9,729.01,798,69423.6,55123972.0,57020",
  "1513555200000,2017-12-18 00:00:00,ETH/USDT,707.62,798.88,638,784,45673.7,32799947.5,40460",
  "1513555200.0,2017-12-18,ETH/USDT,707.64,798.88,638,784,44690.73,32105763.14,NULL",
  "1513468800.0,2017-12-17,ETH/USDT,682.81,728,680.33,707.64,31020.47,21975505.95,NULL",
];

Deno.test("CryptoDataDownload: banner, newest first, s and ms, conflicting duplicate, NULL", () => {
  const p = parseCsvText(CDD.join("\n"), { file: "Binance_ETHUSDT_d.csv" });
  assert.equal(p.format, "cryptodatadownload");
  assert.equal(p.subject, "ethereum");
  assert.equal(p.rowsRead, 4);
  assert.deepEqual(p.candles.map((c) => c.ts), [d("2017-12-17"), d("2017-12-18"), d("2017-12-19")]);
  // the complete, millisecond-stamped row of 2017-12-18 (line 4) is kept
  assert.equal(p.candles[1].open, 707.62);
  assert.equal(p.candles[1].volume, 45673.7);
  assert.deepEqual(kinds(p.issues), { conflicting_duplicate: 1, missing_value: 1 });
  const dup = p.issues.find((i) => i.kind === "conflicting_duplicate")!;
  assert.match(dup.detail, /open 707\.62 vs 707\.64/);
  assert.match(dup.detail, /volume 45673\.7 vs 44690\.73/);
  assert.match(dup.detail, /kept line 4 because it has fewer missing cells/);
  const mv = p.issues.find((i) => i.kind === "missing_value")!;
  assert.equal(mv.field, "tradecount");
  assert.equal(mv.ts, d("2017-12-17"));
  assert.ok(p.notes.some((n) => /mix seconds \(2 rows\) and milliseconds \(2 rows\)/.test(n)));
  assert.ok(p.notes.some((n) => /newest first/.test(n)));
  assert.ok(!p.issues.some((i) => i.kind === "out_of_order"));
});

Deno.test("CryptoDataDownload: a unix time that disagrees with the date column is a bad row", () => {
  const lines = [...CDD];
  lines[2] = lines[2].replace("2017-12-19 00:00:00", "2017-12-20 00:00:00");
  assert.throws(
    () => parseCsvText(lines.join("\n"), { file: "e.csv", asset: "ethereum" }),
    (e: unknown) => e instanceof DataError && e.where === "e.csv:3" && /disagree/.test(e.message),
  );
});

Deno.test("generic OHLCV: any-case header, unnamed index column holding the date", () => {
  const text = [
    ",open,HIGH,Low,close,Volume",
    "2004-08-19,100,104.06,95.96,100.34,22351900",
    "2004-08-20,101.01,109.08,100.5,108.31,11428600",
    "2004-08-23,110.75,113.48,109.05,109.4,9137200",
  ].join("\r\n");
  const p = parseCsvText("\uFEFF" + text, { file: "GOOG.csv", asset: "GOOG" });
  assert.equal(p.format, "ohlcv");
  assert.equal(p.subject, "goog");
  assert.equal(p.source, "csv");
  assert.deepEqual(p.candles[2], {
    ts: d("2004-08-23"),
    open: 110.75,
    high: 113.48,
    low: 109.05,
    close: 109.4,
    volume: 9137200,
    marketCap: NaN,
  });
  assert.deepEqual(p.issues, []); // no Saturday bar although one is spanned: Fri -> Mon is no gap
  assert.equal(p.calendar, "weekdays");
});

Deno.test("generic OHLCV: a pandas index column before Date, hourly date-times", () => {
  const rows = ["Unnamed: 0,Date,Open,High,Low,Close,Volume"];
  for (let i = 0; i < 5; i++) {
    rows.push(`${i},2017-04-19 ${String(9 + i).padStart(2, "0")}:00:00,1.07,1.08,1.06,1.075,100`);
  }
  const p = parseCsvText(rows.join("\n"), { file: "EURUSD.csv", asset: "eurusd" });
  assert.equal(p.interval, "1h");
  assert.equal(p.candles[0].ts, d("2017-04-19T09:00:00Z"));
  assert.ok(p.notes.some((n) => /index/.test(n)));
});

Deno.test("generic OHLCV: month-end bars are stored at the first of their month", () => {
  const text = [
    ",Open,High,Low,Close,Volume",
    "2012-01-31,4.58,7.38,3.8,5.55,2012.25",
    "2012-02-29,5.55,6.5,3.8,4.99,4761.6",
    "2012-03-31,4.99,5.44,4.54,4.92,9049.6",
  ].join("\n");
  const p = parseCsvText(text, { file: "BTCUSD.csv" });
  assert.equal(p.subject, "bitcoin");
  assert.equal(p.interval, "1M");
  assert.deepEqual(p.candles.map((c) => c.ts), [d("2012-01-01"), d("2012-02-01"), d("2012-03-01")]);
});

Deno.test("FRED: blanks and '.' are missing values, the series id comes from the header", () => {
  const text =
    "observation_date,DGS10\n2024-01-01,\n2024-01-02,3.95\n2024-01-03,.\n2024-01-04,3.99\n";
  const p = parseCsvText(text, { file: "DGS10.csv" });
  assert.equal(p.format, "fred");
  assert.equal(p.kind, "macro");
  assert.equal(p.source, "fred");
  assert.equal(p.subject, "DGS10");
  assert.deepEqual(p.observations, [{ ts: d("2024-01-02"), value: 3.95 }, {
    ts: d("2024-01-04"),
    value: 3.99,
  }]);
  assert.deepEqual(kinds(p.issues), { missing_value: 2 });
  assert.equal(parseCsvText(text, { file: "x.csv", series: "us10y" }).subject, "US10Y");
});

Deno.test("CBOE VIX: the close becomes macro series VIX; close-only and inconsistent rows are flagged", () => {
  const text = [
    "DATE,OPEN,HIGH,LOW,CLOSE",
    "1992-02-10,17.24,17.24,17.24,17.24",
    "1992-02-11,19.24,18.57,17.61,17.70",
    "1992-02-12,17.5,18,17,17.9",
  ].join("\n");
  const p = parseCsvText(text, { file: "vix-daily.csv" });
  assert.equal(p.format, "cboe_vix");
  assert.equal(p.kind, "macro");
  assert.equal(p.source, "cboe");
  assert.equal(p.subject, "VIX");
  assert.deepEqual(p.observations.map((o) => o.value), [17.24, 17.7, 17.9]);
  assert.deepEqual(kinds(p.issues), { close_only: 1, inconsistent_ohlc: 1 });
  assert.match(p.issues.find((i) => i.kind === "inconsistent_ohlc")!.detail, /open 19\.24/);
});

Deno.test("CBOE's own VIX_History.csv (MM/DD/YYYY dates) imports; a date before 1970 is out of range at file:line", () => {
  const text =
    "DATE,OPEN,HIGH,LOW,CLOSE\n01/02/2024,13.21,14.23,13.1,13.2\n1/3/2024,13.5,14.4,13.4,14.04\n";
  const p = parseCsvText(text, { file: "VIX_History.csv" });
  assert.equal(p.format, "cboe_vix");
  assert.deepEqual(p.observations, [
    { ts: d("2024-01-02"), value: 13.2 },
    { ts: d("2024-01-03"), value: 14.04 },
  ]);
  for (const date of ["01/02/1969", "01/02/0024", "13/02/2024", "02/30/2024"]) {
    assert.throws(
      () =>
        parseCsvText(`DATE,OPEN,HIGH,LOW,CLOSE\n01/02/2024,1,2,1,2\n${date},1,2,1,2\n`, {
          file: "VIX_History.csv",
        }),
      (e) =>
        e instanceof DataError &&
        e.message.startsWith(`VIX_History.csv:3: DATE: "${date}" is `) &&
        (date.endsWith("2024") ? /not a valid date/ : /out of range: year \d{4} is before 1970/)
          .test(e.message),
      date,
    );
  }
});

Deno.test("Date,Close files need --series (macro) or --asset (close-only bars)", () => {
  const text = "Date,Close\n1990-01-31,25.36\n1990-02-28,21.99\n1990-03-30,19.73\n";
  assert.throws(() => parseCsvText(text, { file: "vix-monthly.csv" }), UsageError);
  const m = parseCsvText(text, { file: "vix-monthly.csv", series: "vix_monthly" });
  assert.equal(m.kind, "macro");
  assert.equal(m.subject, "VIX_MONTHLY");
  assert.equal(m.interval, "1M");
  assert.equal(m.observations[2].ts, d("1990-03-30")); // macro dates are kept as published
  const c = parseCsvText(text, { file: "x.csv", asset: "vixy" });
  assert.equal(c.kind, "candles");
  assert.ok(Number.isNaN(c.candles[0].open));
});

const OHLCV = "Date,Open,High,Low,Close,Volume";

Deno.test("a bad row fails with file:line and the reason", () => {
  const cases: [string, RegExp][] = [
    ["2024-01-03,1,2", /expected 6 fields, got 3 \(truncated line\?\)/],
    ["2024-01-03,1,2,0.5,abc,10", /Close: "abc" is not a number/],
    ["2024-02-30,1,2,0.5,1.5,10", /Date: "2024-02-30" is not a valid date/],
    ["2024-01-03,1,2,0.5,-1.5,10", /Close must be positive, got -1\.5/],
    ["2024-01-03,1,2,0.5,0,10", /Close must be positive, got 0/],
    ["2024-01-03,1,2,1.2,1.5,10", /open 1 is outside \[low, high\]/],
    ["2024-01-03,1,2,0.5,1.5,-3", /Volume must not be negative/],
  ];
  for (const [bad, re] of cases) {
    const text = [OHLCV, "2024-01-01,1,2,0.5,1.5,10", "2024-01-02,1,2,0.5,1.5,10", bad].join("\n");
    assert.throws(
      () => parseCsvText(text, { file: "p.csv", asset: "x" }),
      (e: unknown) =>
        e instanceof DataError && e.where === "p.csv:4" && re.test(e.message) &&
        e.message.startsWith("p.csv:4: "),
      bad,
    );
  }
});

Deno.test("--skip-bad-rows keeps the good rows and records each bad one", () => {
  const text = [
    OHLCV,
    "2024-01-01,1,2,0.5,1.5,10",
    "2024-01-02,1,2,0.5,abc,10",
    "2024-01-03,1,2",
    "2024-01-04,1,2,0.5,1.5,10",
    "2024-01-05,1,2,0.5,1.5,10",
    "2024-01-06,1,2,0.5,1.5,10",
  ].join("\n");
  const p = parseCsvText(text, { file: "p.csv", asset: "x", skipBadRows: true });
  assert.equal(p.candles.length, 4);
  assert.deepEqual(p.badRows.map((b) => b.line), [3, 4]);
  const bad = p.issues.filter((i) => i.kind === "bad_row");
  assert.deepEqual(bad.map((i) => i.location), ["p.csv:3", "p.csv:4"]);
  assert.equal(bad[0].ts, d("2024-01-02"));
  // the two skipped days are also a gap in the cadence
  assert.equal(
    p.issues.find((i) => i.kind === "gap")?.detail,
    "2 missing bars from 2024-01-02 before 2024-01-04",
  );
});

Deno.test("a row against the file's order is out_of_order; equal rows are a duplicate", () => {
  const text = [
    OHLCV,
    "2024-01-01,1,2,0.5,1.5,10",
    "2024-01-03,1,2,0.5,1.5,10",
    "2024-01-02,1,2,0.5,1.5,10",
    "2024-01-04,1,2,0.5,1.5,10",
    "2024-01-04,1,2,0.5,1.5,10",
  ].join("\n");
  const p = parseCsvText(text, { file: "o.csv", asset: "x" });
  assert.deepEqual(
    p.candles.map((c) => c.ts),
    ["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04"].map(d),
  );
  assert.deepEqual(kinds(p.issues), { out_of_order: 1, duplicate: 1 });
  assert.equal(p.issues.find((i) => i.kind === "out_of_order")!.location, "o.csv:4");
});

Deno.test("quoted cells and blank lines are handled", () => {
  const text = `${OHLCV}\n"2024-01-01","1","2","0.5","1.5","1,000"\n\n2024-01-02,1,2,0.5,1.5,10\n`;
  assert.throws(
    () => parseCsvText(text, { file: "q.csv", asset: "x" }),
    /Volume: "1,000" is not a number/,
  );
  const ok = `${OHLCV}\n"2024-01-01","1","2","0.5","1.5","1000"\n\n2024-01-02,1,2,0.5,1.5,10\n`;
  assert.equal(parseCsvText(ok, { file: "q.csv", asset: "x" }).candles[0].volume, 1000);
});

Deno.test("the interval is inferred, assumed from a dividing interval, or given", () => {
  const text = `${OHLCV}\n2024-01-01 00:00:00,1,2,0.5,1.5,10\n2024-01-01 07:00:00,1,2,0.5,1.5,10\n`;
  const p = parseCsvText(text, { file: "i.csv", asset: "x" });
  assert.equal(p.interval, "1h");
  assert.ok(p.notes.some((n) => /assumed 1h/.test(n)));
  assert.equal(parseCsvText(text, { file: "i.csv", asset: "x", interval: "30m" }).interval, "30m");
  assert.throws(
    () => parseCsvText(text, { file: "i.csv", asset: "x", interval: "7x" }),
    UsageError,
  );
  const odd = `${OHLCV}\n2024-01-01 00:00:00,1,2,0.5,1.5,10\n2024-01-01 00:00:07,1,2,0.5,1.5,10\n`;
  assert.throws(() => parseCsvText(odd, { file: "i.csv", asset: "x" }), /--interval/);
});

Deno.test("the caller must name an unknown asset, and flags must fit the file", () => {
  const text = `${OHLCV}\n2024-01-01,1,2,0.5,1.5,10\n`;
  assert.throws(() => parseCsvText(text, { file: "prices.csv" }), /pass --asset/);
  assert.throws(
    () => parseCsvText("observation_date,DGS10\n2024-01-01,4\n", { file: "f.csv", asset: "x" }),
    /use --series/,
  );
  assert.throws(() => parseCsvText(text, { file: "p.csv", asset: "a", series: "b" }), UsageError);
  assert.throws(
    () => parseCsvText("time,price\n", { file: "u.csv", asset: "x" }),
    (e: unknown) => e instanceof DataError && e.where === "u.csv:1",
  );
  assert.throws(
    () => parseCsvText("a,b,c\n1,2,3\n", { file: "u.csv" }),
    (e: unknown) => e instanceof DataError && /unrecognised header/.test(e.message),
  );
});

Deno.test("a date before 1970 or after 2100 is a bad row at its line; 0024 is not read as 1924", () => {
  const cases: [string, RegExp][] = [
    ["0024-01-03,1,2,0.5,1.5,10", /Date: "0024-01-03" is out of range: year 0024 is before 1970/],
    [
      "1969-12-31,1,2,0.5,1.5,10",
      /year 1969 is before 1970 \(accepted: 1970-01-01 \.\. 2100-12-31\)/,
    ],
    ["2101-01-01 00:00:00,1,2,0.5,1.5,10", /year 2101 is after 2100/],
    ["9999999999999,1,2,0.5,1.5,10", /"9999999999999" is out of range: year 2286 is after 2100/],
    ["2023-02-29,1,2,0.5,1.5,10", /Date: "2023-02-29" is not a valid date/],
  ];
  for (const [bad, re] of cases) {
    const text = [OHLCV, "2024-01-01,1,2,0.5,1.5,10", "2024-01-02,1,2,0.5,1.5,10", bad].join("\n");
    assert.throws(
      () => parseCsvText(text, { file: "y.csv", asset: "x" }),
      (e: unknown) => e instanceof DataError && e.where === "y.csv:4" && re.test(e.message),
      bad,
    );
  }
  const fred = "observation_date,DGS10\n0099-12-31,1\n2024-01-02,2\n";
  const p = parseCsvText(fred, { file: "f.csv", skipBadRows: true });
  assert.deepEqual(p.observations.map((o) => o.value), [2]);
  assert.match(p.badRows[0].reason, /year 0099 is before 1970/);
});

Deno.test("prices follow one rule: finite, positive, at most 1e12; amounts at most 1e30", () => {
  const cases: [string, RegExp][] = [
    ["2024-01-03,1,1e308,0.5,1.5,10", /High must be at most 1e12, got 1e\+308/],
    ["2024-01-03,1,2,0.5,1.5,1e31", /Volume must be at most 1e30, got 1e\+31/],
  ];
  for (const [bad, re] of cases) {
    const text = [OHLCV, "2024-01-01,1,2,0.5,1.5,10", "2024-01-02,1,2,0.5,1.5,10", bad].join("\n");
    assert.throws(
      () => parseCsvText(text, { file: "p.csv", asset: "x" }),
      (e: unknown) => e instanceof DataError && e.where === "p.csv:4" && re.test(e.message),
      bad,
    );
  }
  const cg = "snapped_at,price,market_cap,total_volume\n2024-01-02 00:00:00 UTC,1e13,1,1\n";
  assert.throws(() => parseCsvText(cg, { file: "btc.csv" }), /price must be at most 1e12/);
  const edge = [OHLCV, "2024-01-01,1e12,1e12,1e12,1e12,1e30"].join("\n");
  assert.equal(parseCsvText(edge, { file: "e.csv", asset: "x" }).candles[0].close, 1e12);
});

Deno.test("a 50 MB cell is echoed capped in the error, the bad-row reason and the ledger", () => {
  const huge = "x".repeat(50 * 1024 * 1024);
  const text = [OHLCV, "2024-01-01,1,2,0.5,1.5,10", `2024-01-02,1,2,0.5,${huge},10`].join("\n");
  assert.throws(
    () => parseCsvText(text, { file: "h.csv", asset: "x" }),
    (e: unknown) =>
      e instanceof DataError && e.message.length < 300 &&
      e.message.includes(`Close: "${"x".repeat(120)}… (${huge.length} chars)" is not a number`),
  );
  const p = parseCsvText(text, { file: "h.csv", asset: "x", skipBadRows: true });
  assert.ok(p.badRows[0].reason.length < 300, `${p.badRows[0].reason.length}`);
  const issue = p.issues.find((i) => i.kind === "bad_row")!;
  assert.ok(issue.detail.length < 300);
  const date = [OHLCV, `${"\u001b[2J".repeat(1000)},1,2,0.5,1.5,10`].join("\n");
  assert.throws(
    () => parseCsvText(date, { file: "d.csv", asset: "x" }),
    (e: unknown) =>
      e instanceof Error && e.message.length < 300 && !e.message.includes("\u001b") &&
      e.message.includes("\\x1b[2J"),
  );
});
