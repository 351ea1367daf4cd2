/**
 * Recordings of stream runs (IO): one {@link StreamEvent} per JSON line, gzip-compressed when
 * the file name ends in `.gz`, rotated by size into numbered parts (`btc.jsonl.gz`,
 * `btc.1.jsonl.gz`, `btc.2.jsonl.gz`, …; each part is a complete file, gzip included). A replay
 * reads the parts in order. The folder is created when missing.
 * @module
 */
import { DataError } from "../core/errors.ts";
import { excerpt } from "../core/text.ts";
import { EVENT_KINDS, type StreamEvent } from "./events.ts";

/** Default size of one part before rotation, bytes of JSON text (256 MiB). */
export const DEFAULT_PART_BYTES = 256 * 1024 * 1024;

/** Path of part `n` of a recording (`n = 0` is the path itself). */
export function partPath(path: string, n: number): string {
  if (n === 0) return path;
  const gz = path.endsWith(".gz");
  const stem = gz ? path.slice(0, -3) : path;
  const slash = stem.lastIndexOf("/");
  const dot = stem.lastIndexOf(".");
  const base = dot > slash + 1 ? `${stem.slice(0, dot)}.${n}${stem.slice(dot)}` : `${stem}.${n}`;
  return gz ? `${base}.gz` : base;
}

interface Part {
  readonly writer: WritableStreamDefaultWriter<Uint8Array>;
  readonly done: Promise<void>;
}

async function openPart(path: string): Promise<Part> {
  const file = await Deno.open(path, { write: true, create: true, truncate: true });
  if (!path.endsWith(".gz")) {
    return { writer: file.writable.getWriter(), done: Promise.resolve() };
  }
  const gzip = new CompressionStream("gzip");
  const done = gzip.readable.pipeTo(file.writable);
  return { writer: gzip.writable.getWriter() as WritableStreamDefaultWriter<Uint8Array>, done };
}

/** Writes a recording; lines are buffered and written in batches (see {@link Recorder.flush}). */
export class Recorder {
  /** The recording's file name (rotated parts get `.1`, `.2`, … appended). */
  readonly path: string;
  readonly #partBytes: number;
  readonly #enc = new TextEncoder();
  #part: Part | null = null;
  #partNo = 0;
  /** JSON characters assigned to the current part (written or pending). */
  #partUsed = 0;
  #pending: string[] = [];
  #pendingChars = 0;
  #chain: Promise<void> = Promise.resolve();
  #error: Error | null = null;
  /** Events written. */
  events = 0;
  /** Parts started. */
  parts = 0;

  private constructor(path: string, partBytes: number) {
    this.path = path;
    this.#partBytes = partBytes;
  }

  /** Creates the folder and the first part; throws when the file cannot be created. */
  static async open(path: string, options: { partBytes?: number } = {}): Promise<Recorder> {
    const slash = path.lastIndexOf("/");
    if (slash > 0) await Deno.mkdir(path.slice(0, slash), { recursive: true });
    const r = new Recorder(path, options.partBytes ?? DEFAULT_PART_BYTES);
    r.#part = await openPart(path);
    r.parts = 1;
    return r;
  }

  /** Queues one event (written at the next flush, or when 64 KiB are pending). */
  write(event: StreamEvent): void {
    if (this.#error) throw this.#error;
    const line = JSON.stringify(event) + "\n";
    if (this.#partUsed > 0 && this.#partUsed + line.length > this.#partBytes) {
      void this.flush();
      this.#chain = this.#chain.then(() => this.#rotate()).catch((e) => {
        this.#error ??= e as Error;
      });
      this.#partUsed = 0;
    }
    this.#partUsed += line.length;
    this.#pending.push(line);
    this.#pendingChars += line.length;
    this.events++;
    if (this.#pendingChars >= 65_536) void this.flush();
  }

  /** Writes what is pending (rotating when the part is full); resolves when it is written. */
  flush(): Promise<void> {
    if (this.#pending.length === 0) return this.#chain;
    const text = this.#pending.join("");
    this.#pending = [];
    this.#pendingChars = 0;
    this.#chain = this.#chain.then(() => this.#writeText(text)).catch((e) => {
      this.#error ??= e as Error;
    });
    return this.#chain;
  }

  async #writeText(text: string): Promise<void> {
    if (this.#part) await this.#part.writer.write(this.#enc.encode(text));
  }

  async #rotate(): Promise<void> {
    await this.#closePart();
    this.#partNo++;
    this.#part = await openPart(partPath(this.path, this.#partNo));
    this.parts++;
  }

  async #closePart(): Promise<void> {
    const p = this.#part;
    this.#part = null;
    if (!p) return;
    await p.writer.close();
    await p.done;
  }

  /** Flushes and closes the file (the gzip trailer is written here). */
  async close(): Promise<void> {
    await this.flush();
    this.#chain = this.#chain.then(() => this.#closePart());
    await this.#chain;
    if (this.#error) throw this.#error;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

function checkEvent(v: unknown, where: string): StreamEvent {
  const o = v as Record<string, unknown>;
  if (typeof o !== "object" || o === null || !EVENT_KINDS.has(o.t as string)) {
    throw new DataError(`not a stream event: ${excerpt(JSON.stringify(v) ?? "", 80)}`, where);
  }
  if (typeof o.at !== "number" || !Number.isFinite(o.at)) {
    throw new DataError(`event "${o.t}" has no time "at"`, where);
  }
  if ((o.t === "frame" || o.t === "sent") && typeof o.d !== "string") {
    throw new DataError(`event "${o.t}" has no text "d"`, where);
  }
  return v as StreamEvent;
}

async function* linesOf(path: string): AsyncGenerator<string> {
  const file = await Deno.open(path, { read: true });
  let stream = file.readable as ReadableStream<Uint8Array<ArrayBuffer>>;
  if (path.endsWith(".gz")) {
    stream = stream.pipeThrough(new DecompressionStream("gzip")) as ReadableStream<
      Uint8Array<ArrayBuffer>
    >;
  }
  let rest = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    rest += chunk;
    let nl: number;
    while ((nl = rest.indexOf("\n")) >= 0) {
      yield rest.slice(0, nl);
      rest = rest.slice(nl + 1);
    }
  }
  if (rest !== "") yield rest;
}

/**
 * Reads a recording (every part, in order) as events. A line that is not a stream event throws a
 * {@link DataError} naming `file:line`; a truncated last line (a run killed mid-write) too.
 */
export async function* readRecording(path: string): AsyncGenerator<StreamEvent> {
  for (let n = 0; n === 0 || await exists(partPath(path, n)); n++) {
    const file = partPath(path, n);
    let line = 0;
    try {
      for await (const text of linesOf(file)) {
        line++;
        if (text.trim() === "") continue;
        let v: unknown;
        try {
          v = JSON.parse(text);
        } catch {
          throw new DataError(`not JSON: ${excerpt(text, 60)}`, `${file}:${line}`);
        }
        yield checkEvent(v, `${file}:${line}`);
      }
    } catch (e) {
      if (e instanceof DataError || e instanceof Deno.errors.NotFound) throw e;
      throw new DataError(`cannot read: ${(e as Error).message}`, `${file}:${line + 1}`);
    }
  }
}
