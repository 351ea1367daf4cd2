import assert from "node:assert/strict";
import { DataError } from "../../core/errors.ts";
import { fredError, parseObservations } from "./parse.ts";

const REF = new URL("../../../../shared/reference/messages/fred/", import.meta.url);
const hasRef = (() => {
  try {
    Deno.statSync(REF);
    return true;
  } catch {
    console.warn("skipped reference-payload tests: ../shared/reference/ is absent");
    return false;
  }
})();
const ref = (name: string) => Deno.readTextFileSync(new URL(name, REF));
const EP = "fred /series/observations?series_id=X";

Deno.test({
  name: "a real FRED observations page parses string values into numbers on UTC dates",
  ignore: !hasRef,
  fn() {
    const page = parseObservations(
      JSON.parse(ref("real_series_observations_GDPC1_excerpt.json")),
      EP,
    );
    assert.deepEqual(page.observations, [
      { ts: Date.UTC(1947, 0, 1), value: 1934.5 },
      { ts: Date.UTC(1947, 3, 1), value: 1932.3 },
      { ts: Date.UTC(1947, 6, 1), value: 1930.3 },
      { ts: Date.UTC(1947, 9, 1), value: 1960.7 },
    ]);
    assert.equal(page.count, 276);
  },
});

Deno.test({
  name: 'FRED "." values become missing_value issues, not observations',
  ignore: !hasRef,
  fn() {
    const page = parseObservations(
      JSON.parse(ref("real_series_observations_UMCSENT_missing_dot_excerpt.json")),
      EP,
    );
    assert.deepEqual(page.observations, []);
    assert.deepEqual(page.issues.map((i) => [i.kind, i.ts]), [
      ["missing_value", Date.UTC(1952, 10, 1)],
      ["missing_value", Date.UTC(1953, 1, 1)],
      ["missing_value", Date.UTC(1953, 7, 1)],
    ]);
  },
});

Deno.test({
  name: "the documented FRED error body is recognised",
  ignore: !hasRef,
  fn() {
    const e = fredError(ref("doc_error_400_json.json"));
    assert.equal(e?.code, 400);
    assert.match(e!.message, /api_key is not registered/);
  },
});

Deno.test("text where a number belongs rejects the page with the field", () => {
  const body = {
    count: 1,
    offset: 0,
    limit: 10,
    observations: [{ date: "2024-01-02", value: "n/a" }],
  };
  assert.throws(
    () => parseObservations(body, EP),
    (e) => e instanceof DataError && /observations\[0\]\.value/.test(e.message),
  );
});

Deno.test("an impossible date is rejected", () => {
  const body = {
    count: 1,
    offset: 0,
    limit: 10,
    observations: [{ date: "2023-02-30", value: "1" }],
  };
  assert.throws(() => parseObservations(body, EP), /observations\[0\]\.date/);
});

Deno.test("a value beyond the macro bound (1e30) or overflowing to Infinity rejects the page, naming the field", () => {
  for (const value of ["1e308", "1e400", "-1e31"]) {
    const page = {
      count: 1,
      offset: 0,
      limit: 1000,
      observations: [{ date: "2024-01-02", value: "4.1" }, { date: "2024-01-03", value }],
    };
    assert.throws(
      () => parseObservations(page, EP),
      (e) =>
        e instanceof DataError &&
        /field observations\[1\]\.value: .*(and 1e30|not a number)/.test(e.message),
      value,
    );
  }
});
