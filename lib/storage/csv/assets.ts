/**
 * Guessing the asset id of a price file from its name or symbol column (`btc-usd-max.csv`,
 * `Binance_ETHUSDT_d.csv`, `BTC/USDT`). Only well-known tickers are guessed; anything else needs
 * `--asset`.
 * @module
 */

/** Ticker → asset id (CoinGecko ids, which mts uses throughout). */
export const KNOWN_TICKERS: Readonly<Record<string, string>> = {
  btc: "bitcoin",
  xbt: "bitcoin",
  bitcoin: "bitcoin",
  eth: "ethereum",
  ethereum: "ethereum",
  bnb: "binancecoin",
  binancecoin: "binancecoin",
};

const QUOTES = ["usdt", "usdc", "busd", "usd", "eur", "btc", "eth"];

/** Asset id for a ticker or pair such as `BTC`, `BTCUSDT`, `BTC/USDT`, `eth-usd`; else undefined. */
export function assetFromTicker(text: string): string | undefined {
  const t = text.trim().toLowerCase();
  if (KNOWN_TICKERS[t]) return KNOWN_TICKERS[t];
  const parts = t.split(/[^a-z0-9]+/).filter(Boolean);
  if (parts.length > 1 && KNOWN_TICKERS[parts[0]]) return KNOWN_TICKERS[parts[0]];
  for (const q of QUOTES) {
    if (t.length > q.length && t.endsWith(q) && KNOWN_TICKERS[t.slice(0, -q.length)]) {
      return KNOWN_TICKERS[t.slice(0, -q.length)];
    }
  }
  return undefined;
}

/**
 * Asset id guessed from a file path: each word of the file name is tried as a ticker or pair
 * (`btc-usd-max.csv` → bitcoin, `Binance_ETHUSDT_d.csv` → ethereum, `BTCUSD.csv` → bitcoin).
 */
export function assetFromFileName(path: string): string | undefined {
  const name = path.replace(/^.*[\\/]/, "").replace(/\.[^.]*$/, "").toLowerCase();
  for (const word of name.split(/[^a-z0-9]+/)) {
    const a = word && assetFromTicker(word);
    if (a) return a;
  }
  return undefined;
}
