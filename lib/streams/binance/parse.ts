/**
 * Binance market-stream frames and the REST bodies the streams need, validated by hand (this runs
 * on every frame; see `lib/streams/validate.ts` for why not zod). Pure.
 *
 * Frames: `depthUpdate` (spot `U`/`u`; USDⓈ-M adds `pu` and `T`), spot partial depth
 * `{lastUpdateId,bids,asks}`, `markPriceUpdate` (alone or as the `!markPrice@arr` array), the
 * combined-stream envelope `{stream,data}`, `serverShutdown`, and the answers to subscribe
 * requests (`{"result":null,"id":1}`, `{"error":{"code":2,"msg":"…"},"id":1}`). REST: depth
 * snapshots (`/api/v3/depth`, `/fapi/v1/depth`), `/fapi/v1/premiumIndex`,
 * `/fapi/v1/fundingRate` (history), `/fapi/v1/fundingInfo` (interval per symbol), and the error
 * body `{"code":-1121,"msg":"Invalid symbol."}`.
 * @module
 */
import { escapeControls, excerpt } from "../../core/text.ts";
import { ExchangeError, FrameError } from "../errors.ts";
import { checkLevels } from "../levels.ts";
import { type BinanceDepth, scanBinanceDepth } from "./depth_scan.ts";
import type { DepthSnapshot, Market } from "../sync.ts";
import {
  asObj,
  decimal,
  decimalOrEmpty,
  int,
  isObj,
  type Obj,
  parseJson,
  path,
  show,
  str,
  uint,
} from "../validate.ts";

export type { BinanceDepth } from "./depth_scan.ts";

/** A depth snapshot from REST (or a spot partial-depth frame), with the times USDⓈ-M adds. */
export interface BinanceDepthSnapshot extends DepthSnapshot {
  /** Message output time, ms (USDⓈ-M), or `null`. */
  readonly eventTimeMs: number | null;
  /** Transaction time, ms (USDⓈ-M), or `null`. */
  readonly transactTimeMs: number | null;
}

/** A mark-price update, which carries the funding rate. */
export interface BinanceMarkPrice {
  /** Symbol. */
  readonly symbol: string;
  /** Mark price (decimal string). */
  readonly markPrice: string;
  /** Index price (decimal string). */
  readonly indexPrice: string;
  /** Estimated settle price, or `null` when absent. */
  readonly estimatedSettlePrice: string | null;
  /** Current funding rate, or `null` for delivery contracts (`r: ""`). */
  readonly fundingRate: string | null;
  /** Next funding time, ms, or `null` for delivery contracts (`T: 0`). */
  readonly nextFundingTimeMs: number | null;
  /** Event time, ms. */
  readonly eventTimeMs: number;
}

/** One parsed frame. `stream` is the combined-stream name, or `null` on a raw stream. */
export type BinanceFrame =
  | { readonly kind: "depth"; readonly stream: string | null; readonly depth: BinanceDepth }
  | {
    readonly kind: "partialDepth";
    readonly stream: string | null;
    readonly snapshot: BinanceDepthSnapshot;
  }
  | {
    readonly kind: "markPrice";
    readonly stream: string | null;
    readonly updates: readonly BinanceMarkPrice[];
  }
  | {
    readonly kind: "serverShutdown";
    readonly stream: string | null;
    readonly eventTimeMs: number;
  }
  | { readonly kind: "response"; readonly id: number | string | null; readonly result: unknown }
  | {
    readonly kind: "error";
    readonly id: number | string | null;
    readonly code: number;
    readonly message: string;
  }
  /** A well-formed event this layer does not track (`aggTrade`, `kline`, …). */
  | { readonly kind: "ignored"; readonly stream: string | null; readonly event: string };

/**
 * Parses one WebSocket frame from a `market` connection. Throws {@link FrameError} naming the
 * field when the frame is not JSON or not what Binance documents: on USDⓈ-M a depth update
 * without `pu` is malformed; on spot, `pu` is ignored.
 *
 * @example
 * ```ts
 * import { parseBinanceFrame } from "./parse.ts";
 * const f = parseBinanceFrame(
 *   '{"e":"depthUpdate","E":1,"s":"BNBBTC","U":157,"u":160,"b":[["0.0024","10"]],"a":[]}',
 *   "spot",
 * );
 * f.kind === "depth" && f.depth.u; // 160
 * ```
 */
