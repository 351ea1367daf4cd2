import assert from "node:assert/strict";
import { parseFundingInfo, parseFundingRates } from "./funding_parse.ts";

const E = "binance /fapi/v1/fundingRate?symbol=BTCUSDT";

Deno.test("fundingRate: the documented example, kept as the wire's strings", () => {
  const body = [
    {
      symbol: "BTCUSDT",
      fundingRate: "-0.03750000",
      fundingTime: 1570608000000,
      markPrice: "34287.54619963",
    },
    { symbol: "BTCUSDT", fundingRate: "0.00010000", fundingTime: 1570636800000, markPrice: "" },
  ];
  assert.deepEqual(parseFundingRates(body, "BTCUSDT", E), [
    {
      symbol: "BTCUSDT",
      fundingTimeMs: 1570608000000,
      rate: "-0.03750000",
      markPrice: "34287.54619963",
    },
    { symbol: "BTCUSDT", fundingTimeMs: 1570636800000, rate: "0.00010000", markPrice: null },
  ]);
});

Deno.test("fundingRate: a malformed row is named by index and field", () => {
  const ok = { symbol: "BTCUSDT", fundingRate: "0.0001", fundingTime: 1570608000000 };
  assert.throws(
    () =>
      parseFundingRates(
        [ok, { ...ok, fundingTime: 1570636800000, fundingRate: "NaN" }],
        "BTCUSDT",
        E,
      ),
    /^DataError: binance \/fapi\/v1\/fundingRate\?symbol=BTCUSDT: invalid payload: field \[1\]\.fundingRate: expected a decimal string$/,
  );
  assert.throws(
    () => parseFundingRates([{ ...ok, fundingTime: 1570608000 }], "BTCUSDT", E),
    /field \[0\]\.fundingTime: expected UTC ms/,
  );
  assert.throws(
    () => parseFundingRates([ok, ok], "BTCUSDT", E),
    /field \[1\]\.fundingTime: 1570608000000 does not follow 1570608000000/,
  );
  assert.throws(() => parseFundingRates({ code: -1121 }, "BTCUSDT", E), /field \(root\)/);
});

Deno.test("fundingInfo: listed symbols only, whole hours", () => {
  const info = parseFundingInfo([
    {
      symbol: "BLZUSDT",
      adjustedFundingRateCap: "0.03000000",
      adjustedFundingRateFloor: "-0.03000000",
      fundingIntervalHours: 4,
      disclaimer: false,
    },
  ], "binance /fapi/v1/fundingInfo");
  assert.deepEqual([...info], [["BLZUSDT", 4]]);
  assert.throws(
    () =>
      parseFundingInfo([{ symbol: "X", fundingIntervalHours: 0 }], "binance /fapi/v1/fundingInfo"),
    /field \[0\]\.fundingIntervalHours: expected a whole number of hours >= 1/,
  );
});
