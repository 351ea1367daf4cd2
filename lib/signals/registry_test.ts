import assert from "node:assert/strict";
import { z } from "zod";
import { defineStrategy } from "./define.ts";
import { StrategyParamsError } from "./params.ts";
import { createRegistry } from "./registry.ts";

/** A strategy that never signals, with one nested parameter group. */
const quiet = defineStrategy({
  name: "quiet_one",
  className: "QuietOneStrategy",
  description: "never signals",
  schema: z.strictObject({
    period: z.int().min(1),
    limits: z.strictObject({ low: z.number(), high: z.number() }),
    assets: z.array(z.string()),
  }),
  defaults: { period: 3, limits: { low: -1, high: 1 }, assets: ["a", "b"] },
  make: (params) => ({
    name: "quiet_one",
    params,
    warmup: params.period,
    macroSeries: [],
    onBar: () => [],
  }),
});

const registry = createRegistry([quiet]);

Deno.test("the registry accepts snake_case, kebab-case and class-style names", () => {
  for (
    const name of ["quiet_one", "quiet-one", "QuietOne", "QuietOneStrategy", "quietonestrategy"]
  ) {
    assert.equal(registry.find(name)?.name, "quiet_one", name);
  }
  assert.equal(registry.find("nope"), undefined);
  assert.deepEqual(registry.names(), ["quiet_one"]);
});

Deno.test("an unknown strategy is an error that lists the known ones", () => {
  assert.throws(
    () => registry.create("MoonStrategy"),
    /Unknown strategy "MoonStrategy".*quiet_one/,
  );
});

Deno.test("two strategies whose names collide cannot be registered together", () => {
  const twin = { ...quiet, name: "quiet-one", className: "Other" };
  assert.throws(() => createRegistry([quiet, twin]), /quiet-one.*collides with quiet_one/);
});

Deno.test("overrides deep-merge over the defaults: nested keys keep their siblings, arrays replace", () => {
  const s = registry.create("quiet_one", { limits: { high: 2 }, assets: ["c"] });
  assert.deepEqual(s.params, { period: 3, limits: { low: -1, high: 2 }, assets: ["c"] });
  assert.equal(s.warmup, 3);
});

Deno.test("bad parameters are one error type naming the strategy and each key path", () => {
  const bad = (overrides: unknown) => {
    try {
      quiet.params(overrides);
    } catch (e) {
      assert.ok(e instanceof StrategyParamsError, String(e));
      assert.ok(e instanceof RangeError, "a RangeError, so generic callers report it as bad input");
      assert.equal(e.strategy, "quiet_one");
      return e;
    }
    throw new Error(`accepted ${JSON.stringify(overrides)}`);
  };
  assert.match(bad({ period: 0 }).message, /^Cannot use parameters for quiet_one: period: /);
  assert.deepEqual(bad({ limits: { low: "x" } }).problems.map((p) => p.path), ["limits.low"]);
  assert.match(bad({ perod: 2 }).message, /Unrecognized key.*perod/);
  assert.match(bad([1]).message, /expected a JSON object/);
  assert.match(bad("x").message, /expected a JSON object/);
});

Deno.test("a definition with invalid default parameters fails when it is defined", () => {
  assert.throws(
    () =>
      defineStrategy({
        name: "broken",
        className: "Broken",
        description: "",
        schema: z.strictObject({ n: z.int() }),
        defaults: { n: 1.5 },
        make: (params) => ({ name: "broken", params, warmup: 0, macroSeries: [], onBar: () => [] }),
      }),
    /Cannot use parameters for broken: n: /,
  );
});
