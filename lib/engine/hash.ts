/**
 * SHA-256 for the reproducibility manifest, from `node:crypto`'s `createHash` (native and
 * synchronous, so the engine stays synchronous; `crypto.subtle` is async).
 *
 * A hash is a pure function of its input — no IO, no clock, no randomness — so the pure layers may
 * use it; the layer check (`scripts/check_layers.ts`) lets pure modules import `createHash` and
 * nothing else from `node:crypto` (its random generators would break determinism). See
 * docs/architecture.md, "Purity".
 * @module
 */
import { createHash, type Hash } from "node:crypto";

/** Incremental SHA-256: `update` with text or bytes as often as needed, then `hex`. */
export class Sha256 {
  readonly #hash: Hash = createHash("sha256");
  #digest: string | undefined;

  /** Feeds UTF-8 text or the bytes a typed array views (only its own window of the buffer). */
  update(data: ArrayBufferView | string): this {
    if (this.#digest !== undefined) throw new Error("Cannot update a finished hash");
    if (typeof data === "string") this.#hash.update(data, "utf8");
    else this.#hash.update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    return this;
  }

  /** Finishes (once) and returns the digest as 64 lowercase hex characters. */
  hex(): string {
    this.#digest ??= this.#hash.digest("hex");
    return this.#digest;
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
