/**
 * Live market streams, the pure core: exact order books, the Binance and Bybit sync machines,
 * frame parsers and funding state. No IO and no clock: the WebSocket clients, REST snapshots,
 * cache publishing and recording build on these (see docs/streams.md for the contract).
 * @module
 */
export * from "./decimal.ts";
export * from "./levels.ts";
export * from "./book.ts";
export * from "./errors.ts";
export { DataError } from "../core/errors.ts";
export * from "./sync.ts";
export * from "./funding.ts";
export * from "./published.ts";
export * from "./binance/parse.ts";
export * from "./binance/sync.ts";
export * from "./binance/weights.ts";
export * from "./bybit/parse.ts";
export * from "./bybit/sync.ts";
export * from "./plan.ts";
export * from "./events.ts";
export * from "./engine.ts";
