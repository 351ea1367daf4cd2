import assert from "node:assert/strict";
import { assetFromFileName, assetFromTicker } from "./assets.ts";

Deno.test("asset ids are guessed from common file names", () => {
  assert.equal(assetFromFileName("../x/btc-usd-max.csv"), "bitcoin");
  assert.equal(assetFromFileName("eth-usd-max.csv"), "ethereum");
  assert.equal(assetFromFileName("Binance_BNBUSDT_d.csv"), "binancecoin");
  assert.equal(assetFromFileName("BTCUSD.csv"), "bitcoin");
  assert.equal(assetFromFileName("GOOG.csv"), undefined);
  assert.equal(assetFromFileName("EURUSD.csv"), undefined);
});

Deno.test("asset ids are guessed from symbols and pairs", () => {
  assert.equal(assetFromTicker("BTC/USDT"), "bitcoin");
  assert.equal(assetFromTicker("ETHBTC"), "ethereum");
  assert.equal(assetFromTicker("bnb"), "binancecoin");
  assert.equal(assetFromTicker("SOL/USDT"), undefined);
});
