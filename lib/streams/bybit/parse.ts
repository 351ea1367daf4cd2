/**
 * Bybit v5 public-stream frames and the REST bodies the streams need, validated by hand. Pure.
 *
 * Frames: `orderbook.{depth}.{symbol}` snapshot/delta (`data: {s,b,a,u,seq}`, `ts`, `cts`),
 * `tickers.{symbol}` snapshot/delta (deltas carry only the fields that changed; every value is a
 * string, `""` where it does not apply), pongs (`{"op":"ping","ret_msg":"pong",…}` on spot and
 * linear, `{"op":"pong","args":[…]}` elsewhere) and op answers (`subscribe` success or failure).
 * Key order differs between spot and futures frames; nothing here depends on it. REST:
 * `/v5/market/orderbook`, `/v5/market/tickers`, `/v5/market/funding/history`, inside the
 * `{retCode,retMsg,result,…}` envelope (a `retCode` other than 0 is an {@link ExchangeError}).
 * @module
 */
import { escapeControls, excerpt } from "../../core/text.ts";
import { ExchangeError, FrameError } from "../errors.ts";
import { checkLevels } from "../levels.ts";
import { type BybitBookMessage, scanBybitBook } from "./book_scan.ts";
import type { DepthSnapshot } from "../sync.ts";
import {
  asObj,
  decimal,
  decimalOrEmpty,
  isObj,
  type Obj,
  parseJson,
  path,
  show,
  str,
  uint,
  uintStringOrEmpty,
} from "../validate.ts";

export type { BybitBookMessage } from "./book_scan.ts";

/**
 * Ticker fields the streams use. In a delta, a field that did not change is absent
 * (`undefined`); `null` means the exchange sent `""` (not applicable, e.g. dated futures).
 */
export interface BybitTickerFields {
  /** Current funding rate. */
  readonly fundingRate?: string | null;
  /** Next funding time, ms. */
  readonly nextFundingTimeMs?: number | null;
  /** Hours between fundings. */
  readonly fundingIntervalHours?: number | null;
  /** Funding rate cap. */
  readonly fundingCap?: string | null;
  /** Mark price. */
  readonly markPrice?: string | null;
  /** Index price. */
  readonly indexPrice?: string | null;
  /** Last traded price. */
  readonly lastPrice?: string | null;
}

/** A `tickers.{symbol}` message (or one entry of the REST tickers list, as a snapshot). */
export interface BybitTicker {
  /** Symbol. */
  readonly symbol: string;
  /** `snapshot` carries every field; `delta` only the changed ones. */
  readonly type: "snapshot" | "delta";
  /** Message time, ms (`null` for REST entries, which carry the envelope time only). */
  readonly tsMs: number | null;
  /** Cross sequence, or `null`. */
  readonly cs: number | null;
  /** The fields present in the message. */
  readonly fields: BybitTickerFields;
}

/** One parsed frame. */
export type BybitFrame =
  | { readonly kind: "book"; readonly book: BybitBookMessage }
  | { readonly kind: "ticker"; readonly ticker: BybitTicker }
  | { readonly kind: "pong"; readonly connId: string | null }
  | {
    readonly kind: "op";
    readonly op: string;
    readonly success: boolean;
    /** `ret_msg`, capped; on a failed subscribe it names the topic. */
    readonly message: string;
    readonly reqId: string | null;
    readonly connId: string | null;
  }
  /** A well-formed topic this layer does not track (`publicTrade.BTCUSDT`, …). */
  | { readonly kind: "ignored"; readonly topic: string };

function cleanText(s: string): string {
  return escapeControls(excerpt(s), { singleLine: true });
}

function optString(o: Obj, key: string): string | null {
  return typeof o[key] === "string" ? cleanText(o[key] as string) : null;
}

/**
 * Parses one frame of a Bybit v5 public connection. Throws {@link FrameError} naming the field
 * when it is not JSON or not what Bybit documents.
 *
 * @example
 * ```ts
 * import { parseBybitFrame } from "./parse.ts";
 * const f = parseBybitFrame(
 *   '{"topic":"orderbook.50.BTCUSDT","type":"delta","ts":1,"data":{"s":"BTCUSDT","b":[],"a":[["30248.70","0"]],"u":177400507,"seq":1},"cts":1}',
 * );
 * f.kind === "book" && f.book.u; // 177400507
 * ```
 */
