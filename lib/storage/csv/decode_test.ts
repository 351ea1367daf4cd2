import assert from "node:assert/strict";
import { DataError } from "../../core/errors.ts";
import { decodeCsvBytes, prepareCsvText } from "./decode.ts";
import { parseCsvText } from "./parse.ts";
import { readCsvFile } from "./read_file.ts";

const TEXT =
  "Date,Open,High,Low,Close,Volume\n2024-01-01,1,2,0.5,1.5,10\n2024-01-02,1.5,2.5,1,2,11\n";

/** UTF-16 code units of `text` as bytes, written by hand (not with TextEncoder, which has no UTF-16). */
function utf16(text: string, order: "le" | "be", bom: boolean): Uint8Array {
  const units = [...(bom ? [0xfeff] : []), ...[...text].map((c) => c.charCodeAt(0))];
  const out = new Uint8Array(units.length * 2);
  units.forEach((u, i) => {
    out[2 * i + (order === "le" ? 0 : 1)] = u & 0xff;
    out[2 * i + (order === "le" ? 1 : 0)] = u >> 8;
  });
  return out;
}

Deno.test("UTF-16 LE and BE files with a byte-order mark are decoded and read like UTF-8", () => {
  const expected = parseCsvText(TEXT, { file: "a.csv", asset: "x" }).candles;
  for (const order of ["le", "be"] as const) {
    const text = decodeCsvBytes(utf16(TEXT, order, true), "u.csv");
    assert.deepEqual(parseCsvText(text, { file: "u.csv", asset: "x" }).candles, expected, order);
  }
  const utf8Bom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(TEXT)]);
  assert.equal(decodeCsvBytes(utf8Bom, "b.csv"), TEXT);
});

Deno.test("UTF-16 without a byte-order mark is refused at line 1, naming the byte order", () => {
  for (const [order, word] of [["le", "little"], ["be", "big"]] as const) {
    assert.throws(
      () => decodeCsvBytes(utf16(TEXT, order, false), "n.csv"),
      (e: unknown) =>
        e instanceof DataError && e.where === "n.csv:1" &&
        e.message.includes(`UTF-16 (${word}-endian) without a byte-order mark`),
    );
  }
});

Deno.test("a NUL character in the text is refused on the line it is on", () => {
  const text = TEXT + "2024-01-03,1,2\u0000,0.5,1.5,10\n";
  assert.throws(
    () => parseCsvText(text, { file: "z.csv", asset: "x" }),
    (e: unknown) =>
      e instanceof DataError && e.where === "z.csv:4" && /NUL characters/.test(e.message),
  );
});

Deno.test("CR-only line ends are read as line ends, with the right line numbers", () => {
  const cr = TEXT.replaceAll("\n", "\r") + "2024-01-03,1,2,0.5,abc,10\r";
  assert.equal(prepareCsvText("a\rb\r", "f"), "a\nb\n");
  assert.equal(prepareCsvText("a\r\nb\r\n", "f"), "a\r\nb\r\n"); // CRLF is left alone
  const good = parseCsvText(TEXT.replaceAll("\n", "\r"), { file: "c.csv", asset: "x" });
  assert.deepEqual(good.candles, parseCsvText(TEXT, { file: "a.csv", asset: "x" }).candles);
  assert.throws(
    () => parseCsvText(cr, { file: "c.csv", asset: "x" }),
    (e: unknown) =>
      e instanceof DataError && e.where === "c.csv:4" && /"abc" is not a number/.test(e.message),
  );
});

Deno.test("readCsvFile decodes a UTF-16 file from disk", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeFile(`${dir}/u.csv`, utf16(TEXT, "le", true));
    assert.equal(await readCsvFile(`${dir}/u.csv`), TEXT);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
