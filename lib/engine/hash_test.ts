/**
 * Known answers for the manifest's SHA-256 (FIPS 180-2 / NIST test vectors) and the data
 * checksum's byte layout, rebuilt by hand and hashed by WebCrypto — an implementation independent
 * of the `node:crypto` one under test.
 */
import assert from "node:assert/strict";
import { bars, DAY, FLAT, run, T0 } from "../../tests/helpers/engine.ts";
import { Sha256, sha256Hex } from "./hash.ts";
import { dataChecksum } from "./manifest.ts";
import type { AssetSeries, MacroInput } from "./feed.ts";

Deno.test("sha256Hex gives the FIPS 180-2 known answers", () => {
  assert.equal(
    sha256Hex(""),
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  );
  assert.equal(
    sha256Hex("abc"),
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  );
  assert.equal(
    sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
  );
  assert.equal(
    sha256Hex("a".repeat(1_000_000)),
    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
  );
});

Deno.test("Sha256 hashes text as UTF-8 and a typed array as only the bytes it views", () => {
  // "€" is E2 82 AC in UTF-8: hashing the text equals hashing those three bytes.
  assert.equal(
    new Sha256().update("€").hex(),
    new Sha256().update(new Uint8Array([0xe2, 0x82, 0xac])).hex(),
  );
  // A subarray of a larger buffer contributes its own 16 bytes, not the whole buffer.
  const big = new Float64Array([1, 2, 3, 4]);
  assert.equal(
    new Sha256().update(big.subarray(1, 3)).hex(),
    new Sha256().update(new Float64Array([2, 3])).hex(),
  );
  // Feeding in pieces equals feeding at once; a finished hash refuses more input.
  const h = new Sha256().update("ab").update("c");
  assert.equal(h.hex(), sha256Hex("abc"));
  assert.equal(h.hex(), sha256Hex("abc"), "hex() may be read twice");
  assert.throws(() => h.update("d"), /finished/);
});

/** The checksum's documented byte stream, assembled with a DataView (little-endian float64). */
function checksumBytes(
  series: readonly AssetSeries[],
  macro: readonly MacroInput[],
): Uint8Array<ArrayBuffer> {
  const parts: Uint8Array[] = [];
  const text = (t: string) => parts.push(new TextEncoder().encode(t));
  const floats = (xs: ArrayLike<number>) => {
    const b = new Uint8Array(xs.length * 8);
    const dv = new DataView(b.buffer);
    for (let i = 0; i < xs.length; i++) dv.setFloat64(i * 8, xs[i], true);
    parts.push(b);
  };
  for (const s of series) {
    text(`${s.asset}\n`);
    [s.ts, s.open, s.high, s.low, s.close, s.volume].forEach(floats);
  }
  for (const m of macro) {
    text(`${m.series}\n`);
    [m.ts, m.value, m.availableAt].forEach(floats);
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

Deno.test("the data checksum is the SHA-256 of the documented byte stream", async () => {
  const btc = bars("btc", [FLAT, [100, 101, 99, 100.5]]);
  const eth = bars("eth", [[50, 51, 49, 50.25]], 1);
  const macro: MacroInput = { series: "VIX", ts: [T0], value: [12.5], availableAt: [T0 + DAY] };
  const stream = checksumBytes([btc, eth], [macro]);
  // "btc\n" (4 bytes) + 6 columns × 2 bars × 8, "eth\n" + 6 × 1 × 8, "VIX\n" + 3 × 8.
  assert.equal(stream.length, 4 + 96 + 4 + 48 + 4 + 24);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", stream));
  const expected = [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
  assert.equal(dataChecksum([btc, eth], [macro]), expected);
  // The engine records the same value when it computes the checksum itself.
  const r = run([btc, eth], {}, { macro: [macro] });
  assert.equal(r.manifest.dataChecksum, expected);
});

Deno.test("a checksum passed in is recorded as given", () => {
  const r = run([bars("btc", [FLAT, FLAT])], {}, { dataChecksum: "given-by-the-service" });
  assert.equal(r.manifest.dataChecksum, "given-by-the-service");
});

Deno.test("a run validates its bars unless the caller says it did (seriesValidated), with the same result", () => {
  const good = bars("btc", [FLAT, FLAT, FLAT]);
  const a = run([good], {}), b = run([good], {}, { seriesValidated: true });
  assert.deepEqual(b.metrics, a.metrics);
  assert.equal(b.manifest.configHash, a.manifest.configHash);
  const bad = { ...good, high: Float64Array.from(good.high) };
  bad.high[1] = bad.low[1] / 2;
  assert.throws(() => run([bad], {}), /Cannot use btc bar 1/);
});
