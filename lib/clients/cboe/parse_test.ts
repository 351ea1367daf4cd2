import assert from "node:assert/strict";
import { DataError } from "../../core/errors.ts";
import { normalizeVixCsv } from "./parse.ts";

Deno.test("CBOE's MM/DD/YYYY dates are rewritten as ISO dates; values are untouched", () => {
  const csv = "DATE,OPEN,HIGH,LOW,CLOSE\n01/02/1990,17.240000,17.240000,17.240000,17.240000\n" +
    "12/31/2024,17.0,18.2,16.5,17.35\n";
  assert.equal(
    normalizeVixCsv(csv, "cboe"),
    "DATE,OPEN,HIGH,LOW,CLOSE\n1990-01-02,17.240000,17.240000,17.240000,17.240000\n" +
      "2024-12-31,17.0,18.2,16.5,17.35\n",
  );
});

Deno.test("ISO dates pass through unchanged", () => {
  const csv = "DATE,OPEN,HIGH,LOW,CLOSE\n1990-01-02,1,1,1,1\n";
  assert.equal(normalizeVixCsv(csv, "cboe"), csv);
});

Deno.test("an HTML error page instead of the CSV is rejected naming the endpoint", () => {
  assert.throws(
    () => normalizeVixCsv("<html><body>Access denied</body></html>", "cboe /VIX_History.csv"),
    (e) => e instanceof DataError && e.message.startsWith("cboe /VIX_History.csv"),
  );
});
