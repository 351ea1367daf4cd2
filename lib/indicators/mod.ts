/**
 * Indicators and rolling statistics (pure). Every series function returns a `Float64Array`
 * aligned with its input, with `NaN` where the window is not yet full.
 * @module
 */
export * from "./returns.ts";
export * from "./sma.ts";
export * from "./rolling_mean.ts";
export * from "./ema.ts";
export * from "./rsi.ts";
export * from "./bollinger.ts";
export * from "./atr.ts";
export * from "./correlation.ts";
export * from "./drawdown.ts";
export * from "./volatility.ts";
