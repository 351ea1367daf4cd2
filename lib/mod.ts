/**
 * mts — the public library surface.
 * @module
 */
export * from "./core/time.ts";
export * from "./core/candle.ts";
export * from "./core/signal.ts";
export * from "./core/strategy.ts";
export * from "./core/errors.ts";
export { loadConfig, redactConfig, resolveConfig } from "./config/config.ts";
export type { ResolvedConfig } from "./config/config.ts";
export { VARIABLES } from "./config/variables.ts";
export type { Store } from "./storage/store.ts";
export { SqliteStore } from "./storage/sqlite_store.ts";
