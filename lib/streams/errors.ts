/**
 * The two errors the stream parsers throw. Both are thrown before anything is applied, so a
 * caller that catches them has nothing half-done to undo.
 * @module
 */
import { DataError } from "../core/errors.ts";

/**
 * A frame or REST body that is not what the exchange documents: bad JSON, a missing or mistyped
 * field, a price that cannot be held exactly. `where` names the source (`binance spot frame`,
 * `bybit /v5/market/orderbook`) and `field` the path inside it (`data.b[3][0]`).
 */
export class FrameError extends DataError {
  /** Path of the offending field inside the payload (`(root)` for the payload itself). */
  readonly field: string;
  /** `where`: the source; `field`: the path inside it; `problem`: what is wrong with it. */
  constructor(where: string, field: string, problem: string) {
    super(`field ${field}: ${problem}`, where);
    this.name = "FrameError";
    this.field = field;
  }
}

/**
 * The exchange answered with its own error: Binance `{"code":-1121,"msg":"Invalid symbol."}`, a
 * Binance WebSocket `{"error":{…},"id":1}`, or a Bybit `retCode` other than 0. `code` is the
 * exchange's number (Bybit 10006 and Binance -1003 mean "too many requests").
 */
export class ExchangeError extends Error {
  /** `binance` or `bybit`. */
  readonly exchange: string;
  /** The exchange's error code. */
  readonly code: number;
  /** The exchange's message, capped and with control characters escaped. */
  readonly exchangeMessage: string;
  /** `where`: the request; `code` and `message`: the exchange's own. */
  constructor(exchange: string, where: string, code: number, message: string) {
    super(`${where}: ${exchange} error ${code}: ${message}`);
    this.name = "ExchangeError";
    this.exchange = exchange;
    this.code = code;
    this.exchangeMessage = message;
  }
}
