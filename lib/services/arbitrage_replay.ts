/**
 * The detector over a recording: a file of published books and funding states — JSON lines
 * (optionally gzipped, `.gz`), one {@link PublishedBook} / {@link PublishedFunding} per line or
 * `{"channel": …, "message": …}` as a cache subscriber sees them, or one JSON array of them (a
 * file of book snapshots). The whole file is read and checked before the first alert, so a bad
 * line fails the replay (naming file:line) with nothing stored. Time is each message's
 * `receivedAtMs`: the same file gives the same alerts every time. With `latencyMs`, each opened
 * alert is also scored against the books that many ms later ({@link evaluateAlert}).
 * @module
 */
import { DataError } from "../core/errors.ts";
import type { ArbitrageAlert } from "../streams/arbitrage/alert.ts";
import { bookProblem, fundingProblem } from "../streams/arbitrage/books.ts";
import type { ArbitrageDetector } from "../streams/arbitrage/detector.ts";
import { type AlertEvaluation, evaluateAlert } from "../streams/arbitrage/evaluate.ts";
import { bookId } from "../streams/sync.ts";
import type { PublishedBook, PublishedFunding } from "../streams/published.ts";
import type { AlertFanout } from "./arbitrage_runner.ts";

/** One message of a recording. */
export type RecordedMessage =
  | { readonly kind: "book"; readonly book: PublishedBook; readonly line: number }
  | { readonly kind: "funding"; readonly funding: PublishedFunding; readonly line: number };

/** What a replay did. */
export interface ReplaySummary {
  /** Messages replayed. */
  readonly messages: number;
  /** Alerts emitted. */
  readonly alerts: number;
  /** First and last message time, UTC ms. */
  readonly fromMs: number;
  /** Last message time. */
  readonly toMs: number;
  /** Evaluations (with `latencyMs`). */
  readonly evaluations: readonly AlertEvaluation[];
}

function classify(v: unknown, where: string, line: number): RecordedMessage {
  const m = (typeof v === "object" && v !== null && "message" in v && "channel" in v)
    ? (v as { message: unknown }).message
    : v;
  if (typeof m === "object" && m !== null && "bids" in m) {
    const why = bookProblem(m);
    if (why) throw new DataError(`${where}:${line}: ${why}`);
    return { kind: "book", book: m as PublishedBook, line };
  }
  if (typeof m === "object" && m !== null && "rate" in m) {
    const why = fundingProblem(m);
    if (why) throw new DataError(`${where}:${line}: ${why}`);
    return { kind: "funding", funding: m as PublishedFunding, line };
  }
  throw new DataError(
    `${where}:${line}: not a published book or funding state (a recording of raw exchange ` +
      "frames, from deno task stream --record, is replayed with its arbitrage alerts by " +
      "deno task stream --replay FILE --arbitrage)",
  );
}

/** Reads and checks a recording (see the module documentation). */
export async function readRecording(path: string): Promise<RecordedMessage[]> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (e) {
    throw new DataError(`Cannot read ${path}: ${(e as Error).message}`);
  }
  if (path.endsWith(".gz")) {
    const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(
      new DecompressionStream("gzip"),
    );
    try {
      bytes = new Uint8Array(await new Response(stream).arrayBuffer());
    } catch (e) {
      throw new DataError(`${path}: not a gzip file (${(e as Error).message})`);
    }
  }
  const text = new TextDecoder().decode(bytes);
  if (text.trimStart().startsWith("[")) {
    let all: unknown;
    try {
      all = JSON.parse(text);
    } catch (e) {
      throw new DataError(`${path}: not a JSON array (${(e as Error).message})`);
    }
    return (all as unknown[]).map((v, i) => classify(v, `${path} item`, i + 1));
  }
  const out: RecordedMessage[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() === "") continue;
    let v: unknown;
    try {
      v = JSON.parse(lines[i]);
    } catch {
      throw new DataError(`${path}:${i + 1}: not JSON`);
    }
    out.push(classify(v, path, i + 1));
  }
  return out;
}

function timeOf(m: RecordedMessage): number {
  return m.kind === "book" ? m.book.receivedAtMs : m.funding.receivedAtMs;
}

/**
 * Replays `messages` through `detector`, emitting alerts to `fanout`; open opportunities close
 * at the end as `end of replay`.
 */
export async function replayArbitrage(
  messages: readonly RecordedMessage[],
  o: { detector: ArbitrageDetector; fanout: AlertFanout; latencyMs?: number },
): Promise<ReplaySummary> {
  const d = o.detector;
  const pending: { alert: ArbitrageAlert; dueMs: number }[] = [];
  const evaluations: AlertEvaluation[] = [];
  const judge = (nowMs: number, all: boolean) => {
    while (pending.length > 0 && (all || pending[0].dueMs <= nowMs)) {
      const { alert, dueMs } = pending.shift()!;
      const buy = d.book(bookId(alert.buy)), sell = d.book(bookId(alert.sell));
      const late = all && dueMs > nowMs;
      const books = late ? {} : { buy, sell };
      const e = evaluateAlert(
        alert,
        { ...books, nowMs: dueMs, maxAgeMs: d.settings.maxAgeMs },
        o.latencyMs!,
      );
      evaluations.push(e);
    }
  };
  const emit = (alerts: ArbitrageAlert[]) => {
    o.fanout.emit(alerts);
    if (o.latencyMs === undefined) return;
    for (const a of alerts) {
      if (a.event === "opened") pending.push({ alert: a, dueMs: Date.parse(a.at) + o.latencyMs });
    }
  };
  let now = messages.length > 0 ? timeOf(messages[0]) : 0;
  for (const m of messages) {
    now = Math.max(now, timeOf(m));
    // the books as they were at each due time: judged before the first message after it
    if (o.latencyMs !== undefined) judge(now - 1, false);
    if (m.kind === "funding") {
      d.onFunding(m.funding);
      continue;
    }
    emit(d.tick(now));
    emit(d.onBook(m.book, now));
  }
  if (o.latencyMs !== undefined) judge(now, true);
  emit(d.closeAll(now, "end of replay"));
  await o.fanout.settle();
  return {
    messages: messages.length,
    alerts: o.fanout.count,
    fromMs: messages.length > 0 ? timeOf(messages[0]) : 0,
    toMs: now,
    evaluations,
  };
}
