/**
 * SHA-256 in plain, synchronous TypeScript (FIPS 180-4), for the reproducibility manifest: the
 * engine stays pure and synchronous, so it cannot use the async `crypto.subtle`.
 * @module
 */

const K = new Int32Array([
  0x428a2f98,
  0x71374491,
  0xb5c0fbcf,
  0xe9b5dba5,
  0x3956c25b,
  0x59f111f1,
  0x923f82a4,
  0xab1c5ed5,
  0xd807aa98,
  0x12835b01,
  0x243185be,
  0x550c7dc3,
  0x72be5d74,
  0x80deb1fe,
  0x9bdc06a7,
  0xc19bf174,
  0xe49b69c1,
  0xefbe4786,
  0x0fc19dc6,
  0x240ca1cc,
  0x2de92c6f,
  0x4a7484aa,
  0x5cb0a9dc,
  0x76f988da,
  0x983e5152,
  0xa831c66d,
  0xb00327c8,
  0xbf597fc7,
  0xc6e00bf3,
  0xd5a79147,
  0x06ca6351,
  0x14292967,
  0x27b70a85,
  0x2e1b2138,
  0x4d2c6dfc,
  0x53380d13,
  0x650a7354,
  0x766a0abb,
  0x81c2c92e,
  0x92722c85,
  0xa2bfe8a1,
  0xa81a664b,
  0xc24b8b70,
  0xc76c51a3,
  0xd192e819,
  0xd6990624,
  0xf40e3585,
  0x106aa070,
  0x19a4c116,
  0x1e376c08,
  0x2748774c,
  0x34b0bcb5,
  0x391c0cb3,
  0x4ed8aa4a,
  0x5b9cca4f,
  0x682e6ff3,
  0x748f82ee,
  0x78a5636f,
  0x84c87814,
  0x8cc70208,
  0x90befffa,
  0xa4506ceb,
  0xbef9a3f7,
  0xc67178f2,
]);

/** Incremental SHA-256: `update` with bytes as often as needed, then `hex`. */
export class Sha256 {
  readonly #h = new Uint32Array([
    0x6a09e667,
    0xbb67ae85,
    0x3c6ef372,
    0xa54ff53a,
    0x510e527f,
    0x9b05688c,
    0x1f83d9ab,
    0x5be0cd19,
  ]);
  readonly #w = new Int32Array(64);
  readonly #buf = new Uint8Array(64);
  #bufLen = 0;
  #bytes = 0;
  #done = false;

  /** Feeds bytes (or the bytes of a typed array). */
  update(data: Uint8Array | ArrayBufferView | string): this {
    if (this.#done) throw new Error("Cannot update a finished hash");
    const bytes = typeof data === "string"
      ? new TextEncoder().encode(data)
      : data instanceof Uint8Array
      ? data
      : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    this.#bytes += bytes.length;
    let i = 0;
    if (this.#bufLen > 0) {
      const take = Math.min(64 - this.#bufLen, bytes.length);
      this.#buf.set(bytes.subarray(0, take), this.#bufLen);
      this.#bufLen += take;
      i = take;
      if (this.#bufLen === 64) {
        this.#block(this.#buf, 0);
        this.#bufLen = 0;
      }
    }
    for (; i + 64 <= bytes.length; i += 64) this.#block(bytes, i);
    if (i < bytes.length) {
      this.#buf.set(bytes.subarray(i), 0);
      this.#bufLen = bytes.length - i;
    }
    return this;
  }

  /** Finishes and returns the digest as 64 lowercase hex characters. */
  hex(): string {
    if (!this.#done) {
      const bits = this.#bytes * 8;
      const pad = new Uint8Array(((this.#bufLen + 8) >> 6) * 64 + 64 - this.#bufLen);
      pad[0] = 0x80;
      const dv = new DataView(pad.buffer);
      dv.setUint32(pad.length - 8, Math.floor(bits / 0x100000000));
      dv.setUint32(pad.length - 4, bits >>> 0);
      this.update(pad);
      this.#done = true;
    }
    let out = "";
    for (const v of this.#h) out += v.toString(16).padStart(8, "0");
    return out;
  }

  #block(b: Uint8Array, o: number): void {
    const w = this.#w, h = this.#h;
    for (let t = 0; t < 16; t++) {
      const j = o + t * 4;
      w[t] = (b[j] << 24) | (b[j + 1] << 16) | (b[j + 2] << 8) | b[j + 3];
    }
    for (let t = 16; t < 64; t++) {
      const x = w[t - 15], y = w[t - 2];
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      w[t] = (w[t - 16] + s0 + w[t - 7] + s1) | 0;
    }
    let a = h[0] | 0, bb = h[1] | 0, c = h[2] | 0, d = h[3] | 0;
    let e = h[4] | 0, f = h[5] | 0, g = h[6] | 0, hh = h[7] | 0;
    for (let t = 0; t < 64; t++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const ch = (e & f) ^ (~e & g);
      const t1 = (hh + S1 + ch + K[t] + w[t]) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const maj = (a & bb) ^ (a & c) ^ (bb & c);
      const t2 = (S0 + maj) | 0;
      hh = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = bb;
      bb = a;
      a = (t1 + t2) | 0;
    }
    h[0] += a;
    h[1] += bb;
    h[2] += c;
    h[3] += d;
    h[4] += e;
    h[5] += f;
    h[6] += g;
    h[7] += hh;
  }
}

/** SHA-256 of a string (UTF-8) as hex. */
export function sha256Hex(text: string): string {
  return new Sha256().update(text).hex();
}

/**
 * JSON with object keys sorted at every level, so that equal configurations hash equally
 * whatever order their keys were written in. Non-finite numbers become `null`, as in JSON.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => {
    if (typeof v === "number" && !Number.isFinite(v)) return null;
    if (v && typeof v === "object" && !Array.isArray(v) && !ArrayBuffer.isView(v)) {
      return Object.fromEntries(
        Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]]),
      );
    }
    return v;
  });
}
