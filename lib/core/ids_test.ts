import assert from "node:assert/strict";
import { idFlagProblem, idProblem, isValidId, MAX_ID_LENGTH, MAX_SOURCE_LENGTH } from "./ids.ts";

Deno.test("ids of the real sources are valid; foo_bar and foo-bar are both valid", () => {
  for (
    const id of [
      "bitcoin",
      "usd-coin",
      "DGS10",
      "VIX_MONTHLY",
      "foo_bar",
      "foo-bar",
      "a.b",
      "1inch",
    ]
  ) {
    assert.equal(idProblem("asset", id), undefined, id);
    assert.equal(idProblem("series", id), undefined, id);
  }
  assert.ok(isValidId("source", "cryptodatadownload"));
});

Deno.test("an id of spaces, an empty id, a newline, CJK and a leading dot are rejected", () => {
  const cases: [string, string][] = [
    ["   ", "a space at position 1 is not allowed"],
    ["", "it is empty"],
    ["btc\nusd", "a newline at position 4 is not allowed"],
    ["比特币", '"比" (U+6BD4) at position 1 is not allowed'],
    ["bit coin", "a space at position 4 is not allowed"],
    [".hidden", 'it starts with "." (U+002E)'],
    ["-x", 'it starts with "-" (U+002D)'],
    ["a/b", '"/" (U+002F) at position 2 is not allowed'],
    ["x\u001b[2J", "U+001B at position 2 is not allowed"],
  ];
  for (const [id, why] of cases) {
    const p = idProblem("asset", id);
    assert.ok(p?.includes(why), `${JSON.stringify(id)}: ${p}`);
    assert.ok(!p!.includes("\u001b") && !p!.includes("\n"), p);
  }
});

Deno.test("ids are at most 64 characters, source names at most 32", () => {
  assert.equal(idProblem("asset", "a".repeat(MAX_ID_LENGTH)), undefined);
  assert.equal(MAX_ID_LENGTH, 64);
  assert.equal(MAX_SOURCE_LENGTH, 32);
  const long = idProblem("series", "a".repeat(65))!;
  assert.match(long, /^series id "a{65}" is not valid: it is 65 characters long \(1-64 /);
  assert.equal(idProblem("source", "s".repeat(32)), undefined);
  assert.match(idProblem("source", "s".repeat(33))!, /^source name .*33 characters long \(1-32/);
  // a huge id is echoed capped, not whole
  assert.ok(idProblem("asset", "x".repeat(1_000_000))!.length < 400);
});

Deno.test("a bad id flag is told in the CLI's one flag-error form", () => {
  assert.equal(
    idFlagProblem("asset", "asset", "   "),
    "--asset: expected an asset id (1-64 characters from A-Z a-z 0-9 . _ - starting with a letter " +
      'or digit), got "   " (a space at position 1 is not allowed)',
  );
  assert.match(
    idFlagProblem("series", "series", "")!,
    /^--series: expected a series id .*\(it is empty\)$/,
  );
  assert.equal(idFlagProblem("source", "source", "coingecko"), undefined);
});
