/**
 * The backtest engine's public surface.
 * @module
 */
export * from "./engine.ts";
export * from "./feed.ts";
export * from "./metrics.ts";
export * from "./manifest.ts";
export { Broker, type BrokerCosts } from "./broker.ts";
export { Portfolio } from "./portfolio.ts";
export * from "./execution.ts";
export { canonicalJson, Sha256, sha256Hex } from "./hash.ts";
