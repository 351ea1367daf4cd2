import assert from "node:assert/strict";
import { main, TASKS } from "../cli.ts";

const root = new URL("../", import.meta.url);

Deno.test("the single-binary entry knows every task in deno.json", async () => {
  const tasks = JSON.parse(await Deno.readTextFile(new URL("deno.json", root))).tasks;
  const runnable = Object.keys(tasks).filter((t) => !["test", "check", "bench"].includes(t)).sort();
  assert.deepEqual(Object.keys(TASKS).sort(), runnable);
});

Deno.test("mts with an unknown task exits 2 and names the choices", async () => {
  const errors: string[] = [];
  const orig = console.error;
  console.error = (m: string) => errors.push(m);
  try {
    assert.equal(await main(["nope"]), 2);
  } finally {
    console.error = orig;
  }
  assert.match(errors.join("\n"), /unknown task "nope".*backtest/);
});
