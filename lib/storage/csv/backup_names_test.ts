import assert from "node:assert/strict";
import { isValidId, MAX_ID_LENGTH, MAX_SOURCE_LENGTH } from "../../core/ids.ts";
import type { Interval } from "../../core/time.ts";
import { type BackupPart, exportFileName, parseExportFileName } from "./backup_names.ts";

const candles = (source: string, asset: string, interval: Interval = "1d"): BackupPart => ({
  kind: "candles",
  key: { source, asset, interval },
});

Deno.test("ordinary ids keep their readable backup names", () => {
  assert.equal(exportFileName(candles("coingecko", "bitcoin")), "candles_coingecko_bitcoin_1d.csv");
  assert.equal(
    exportFileName({ kind: "macro", series: "DGS10", source: "fred" }),
    "macro_fred_DGS10.csv",
  );
  assert.equal(exportFileName(candles("csv", "usd-coin")), "candles_csv_usd-coin_1d.csv");
});

Deno.test("foo_bar and foo-bar get different names; so do Foo and foo, even case-folded", () => {
  const a = exportFileName(candles("csv", "foo_bar"));
  const b = exportFileName(candles("csv", "foo-bar"));
  assert.equal(a, "candles_csv_foo~_bar_1d.csv");
  assert.equal(b, "candles_csv_foo-bar_1d.csv");
  const upper = exportFileName(candles("csv", "Foo")),
    lower = exportFileName(candles("csv", "foo"));
  assert.notEqual(upper.toLowerCase(), lower.toLowerCase());
  assert.equal(
    exportFileName({ kind: "macro", series: "vix", source: "CBOE" }),
    "macro_~C~B~O~E_~v~i~x.csv",
  );
});

Deno.test("every pair of distinct series has names that differ case-insensitively (exhaustive)", () => {
  // All ids of up to 3 characters over a small alphabet that has both cases, '_' and '-'.
  const alphabet = ["a", "A", "_", "-", "1"];
  const ids: string[] = [];
  const grow = (prefix: string) => {
    if (prefix && isValidId("asset", prefix)) ids.push(prefix);
    if (prefix.length < 3) { for (const c of alphabet) grow(prefix + c); }
  };
  grow("");
  const sources = ["a", "A", "a_a", "a-a", "A_a"];
  const seen = new Map<string, string>();
  for (const source of sources) {
    for (const asset of ids) {
      for (
        const part of [candles(source, asset), { kind: "macro", series: asset, source } as const]
      ) {
        const folded = exportFileName(part).toLowerCase();
        const id = JSON.stringify(part);
        assert.equal(seen.get(folded) ?? id, id, `${folded} is the name of two series`);
        seen.set(folded, id);
      }
    }
  }
  assert.equal(ids.length, 3 + 3 * 5 + 3 * 5 * 5); // first character a, A or 1
  assert.equal(seen.size, sources.length * ids.length * 2);
});

Deno.test("a backup name gives back its exact series, whatever case the file system returns", () => {
  const parts: BackupPart[] = [
    candles("MyFeed", "Foo_Bar.x", "1d"),
    { kind: "candles", key: { source: "csv", asset: "eth", interval: "1M" } },
    { kind: "candles", key: { source: "csv", asset: "eth", interval: "1m" } },
    { kind: "macro", series: "vix_Monthly", source: "cboe" },
  ];
  for (const part of parts) {
    const name = exportFileName(part);
    assert.deepEqual(parseExportFileName(name), part, name);
    assert.deepEqual(parseExportFileName(name.toUpperCase()), part, name.toUpperCase());
    assert.deepEqual(parseExportFileName(name.toLowerCase()), part, name.toLowerCase());
  }
  assert.equal(parseExportFileName("prices.csv"), undefined);
});

Deno.test("the longest valid ids give a name under 255 bytes, with room for the .tmp suffix", () => {
  // every character escaped: a source in upper case, an asset of one upper-case letter and '_'s
  const asset = "A" + "_".repeat(MAX_ID_LENGTH - 1);
  const source = "S".repeat(MAX_SOURCE_LENGTH);
  assert.ok(isValidId("asset", asset) && isValidId("source", source));
  const name = exportFileName(candles(source, asset, "15m"));
  assert.equal(name.length, "candles_".length + 2 * 32 + 1 + 2 * 64 + "_15m.csv".length);
  assert.ok(new TextEncoder().encode(name + ".tmp").length <= 255, `${name.length}`);
  const macro = exportFileName({ kind: "macro", source, series: "a".repeat(MAX_ID_LENGTH) });
  assert.ok(macro.length + ".tmp".length <= 255);
});
