/**
 * Asset id (CoinGecko style) → Binance spot symbol. Users extend or override it with
 * `BINANCE_SYMBOL_MAP=pepe=PEPEUSDT,...`.
 * @module
 */

/** Built-in map; quote currency USDT (Binance has no USD spot pairs). */
export const DEFAULT_BINANCE_SYMBOLS: Readonly<Record<string, string>> = {
  bitcoin: "BTCUSDT",
  ethereum: "ETHUSDT",
  binancecoin: "BNBUSDT",
  solana: "SOLUSDT",
  ripple: "XRPUSDT",
  cardano: "ADAUSDT",
  dogecoin: "DOGEUSDT",
  tron: "TRXUSDT",
  polkadot: "DOTUSDT",
  chainlink: "LINKUSDT",
  litecoin: "LTCUSDT",
  avalanche: "AVAXUSDT",
  "avalanche-2": "AVAXUSDT",
  "matic-network": "MATICUSDT",
  "shiba-inu": "SHIBUSDT",
  uniswap: "UNIUSDT",
  stellar: "XLMUSDT",
};

/** The symbol for `asset` with user pairs taking precedence, or `undefined`. */
export function binanceSymbol(
  asset: string,
  userMap: Readonly<Record<string, string>> = {},
): string | undefined {
  return userMap[asset] ?? DEFAULT_BINANCE_SYMBOLS[asset];
}
