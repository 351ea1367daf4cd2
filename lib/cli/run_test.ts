import assert from "node:assert/strict";
import { parseFlags } from "./run.ts";
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
