/**
 * Everything that enters a stream run, as one tagged event type: connection events, raw frames
 * with their receive time, REST answers (with the epoch they were requested under), timer ticks.
 * The live runner records each event (one JSON line) before the engine sees it, and a replay feeds
 * the recorded lines to the same engine: the engine is deterministic, so the replay gives the same
 * books, counters and summary. Times are UTC ms of the local clock at receipt.
 * @module
 */
import type { PlanOptions } from "./plan.ts";
import type { Exchange, Market } from "./sync.ts";

/**
 * Version of the recording format (the `start` line carries it). 2: the run's publish points are
 * recorded (`publish` events). 1 (still read): no `publish` events — a replay publishes at each
 * `tick` instead, so a detector beside it evaluates at other times than the live run did.
 */
export const RECORDING_VERSION = 2;

/** The oldest recording format a replay reads. */
export const OLDEST_RECORDING_VERSION = 1;

/** One event of a stream run (one line of a recording). */
export type StreamEvent =
  /** First line: the plan the run was started with. */
  | { readonly t: "start"; readonly at: number; readonly v: number; readonly plan: PlanOptions }
  /** Connection `c` opened (`handover`: a proactive replacement of a still-open connection). */
  | { readonly t: "open"; readonly at: number; readonly c: string; readonly handover?: boolean }
  /** Connection `c` closed (`handover`: the replaced connection, closed without a gap). */
  | {
    readonly t: "close";
    readonly at: number;
    readonly c: string;
    readonly code: number;
    readonly clean: boolean;
    readonly reason?: string;
    readonly handover?: boolean;
  }
  /** A text frame `d` received on connection `c`. */
  | { readonly t: "frame"; readonly at: number; readonly c: string; readonly d: string }
  /**
   * The answer to a depth snapshot request of `book` (`binance:spot:BTCUSDT`) made under
   * `epoch`: the body of a 2xx, or the error (with the server's Retry-After, ms).
   */
  | {
    readonly t: "snapshot";
    readonly at: number;
    readonly book: string;
    readonly epoch: number;
    readonly body?: string;
    readonly error?: string;
    readonly retryAfterMs?: number;
  }
  /** The answer of Binance `/fapi/v1/fundingInfo` (funding intervals). */
  | {
    readonly t: "fundingInfo";
    readonly at: number;
    readonly body?: string;
    readonly error?: string;
  }
  /**
   * The answer of an exchange's symbol metadata (instruments) request for `market`: Binance spot
   * `/api/v3/exchangeInfo` (`symbols` asked; one symbol per request after a `-1121`), Binance
   * USDⓈ-M `/fapi/v1/exchangeInfo` (every symbol: `symbols` empty), Bybit
   * `/v5/market/instruments-info` (one symbol). `body`: the 2xx body, or the body of an HTTP
   * error with its `status`; `error`: why there is no usable answer (network, 5xx, 429, …).
   */
  | {
    readonly t: "instruments";
    readonly at: number;
    readonly exchange: Exchange;
    readonly market: Market;
    readonly symbols: readonly string[];
    readonly body?: string;
    readonly status?: number;
    readonly error?: string;
  }
  /** The timer (about once a second): stale detection, overdue snapshots. */
  | { readonly t: "tick"; readonly at: number }
  /**
   * A publish point (live: every `publishEveryMs`, 100 ms): the books and funding that changed
   * since the previous one were published to the cache at `at`, in this order relative to the
   * other events. A replay publishes exactly here, with `at` as the clock; the engine ignores it.
   */
  | { readonly t: "publish"; readonly at: number }
  /** A text frame sent on connection `c` (recorded for the reader; the engine ignores it). */
  | { readonly t: "sent"; readonly at: number; readonly c: string; readonly d: string }
  /** The run stopped (Ctrl-C, SIGTERM, `--for`); the engine ignores it. */
  | { readonly t: "stop"; readonly at: number; readonly reason: string };

/** The event kinds, for validating a recording. */
export const EVENT_KINDS: ReadonlySet<string> = new Set([
  "start",
  "open",
  "close",
  "frame",
  "snapshot",
  "fundingInfo",
  "instruments",
  "tick",
  "publish",
  "sent",
  "stop",
]);
