import assert from "node:assert/strict";
import { DataError } from "../../core/errors.ts";
import { binanceError, parseKlines } from "./parse.ts";

const REF = new URL("../../../../shared/reference/messages/binance/", import.meta.url);
const hasRef = (() => {
  try {
    Deno.statSync(REF);
    return true;
  } catch {
    console.warn("skipped reference-payload tests: ../shared/reference/ is absent");
    return false;
  }
})();
const EP = "binance /api/v3/klines?symbol=BTCUSDT";

Deno.test({
  name: "the documented klines row parses into a candle with numbers from decimal strings",
  ignore: !hasRef,
  fn() {
    const body = JSON.parse(Deno.readTextFileSync(new URL("doc_spot_rest_klines.json", REF)));
    const { klines, issues } = parseKlines(body, EP);
    assert.deepEqual(klines, [{
      ts: 1499040000000,
      open: 0.0163479,
      high: 0.8,
      low: 0.015758,
      close: 0.015771,
      volume: 148976.11427815,
      closeTime: 1499644799999,
      trades: 308,
    }]);
    assert.deepEqual(issues, []);
    const err = binanceError(Deno.readTextFileSync(new URL("doc_error_payload.json", REF)));
    assert.deepEqual(err, { code: -1121, msg: "Invalid symbol." });
  },
});

const row = (t: number, o: string, h: string, l: string, c: string) => [
  t,
  o,
  h,
  l,
  c,
  "1.5",
  t + 59_999,
  "10",
  3,
  "0.5",
  "5",
  "0",
];

Deno.test("a number where Binance sends a string is rejected with row, field and endpoint", () => {
  const bad = [row(1_700_000_000_000, "1", "2", "0.5", "1.5"), [
    1_700_000_060_000,
    1,
    "2",
    "0.5",
    "1.5",
    "1",
    1_700_000_119_999,
    "1",
    1,
    "1",
    "1",
    "0",
  ]];
  assert.throws(
    () => parseKlines(bad, EP),
    (e) =>
      e instanceof DataError && e.message.startsWith(EP) &&
      /field \[1\]\[1\] \(open\)/.test(e.message),
  );
});

Deno.test("a high below the close rejects the payload", () => {
  assert.throws(
    () => parseKlines([row(1_700_000_000_000, "1", "1.2", "0.5", "1.5")], EP),
    /row \[0\]: close 1.5 is outside/,
  );
});

Deno.test("open times in seconds are rejected", () => {
  assert.throws(() => parseKlines([row(1_700_000_000, "1", "2", "0.5", "1.5")], EP), /openTime/);
});

Deno.test("repeated rows are collapsed and reported, conflicting ones keep the later row", () => {
  const t = 1_700_000_000_000;
  const { klines, issues } = parseKlines([
    row(t + 60_000, "1", "2", "1", "2"),
    row(t, "1", "2", "1", "1.5"),
    row(t, "1", "2", "1", "1.6"),
  ], EP);
  assert.deepEqual(klines.map((k) => [k.ts, k.close]), [[t, 1.6], [t + 60_000, 2]]);
  assert.deepEqual(issues.map((i) => i.kind), [
    "out_of_order",
    "out_of_order",
    "conflicting_duplicate",
  ]);
});

Deno.test("a kline priced beyond the one price bound (1e12) rejects the payload, like the CSV import", () => {
  const huge = `1${"0".repeat(300)}.00000000`; // Binance writes decimals: 1e300
  assert.throws(
    () => parseKlines([row(1_700_000_000_000, huge, huge, huge, huge)], EP),
    (e) =>
      e instanceof DataError && /row \[0\]: open must be at most 1e12, got 1e\+300/.test(e.message),
  );
});
