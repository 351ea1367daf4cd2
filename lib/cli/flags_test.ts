import assert from "node:assert/strict";
import { UsageError } from "../core/errors.ts";
import {
  checkOrder,
  choiceFlag,
  dateFlag,
  describeRange,
  durationFlag,
  intervalFlag,
  intFlag,
  jsonFlag,
  listFlag,
  numberFlag,
  pairsFlag,
} from "./flags.ts";

/** Asserts the one message form: `--flag: expected …, got "…"`. */
function fails(fn: () => unknown, message: string | RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof UsageError, String(e));
    if (typeof message === "string") assert.equal(e.message, message);
    else assert.match(e.message, message);
    return true;
  });
}

Deno.test("intFlag takes the fallback, accepts the range ends and names the flag otherwise", () => {
  const range = { min: 1, max: 10, fallback: 3 };
  assert.equal(intFlag(undefined, "days", range), 3);
  assert.equal(intFlag("1", "days", range), 1);
  assert.equal(intFlag("10", "days", range), 10);
  for (const bad of ["0", "11", "2.5", "", "abc"]) {
    fails(
      () => intFlag(bad, "days", range),
      `--days: expected a whole number from 1 to 10, got "${bad}"`,
    );
  }
});

Deno.test("numberFlag states its range exactly, with open and closed ends", () => {
  const bps = { min: 0, max: 10_000, maxExclusive: true };
  assert.equal(numberFlag("0", "slippage-bps", bps), 0);
  assert.equal(numberFlag("9999.5", "slippage-bps", bps), 9999.5);
  assert.equal(numberFlag(undefined, "slippage-bps", bps), undefined);
  fails(
    () => numberFlag("20000", "slippage-bps", bps),
    '--slippage-bps: expected a number in [0, 10000), got "20000"',
  );
  fails(() => numberFlag("10000", "slippage-bps", bps), /in \[0, 10000\), got "10000"/);
  fails(() => numberFlag("-1", "slippage-bps", bps), /got "-1"/);
  fails(() => numberFlag("0", "capital", { min: 0, minExclusive: true }), /a number > 0, got "0"/);
  for (const bad of ["", " ", "abc", "NaN", "Infinity", "1e999"]) {
    fails(() => numberFlag(bad, "x", {}), /^--x: expected a number, got/);
  }
  assert.equal(
    describeRange({ min: -1, max: 10, minExclusive: true, maxExclusive: true }),
    "a number in (-1, 10)",
  );
  assert.equal(describeRange({ max: 5 }), "a number <= 5");
});

Deno.test("durationFlag reads ms, s, m, h and d, and a bare 0", () => {
  assert.equal(durationFlag("500ms", "x"), 500);
  assert.equal(durationFlag("30s", "x"), 30_000);
  assert.equal(durationFlag("90m", "x"), 5_400_000);
  assert.equal(durationFlag("36h", "x"), 129_600_000);
  assert.equal(durationFlag("1.5d", "x"), 129_600_000);
  assert.equal(durationFlag("0", "x"), 0);
  for (const bad of ["5", "-1d", "2 days", ""]) {
    fails(
      () => durationFlag(bad, "max-price-age"),
      `--max-price-age: expected a duration such as 36h, 2d or 90m, got "${bad}"`,
    );
  }
});

Deno.test("dateFlag: UTC dates and times, end of day, and impossible or pre-1970 dates refused", () => {
  assert.equal(dateFlag("2024-01-02", "start"), Date.UTC(2024, 0, 2));
  assert.equal(dateFlag("2024-01-02T06:30:00Z", "start"), Date.UTC(2024, 0, 2, 6, 30));
  assert.equal(dateFlag("2024-01-02", "end", { endOfDay: true }), Date.UTC(2024, 0, 3) - 1);
  assert.equal(
    dateFlag("2024-01-02T06:00:00Z", "end", { endOfDay: true }),
    Date.UTC(2024, 0, 2, 6),
    "an explicit time is taken as given",
  );
  assert.equal(dateFlag("1970-01-01", "at"), 0);
  for (
    const bad of [
      "2023-02-30",
      "2023-13-01",
      "yesterday",
      "0024-01-01",
      "0099-12-31",
      "1969-12-31",
      "2101-01-01",
    ]
  ) {
    fails(
      () => dateFlag(bad, "at"),
      `--at: expected a UTC date YYYY-MM-DD or time YYYY-MM-DDTHH:MM:SSZ, 1970-01-01 .. 2100-12-31, got "${bad}"`,
    );
  }
});

Deno.test("choiceFlag and intervalFlag list what they accept", () => {
  assert.equal(choiceFlag("close", "fill", ["open", "close"]), "close");
  fails(
    () => choiceFlag("mid", "fill", ["open", "close"]),
    '--fill: expected one of open, close, got "mid"',
  );
  assert.equal(intervalFlag("4h"), "4h");
  fails(
    () => intervalFlag("7x"),
    /^--interval: expected an interval, one of 1m, 3m, .*1M, got "7x"$/,
  );
});

Deno.test("listFlag splits on commas and spaces; pairsFlag needs name=value", () => {
  assert.deepEqual(listFlag(" a, b  c,,"), ["a", "b", "c"]);
  assert.deepEqual(listFlag(["a,b", "c"]), ["a", "b", "c"]);
  assert.deepEqual(listFlag(""), []);
  assert.equal(listFlag(undefined), undefined);
  assert.deepEqual(pairsFlag("VIX=36h, DXY=2d", "publication-lag", "SERIES=duration"), [
    ["VIX", "36h"],
    ["DXY", "2d"],
  ]);
  assert.deepEqual(pairsFlag(undefined, "weights", "strategy=weight"), []);
  for (const bad of ["VIX", "=1", "VIX="]) {
    fails(
      () => pairsFlag(bad, "weights", "strategy=weight"),
      `--weights: expected strategy=weight pairs separated by commas, got "${bad}"`,
    );
  }
});

Deno.test("jsonFlag wants a JSON object and says why the text is not one", () => {
  assert.deepEqual(jsonFlag('{"fast":10}', "params"), { fast: 10 });
  fails(() => jsonFlag("{bad", "params"), /^--params: expected a JSON object, got "\{bad" \(.+\)$/);
  fails(() => jsonFlag("[1]", "params"), '--params: expected a JSON object, got "[1]"');
  fails(() => jsonFlag("null", "params"), '--params: expected a JSON object, got "null"');
});

Deno.test("a long or hostile value is echoed capped and escaped, on one line", () => {
  const value = "\u001b[31m" + "x".repeat(500) + "\n";
  assert.throws(() => numberFlag(value, "capital"), (e: unknown) => {
    const m = (e as Error).message;
    assert.ok(!m.includes("\u001b") && !m.includes("\n"), m);
    assert.match(m, /^--capital: expected a number, got "\\x1b\[31mx+… \(506 chars\)"$/);
    return true;
  });
});

Deno.test("checkOrder refuses a start after the end, naming both flags", () => {
  checkOrder({ flag: "start", value: 1 }, { flag: "end", value: 1 });
  checkOrder({ flag: "start", value: undefined }, { flag: "end", value: 0 });
  fails(
    () =>
      checkOrder({ flag: "start", value: 2, text: "2024-02-01" }, {
        flag: "end",
        value: 1,
        text: "2024-01-01",
      }),
    "--start 2024-02-01 is after --end 2024-01-01: expected a start no later than the end",
  );
});
