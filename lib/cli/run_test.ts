import assert from "node:assert/strict";
import { intFlag, parseFlags } from "./run.ts";
import { UsageError } from "../core/errors.ts";

const options = {
  capital: { type: "string" },
  json: { type: "boolean" },
} as const;

Deno.test("a negative number after a string flag is its value, not another flag", () => {
  const { values } = parseFlags(["--capital", "-5", "--json"], options);
  assert.equal(values.capital, "-5");
  assert.equal(values.json, true);
});

Deno.test("unknown flags become a UsageError naming the flag", () => {
  assert.throws(
    () => parseFlags(["--bogus"], options),
    (e: unknown) => e instanceof UsageError && /--bogus/.test(e.message),
  );
});

Deno.test("intFlag takes the fallback, accepts the range ends and names the flag otherwise", () => {
  const range = { min: 1, max: 10, fallback: 3 };
  assert.equal(intFlag(undefined, "days", range), 3);
  assert.equal(intFlag("1", "days", range), 1);
  assert.equal(intFlag("10", "days", range), 10);
  for (const bad of ["0", "11", "2.5", "", "abc"]) {
    assert.throws(
      () => intFlag(bad, "days", range),
      (e: unknown) =>
        e instanceof UsageError &&
        e.message === `--days: expected a whole number from 1 to 10, got "${bad}"`,
    );
  }
});