export function parseBybitFrame(text: string): BybitFrame {
  // book frames written the plain way are read in one pass; everything else, valid or not, here
  const fast = scanBybitBook(text);
  if (fast !== undefined) return fast;
  const where = "bybit frame";
  const o = parseJson(text, where);
  if (!isObj(o)) throw new FrameError(where, "(root)", `expected an object, got ${show(o)}`);
  if (typeof o.topic === "string") {
    if (o.topic.startsWith("orderbook.")) return { kind: "book", book: parseBook(o, where) };
    if (o.topic.startsWith("tickers.")) {
      return { kind: "ticker", ticker: parseTickerFrame(o, `bybit ${cleanText(o.topic)}`) };
    }
    return { kind: "ignored", topic: cleanText(o.topic) };
  }
  if (typeof o.op === "string") {
    if (o.op === "pong" || (o.op === "ping" && o.ret_msg === "pong")) {
      return { kind: "pong", connId: optString(o, "conn_id") };
    }
    if (typeof o.success !== "boolean") {
      throw new FrameError(where, "success", `expected true or false, got ${show(o.success)}`);
    }
    return {
      kind: "op",
      op: cleanText(o.op),
      success: o.success,
      message: optString(o, "ret_msg") ?? "",
      reqId: optString(o, "req_id"),
      connId: optString(o, "conn_id"),
    };
  }
  throw new FrameError(where, "topic", `unrecognised frame ${show(o)}`);
}

const BOOK_TOPIC = /^orderbook\.(\d{1,4})\.([A-Z0-9_-]{1,40})$/;

function parseBook(o: Obj, frameWhere: string): BybitBookMessage {
  const topic = o.topic as string;
  const m = BOOK_TOPIC.exec(topic);
  if (!m) {
    throw new FrameError(
      frameWhere,
      "topic",
      `expected orderbook.{depth}.{SYMBOL}, got ${show(topic)}`,
    );
  }
  const where = `bybit ${topic}`;
  const type = o.type;
  if (type !== "snapshot" && type !== "delta") {
    throw new FrameError(where, "type", `expected "snapshot" or "delta", got ${show(type)}`);
  }
  const d = asObj(o.data, where, "data");
  const symbol = str(d, "s", where, "data");
  if (symbol !== m[2]) {
    throw new FrameError(where, "data.s", `symbol ${show(symbol)} is not the topic's ${m[2]}`);
  }
  return {
    topic,
    depth: Number(m[1]),
    symbol,
    type,
    u: uint(d, "u", where, "data"),
    seq: uint(d, "seq", where, "data"),
    tsMs: uint(o, "ts", where),
    ctsMs: o.cts === undefined ? null : uint(o, "cts", where),
    bids: checkLevels(d.b, where, "data.b"),
    asks: checkLevels(d.a, where, "data.a"),
  };
}

/** Reads the ticker fields present in `d` (absent stays absent, `""` becomes `null`). */
function tickerFields(d: Obj, where: string, prefix: string): BybitTickerFields {
  const f: {
    -readonly [K in keyof BybitTickerFields]: BybitTickerFields[K];
  } = {};
  const dec = (key: string) => decimalOrEmpty(d, key, where, prefix);
  if ("fundingRate" in d) f.fundingRate = dec("fundingRate");
  if ("nextFundingTime" in d) {
    f.nextFundingTimeMs = uintStringOrEmpty(d, "nextFundingTime", where, prefix);
  }
  if ("fundingIntervalHour" in d) {
    const h = uintStringOrEmpty(d, "fundingIntervalHour", where, prefix);
    if (h !== null && h < 1) {
      throw new FrameError(
        where,
        path(prefix, "fundingIntervalHour"),
        `expected ≥ 1 hour, got ${h}`,
      );
    }
    f.fundingIntervalHours = h;
  }
  if ("fundingCap" in d) f.fundingCap = dec("fundingCap");
  if ("markPrice" in d) f.markPrice = dec("markPrice");
  if ("indexPrice" in d) f.indexPrice = dec("indexPrice");
  if ("lastPrice" in d) f.lastPrice = dec("lastPrice");
  return f;
}

