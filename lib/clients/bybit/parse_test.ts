import assert from "node:assert/strict";
import { bybitError, parseFundingHistory, parseFundingIntervals } from "./parse.ts";

const E = "bybit /v5/market/funding/history?category=linear&symbol=ETHPERP";
const envelope = (result: unknown, retCode = 0, retMsg = "OK") => ({
  retCode,
  retMsg,
  result,
  retExtInfo: {},
  time: 1672051897447,
});

Deno.test("funding history: the documented example, newest first on the wire, oldest first out", () => {
  const body = envelope({
    category: "linear",
    list: [
      { symbol: "ETHPERP", fundingRate: "0.0001", fundingRateTimestamp: "1672041600000" },
      { symbol: "ETHPERP", fundingRate: "-0.00012500", fundingRateTimestamp: "1672012800000" },
    ],
  });
  assert.deepEqual(parseFundingHistory(body, "ETHPERP", E), [
    { symbol: "ETHPERP", fundingTimeMs: 1672012800000, rate: "-0.00012500", markPrice: null },
    { symbol: "ETHPERP", fundingTimeMs: 1672041600000, rate: "0.0001", markPrice: null },
  ]);
  assert.deepEqual(
    parseFundingHistory(envelope({ category: "linear", list: [] }), "ETHPERP", E),
    [],
  );
});

Deno.test("funding history: a bad row is named by its field; an error envelope by its code", () => {
  const row = { symbol: "ETHPERP", fundingRate: "0.0001", fundingRateTimestamp: "1672041600000" };
  assert.throws(
    () =>
      parseFundingHistory(envelope({ list: [row, { ...row, fundingRate: 0.0001 }] }), "ETHPERP", E),
    /^DataError: bybit .*: invalid payload: field result\.list\[1\]\.fundingRate: /,
  );
  assert.throws(
    () =>
      parseFundingHistory(
        envelope({ list: [{ ...row, fundingRateTimestamp: "1672041600" }] }),
        "ETHPERP",
        E,
      ),
    /field result\.list\[0\]\.fundingRateTimestamp: expected UTC ms/,
  );
  assert.throws(
    () => parseFundingHistory(envelope({ list: [row, row] }), "ETHPERP", E),
    /field result\.list\[1\]\.fundingRateTimestamp: 1672041600000 does not precede 1672041600000/,
  );
  assert.throws(
    () => parseFundingHistory(envelope({ list: [{ ...row, symbol: "BTCPERP" }] }), "ETHPERP", E),
    /field result\.list\[0\]\.symbol: expected ETHPERP, got "BTCPERP"/,
  );
  const err = envelope({}, 10001, "params error: symbol invalid");
  assert.throws(
    () => parseFundingHistory(err, "ETHPERP", E),
    /Bybit error 10001: params error: symbol invalid/,
  );
  assert.deepEqual(bybitError(err), { code: 10001, msg: "params error: symbol invalid" });
  assert.equal(bybitError(envelope({ list: [] })), undefined);
});

Deno.test("instruments-info: fundingInterval minutes become hours; a non-hour interval is refused", () => {
  const body = (m: number) =>
    envelope({
      category: "linear",
      list: [{ symbol: "BTCUSDT", fundingInterval: m }],
      nextPageCursor: "",
    });
  assert.deepEqual([...parseFundingIntervals(body(480), "i")], [["BTCUSDT", 8]]);
  assert.deepEqual([...parseFundingIntervals(body(60), "i")], [["BTCUSDT", 1]]);
  assert.throws(
    () => parseFundingIntervals(body(90), "i"),
    /result\.list\[0\]\.fundingInterval: expected a whole number of hours/,
  );
});