export function parseBinanceFrame(text: string, market: Market): BinanceFrame {
  // depth events written the plain way are read in one pass; everything else, valid or not, here
  const fast = scanBinanceDepth(text, market);
  if (fast !== undefined) return fast;
  const where = market === "spot" ? "binance spot frame" : `binance ${market} frame`;
  const root = parseJson(text, where);
  if (Array.isArray(root)) return parsePayload(root, null, market, where, ""); // raw !markPrice@arr
  if (!isObj(root)) throw new FrameError(where, "(root)", `expected an object, got ${show(root)}`);
  if (typeof root.stream === "string" && "data" in root) {
    return parsePayload(root.data, root.stream, market, where, "data");
  }
  if ("result" in root && "id" in root) {
    return { kind: "response", id: requestId(root), result: root.result };
  }
  if ("error" in root) {
    const err = asObj(root.error, where, "error");
    return {
      kind: "error",
      id: requestId(root),
      code: int(err, "code", where, "error"),
      message: cleanText(str(err, "msg", where, "error")),
    };
  }
  return parsePayload(root, null, market, where, "");
}

function requestId(o: Obj): number | string | null {
  const id = o.id;
  return typeof id === "number" || typeof id === "string" ? id : null;
}

function cleanText(s: string): string {
  return escapeControls(excerpt(s), { singleLine: true });
}

function parsePayload(
  data: unknown,
  stream: string | null,
  market: Market,
  where: string,
  prefix: string,
): BinanceFrame {
  if (Array.isArray(data)) {
    const updates = data.map((d, i) =>
      parseMarkPrice(asObj(d, where, path(prefix, i)), where, path(prefix, i))
    );
    return { kind: "markPrice", stream, updates };
  }
  const o = asObj(data, where, prefix === "" ? "(root)" : prefix);
  const e = o.e;
  if (e === "depthUpdate") {
    return { kind: "depth", stream, depth: parseDepth(o, market, where, prefix) };
  }
  if (e === "markPriceUpdate") {
    return { kind: "markPrice", stream, updates: [parseMarkPrice(o, where, prefix)] };
  }
  if (e === "serverShutdown") {
    return { kind: "serverShutdown", stream, eventTimeMs: uint(o, "E", where, prefix) };
  }
  if (typeof e === "string" && e.length > 0) {
    return { kind: "ignored", stream, event: cleanText(e) };
  }
  if ("lastUpdateId" in o) {
    return { kind: "partialDepth", stream, snapshot: parseSnapshotObject(o, where, prefix) };
  }
  throw new FrameError(where, path(prefix, "e"), `unrecognised frame ${show(o)}`);
}

function parseDepth(o: Obj, market: Market, where: string, prefix: string): BinanceDepth {
  const U = uint(o, "U", where, prefix), u = uint(o, "u", where, prefix);
  if (U > u) {
    throw new FrameError(
      where,
      path(prefix, "U"),
      `first update id ${U} is after the final id ${u}`,
    );
  }
  const perp = market === "perp";
  return {
    symbol: str(o, "s", where, prefix),
    U,
    u,
    pu: perp ? int(o, "pu", where, prefix) : null,
    eventTimeMs: uint(o, "E", where, prefix),
    transactTimeMs: perp ? uint(o, "T", where, prefix) : null,
    bids: checkLevels(o.b, where, path(prefix, "b")),
    asks: checkLevels(o.a, where, path(prefix, "a")),
  };
}

function parseMarkPrice(o: Obj, where: string, prefix: string): BinanceMarkPrice {
  if (o.e !== "markPriceUpdate") {
    throw new FrameError(where, path(prefix, "e"), `expected "markPriceUpdate", got ${show(o.e)}`);
  }
  const next = uint(o, "T", where, prefix);
  return {
    symbol: str(o, "s", where, prefix),
    markPrice: decimal(o, "p", where, prefix),
    indexPrice: decimal(o, "i", where, prefix),
    estimatedSettlePrice: o.P === undefined ? null : decimalOrEmpty(o, "P", where, prefix),
    fundingRate: decimalOrEmpty(o, "r", where, prefix),
    nextFundingTimeMs: next === 0 ? null : next,
    eventTimeMs: uint(o, "E", where, prefix),
  };
}

function parseSnapshotObject(o: Obj, where: string, prefix: string): BinanceDepthSnapshot {
  return {
    lastUpdateId: uint(o, "lastUpdateId", where, prefix),
    bids: checkLevels(o.bids, where, path(prefix, "bids")),
    asks: checkLevels(o.asks, where, path(prefix, "asks")),
    eventTimeMs: o.E === undefined ? null : uint(o, "E", where, prefix),
    transactTimeMs: o.T === undefined ? null : uint(o, "T", where, prefix),
  };
}

/** A REST body as given (text is parsed as JSON), after throwing the exchange's own error. */
function restBody(body: unknown, where: string): unknown {
  const v = typeof body === "string" ? parseJson(body, where) : body;
  const err = binanceErrorOf(v);
  if (err) throw new ExchangeError("binance", where, err.code, err.message);
  return v;
}

