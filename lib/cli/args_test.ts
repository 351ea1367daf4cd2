import assert from "node:assert/strict";
import { UsageError } from "../core/errors.ts";
import { normalizeArgs, parseFlags } from "./args.ts";

const options = {
  capital: { type: "string" },
  assets: { type: "string" },
  window: { type: "string" },
  json: { type: "boolean" },
} as const;

const usage = (re: RegExp) => (e: unknown) => e instanceof UsageError && re.test(e.message);

Deno.test("a negative number after a string flag is its value, not another flag", () => {
  const { values } = parseFlags(["--capital", "-5", "--json"], options);
  assert.equal(values.capital, "-5");
  assert.equal(values.json, true);
  assert.equal(parseFlags(["--capital", "-.5"], options).values.capital, "-.5");
});

Deno.test("space-separated values after a list flag join with commas", () => {
  const lists = ["assets"];
  assert.deepEqual(
    {
      ...parseFlags(["--assets", "bitcoin", "ethereum", "--window", "30"], options, { lists })
        .values,
    },
    { assets: "bitcoin,ethereum", window: "30" },
  );
  assert.equal(
    parseFlags(["--assets=bitcoin", "ethereum"], options, { lists }).values.assets,
    "bitcoin,ethereum",
  );
  assert.equal(parseFlags(["--assets", "a,b"], options, { lists }).values.assets, "a,b");
});

Deno.test("other flags, a missing value and arguments after -- are left alone", () => {
  const lists = ["assets"];
  assert.deepEqual(normalizeArgs(["--window", "2020", "x"], options, lists), [
    "--window",
    "2020",
    "x",
  ]);
  assert.deepEqual(normalizeArgs(["--assets", "--json"], options, lists), ["--assets", "--json"]);
  assert.deepEqual(normalizeArgs(["--", "--assets", "a", "b"], options, lists), [
    "--",
    "--assets",
    "a",
    "b",
  ]);
});

Deno.test("mistakes are one usage error naming the flag", () => {
  assert.throws(() => parseFlags(["--bogus"], options), usage(/^--bogus: unknown flag$/));
  assert.throws(
    () => parseFlags(["--windw", "3"], options),
    usage(/^--windw: unknown flag \(did you mean --window\?\)$/),
  );
  assert.throws(() => parseFlags(["--window"], options), usage(/^--window: expected a value$/));
  assert.throws(() => parseFlags(["--json=yes"], options), usage(/^--json: takes no value$/));
  assert.throws(
    () => parseFlags(["bitcoin"], options),
    usage(/^unexpected argument "bitcoin" \(flags start with --\)$/),
  );
  assert.deepEqual(parseFlags(["x"], options, { positionals: true }).positionals, ["x"]);
});

Deno.test("an unknown flag with control characters is echoed escaped", () => {
  assert.throws(
    () => parseFlags(["--x\u001b[2J"], options),
    (e: unknown) =>
      e instanceof UsageError && !e.message.includes("\u001b") &&
      e.message.includes("\\x1b[2J"),
  );
});
