import assert from "node:assert/strict";
import {
  describeSources,
  isGenerated,
  isMixed,
  mixedSourcesProblem,
  seriesSource,
} from "./provenance.ts";

Deno.test("only the sample market's source counts as generated", () => {
  assert.equal(isGenerated("sample"), true);
  for (const s of ["coingecko", "binance", "cboe", "fred", "csv", "cryptodatadownload"]) {
    assert.equal(isGenerated(s), false, s);
  }
  assert.deepEqual(seriesSource("price", "bitcoin", "sample"), {
    kind: "price",
    name: "bitcoin",
    source: "sample",
    generated: true,
  });
});

Deno.test("a mix names the generated series first, then the real ones, in one line", () => {
  const sources = [
    seriesSource("price", "bitcoin", "coingecko"),
    seriesSource("price", "ethereum", "sample"),
    seriesSource("macro", "VIX", "cboe", undefined),
    seriesSource("price", "solana", "csv", "data/sol.csv"),
  ];
  assert.equal(isMixed(sources), true);
  assert.equal(
    mixedSourcesProblem(sources),
    "generated and real data mixed: ethereum prices from sample (generated); real: bitcoin " +
      "prices from coingecko, VIX from cboe, solana prices from data/sol.csv (csv)",
  );
  assert.equal(mixedSourcesProblem(sources.filter((s) => !s.generated)), undefined);
  assert.equal(mixedSourcesProblem(sources.filter((s) => s.generated)), undefined);
  assert.equal(
    describeSources(sources.slice(1, 3)),
    "ethereum prices from sample (generated), VIX from cboe",
  );
});