/** The `{code,msg}` error in a Binance body, or `undefined`. */
export function binanceErrorOf(body: unknown): { code: number; message: string } | undefined {
  if (isObj(body) && typeof body.code === "number" && typeof body.msg === "string") {
    return { code: body.code, message: cleanText(body.msg) };
  }
  return undefined;
}

/**
 * Parses a REST depth snapshot (`GET /api/v3/depth` or `/fapi/v1/depth`). `where` names the
 * request for messages (`binance /api/v3/depth?symbol=BTCUSDT`). Throws {@link ExchangeError} for
 * an error body and {@link FrameError} for a malformed one.
 */
export function parseBinanceDepthSnapshot(body: unknown, where: string): BinanceDepthSnapshot {
  return parseSnapshotObject(asObj(restBody(body, where), where, "(root)"), where, "");
}

/** `GET /fapi/v1/premiumIndex` (one object, or an array without `symbol`) as mark prices. */
export function parseBinancePremiumIndex(body: unknown, where: string): BinanceMarkPrice[] {
  const v = restBody(body, where);
  const list = Array.isArray(v) ? v : [v];
  return list.map((x, i) => {
    const prefix = Array.isArray(v) ? `[${i}]` : "";
    const o = asObj(x, where, prefix === "" ? "(root)" : prefix);
    const next = uint(o, "nextFundingTime", where, prefix);
    return {
      symbol: str(o, "symbol", where, prefix),
      markPrice: decimal(o, "markPrice", where, prefix),
      indexPrice: decimal(o, "indexPrice", where, prefix),
      estimatedSettlePrice: decimalOrEmpty(o, "estimatedSettlePrice", where, prefix),
      fundingRate: decimalOrEmpty(o, "lastFundingRate", where, prefix),
      nextFundingTimeMs: next === 0 ? null : next,
      eventTimeMs: uint(o, "time", where, prefix),
    };
  });
}

/** One settled funding rate from `GET /fapi/v1/fundingRate`. */
export interface BinanceFundingRate {
  /** Symbol. */
  readonly symbol: string;
  /** The rate that was settled (decimal string). */
  readonly fundingRate: string;
  /** Settlement time, ms. */
  readonly fundingTimeMs: number;
  /** Mark price at settlement, or `null` (old entries send `""`). */
  readonly markPrice: string | null;
}

/** Parses `GET /fapi/v1/fundingRate`: a list of settled rates, oldest first as Binance sends. */
export function parseBinanceFundingHistory(body: unknown, where: string): BinanceFundingRate[] {
  const v = restBody(body, where);
  if (!Array.isArray(v)) throw new FrameError(where, "(root)", `expected a list, got ${show(v)}`);
  return v.map((x, i) => {
    const prefix = `[${i}]`, o = asObj(x, where, prefix);
    return {
      symbol: str(o, "symbol", where, prefix),
      fundingRate: decimal(o, "fundingRate", where, prefix),
      fundingTimeMs: uint(o, "fundingTime", where, prefix),
      markPrice: o.markPrice === undefined ? null : decimalOrEmpty(o, "markPrice", where, prefix),
    };
  });
}

/** A symbol's funding settings from `GET /fapi/v1/fundingInfo`. */
export interface BinanceFundingInfo {
  /** Symbol. */
  readonly symbol: string;
  /** Hours between fundings (whole hours, ≥ 1). */
  readonly intervalHours: number;
  /** Adjusted rate cap (decimal string). */
  readonly rateCap: string;
  /** Adjusted rate floor (decimal string). */
  readonly rateFloor: string;
}

/**
 * Parses `GET /fapi/v1/fundingInfo`. Binance lists only the symbols whose cap, floor or interval
 * was adjusted; an absent symbol has the exchange default (see docs/streams.md).
 */
export function parseBinanceFundingInfo(body: unknown, where: string): BinanceFundingInfo[] {
  const v = restBody(body, where);
  if (!Array.isArray(v)) throw new FrameError(where, "(root)", `expected a list, got ${show(v)}`);
  return v.map((x, i) => {
    const prefix = `[${i}]`, o = asObj(x, where, prefix);
    const hours = uint(o, "fundingIntervalHours", where, prefix);
    if (hours < 1) {
      throw new FrameError(
        where,
        `${prefix}.fundingIntervalHours`,
        `expected ≥ 1 hour, got ${hours}`,
      );
    }
    return {
      symbol: str(o, "symbol", where, prefix),
      intervalHours: hours,
      rateCap: decimal(o, "adjustedFundingRateCap", where, prefix),
      rateFloor: decimal(o, "adjustedFundingRateFloor", where, prefix),
    };
  });
}
