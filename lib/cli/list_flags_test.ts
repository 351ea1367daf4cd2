import assert from "node:assert/strict";
import { joinListFlags } from "./list_flags.ts";

Deno.test("space-separated values after a list flag join with commas", () => {
  assert.deepEqual(
    joinListFlags(["--assets", "bitcoin", "ethereum", "--window", "30"], ["assets"]),
    ["--assets", "bitcoin,ethereum", "--window", "30"],
  );
  assert.deepEqual(joinListFlags(["--assets=bitcoin", "ethereum"], ["assets"]), [
    "--assets",
    "bitcoin,ethereum",
  ]);
  assert.deepEqual(joinListFlags(["--assets", "a,b"], ["assets"]), ["--assets", "a,b"]);
});

Deno.test("other flags, a missing value and arguments after -- are left alone", () => {
  assert.deepEqual(joinListFlags(["--at", "2020-03-20", "x"], ["assets"]), [
    "--at",
    "2020-03-20",
    "x",
  ]);
  assert.deepEqual(joinListFlags(["--assets", "--json"], ["assets"]), ["--assets", "--json"]);
  assert.deepEqual(joinListFlags(["--", "--assets", "a", "b"], ["assets"]), [
    "--",
    "--assets",
    "a",
    "b",
  ]);
});
