/**
 * Import speed: a generated 1,000,000-row generic OHLCV file (one-minute bars) imported into a
 * fresh SQLite database, and re-imported unchanged into a database that already holds it.
 * Target: at least 300,000 rows/s for both. Rows/s = 1,000,000 / (time per iteration in s).
 *
 * Run: `deno bench --allow-all bench/import_bench.ts` (or `deno task bench`).
 * @module
 */
import { join } from "node:path";
import { importCsvFile } from "../lib/services/importer.ts";
import { SqliteStore } from "../lib/storage/sqlite_store.ts";

/** Rows in the generated file. */
export const ROWS = 1_000_000;

/** Generic OHLCV text with `rows` one-minute bars from 2020-01-01 (a deterministic walk). */
export function generateOhlcvCsv(rows: number): string {
  const out: string[] = ["Date,Open,High,Low,Close,Volume"];
  let price = 7_000;
  let s = 12345;
  const rand = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296);
  const start = Date.UTC(2020, 0, 1);
  for (let i = 0; i < rows; i++) {
    const open = price;
    price = Math.max(1, price * (1 + (rand() - 0.5) * 0.004));
    const high = Math.max(open, price) * (1 + rand() * 0.001);
    const low = Math.min(open, price) * (1 - rand() * 0.001);
    const ts = new Date(start + i * 60_000).toISOString();
    out.push(
      `${ts.slice(0, 10)} ${ts.slice(11, 19)},${open.toFixed(2)},${high.toFixed(2)},${
        low.toFixed(2)
      },${price.toFixed(2)},${(rand() * 50).toFixed(4)}`,
    );
  }
  return out.join("\n") + "\n";
}

const dir = await Deno.makeTempDir({ prefix: "mts-import-bench-" });
const file = join(dir, "ohlcv_1m.csv");
await Deno.writeTextFile(file, generateOhlcvCsv(ROWS));
let fresh = 0;

Deno.bench({
  name: `import ${ROWS.toLocaleString("en-US")} OHLCV rows into a fresh SQLite db`,
  group: "import",
  baseline: true,
  n: 3,
  warmup: 1,
  async fn(b) {
    const store = SqliteStore.open(join(dir, `fresh-${fresh++}.db`));
    b.start();
    const r = await importCsvFile(store, file, { asset: "benchcoin" });
    b.end();
    store.close();
    if (r.inserted !== ROWS) throw new Error(`expected ${ROWS} new rows, got ${r.inserted}`);
  },
});

const existing = SqliteStore.open(join(dir, "existing.db"));
await importCsvFile(existing, file, { asset: "benchcoin" });

Deno.bench({
  name: `re-import the unchanged ${ROWS.toLocaleString("en-US")}-row file`,
  group: "import",
  n: 3,
  warmup: 1,
  async fn() {
    const r = await importCsvFile(existing, file, { asset: "benchcoin" });
    if (r.inserted !== 0 || r.unchanged !== ROWS) throw new Error("re-import changed data");
  },
});

globalThis.addEventListener("unload", () => {
  existing.close();
  Deno.removeSync(dir, { recursive: true });
});