function parseTickerFrame(o: Obj, where: string): BybitTicker {
  const type = o.type;
  if (type !== "snapshot" && type !== "delta") {
    throw new FrameError(where, "type", `expected "snapshot" or "delta", got ${show(type)}`);
  }
  const d = asObj(o.data, where, "data");
  const symbol = str(d, "symbol", where, "data");
  if (`tickers.${symbol}` !== o.topic) {
    throw new FrameError(where, "data.symbol", `symbol ${show(symbol)} is not the topic's`);
  }
  return {
    symbol,
    type,
    tsMs: uint(o, "ts", where),
    cs: o.cs === undefined ? null : uint(o, "cs", where),
    fields: tickerFields(d, where, "data"),
  };
}

/** The `result` of a REST envelope, after throwing for a `retCode` other than 0. */
function restResult(body: unknown, where: string): Obj {
  const v = typeof body === "string" ? parseJson(body, where) : body;
  const o = asObj(v, where, "(root)");
  const code = o.retCode;
  if (typeof code !== "number") {
    throw new FrameError(where, "retCode", `expected a number, got ${show(code)}`);
  }
  if (code !== 0) {
    throw new ExchangeError("bybit", where, code, cleanText(String(o.retMsg ?? "")));
  }
  return asObj(o.result, where, "result");
}

/** A REST order book: usable as a {@link DepthSnapshot} (its `u` is the last update id). */
export interface BybitOrderbookSnapshot extends DepthSnapshot {
  /** Symbol. */
  readonly symbol: string;
  /** Cross sequence. */
  readonly seq: number;
  /** Time the data was generated, ms. */
  readonly tsMs: number;
}

/** Parses `GET /v5/market/orderbook`. `where` names the request for messages. */
export function parseBybitOrderbook(body: unknown, where: string): BybitOrderbookSnapshot {
  const r = restResult(body, where);
  return {
    symbol: str(r, "s", where, "result"),
    lastUpdateId: uint(r, "u", where, "result"),
    seq: uint(r, "seq", where, "result"),
    tsMs: uint(r, "ts", where, "result"),
    bids: checkLevels(r.b, where, "result.b"),
    asks: checkLevels(r.a, where, "result.a"),
  };
}

/** Parses `GET /v5/market/tickers` into one snapshot per listed symbol. */
export function parseBybitTickers(body: unknown, where: string): BybitTicker[] {
  const r = restResult(body, where);
  if (!Array.isArray(r.list)) {
    throw new FrameError(where, "result.list", `expected a list, got ${show(r.list)}`);
  }
  return r.list.map((x, i) => {
    const prefix = `result.list[${i}]`, d = asObj(x, where, prefix);
    return {
      symbol: str(d, "symbol", where, prefix),
      type: "snapshot",
      tsMs: null,
      cs: null,
      fields: tickerFields(d, where, prefix),
    };
  });
}

/** One settled funding rate from `GET /v5/market/funding/history`. */
export interface BybitFundingRate {
  /** Symbol. */
  readonly symbol: string;
  /** The settled rate (decimal string). */
  readonly fundingRate: string;
  /** Settlement time, ms. */
  readonly fundingTimeMs: number;
}

/** Parses `GET /v5/market/funding/history` (Bybit lists the newest first). */
export function parseBybitFundingHistory(body: unknown, where: string): BybitFundingRate[] {
  const r = restResult(body, where);
  if (!Array.isArray(r.list)) {
    throw new FrameError(where, "result.list", `expected a list, got ${show(r.list)}`);
  }
  return r.list.map((x, i) => {
    const prefix = `result.list[${i}]`, d = asObj(x, where, prefix);
    const t = uintStringOrEmpty(d, "fundingRateTimestamp", where, prefix);
    if (t === null) {
      throw new FrameError(where, `${prefix}.fundingRateTimestamp`, 'expected a time, got ""');
    }
    return {
      symbol: str(d, "symbol", where, prefix),
      fundingRate: decimal(d, "fundingRate", where, prefix),
      fundingTimeMs: t,
    };
  });
}
