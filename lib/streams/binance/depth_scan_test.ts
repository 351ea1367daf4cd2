import assert from "node:assert/strict";
import { createRng, type Rng } from "../../core/prng.ts";
import { OrderBook } from "../book.ts";
import type { Market } from "../sync.ts";
import { scanBinanceDepth } from "./depth_scan.ts";
import { type BinanceFrame, parseBinanceFrame } from "./parse.ts";
import { RecordingText } from "../_slices_test.ts";

/** The general path's answer: a trailing space is valid JSON the fast path never reads. */
function general(text: string, market: Market): BinanceFrame | string {
  try {
    return parseBinanceFrame(text + " ", market);
  } catch (e) {
    return `${(e as Error).name}: ${(e as Error).message}`;
  }
}

function parsed(text: string, market: Market): BinanceFrame | string {
  try {
    return parseBinanceFrame(text, market);
  } catch (e) {
    return `${(e as Error).name}: ${(e as Error).message}`;
  }
}

const PRICES = [
  "30000.01000000",
  "0.00001500",
  "30240",
  "0012.50",
  "1.000000000000000000",
  "1234567890.12345",
  "1234567890.123456",
  "0.0000000000000000000000001",
  "10000000000000000000000000",
  "0",
  "0.000",
  ".5",
  "5.",
  "1..2",
  "1.2.3",
  "",
  "-1",
  "1e5",
  " 1",
  "1".padEnd(33, "0"),
];
const QTYS = [
  "1.5",
  "0.00000000",
  "0",
  "12345678901234567890.12345678",
  "",
  ".1",
  "1.",
  "-0",
  "1e-8",
];

function pick<T>(rng: Rng, list: readonly T[]): T {
  return list[rng.int(0, list.length - 1)];
}

function levelText(rng: Rng): string {
  const n = rng.int(0, 6);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const p = rng.next() < 0.97 ? `${rng.int(1, 99999)}.${rng.int(0, 99)}` : pick(rng, PRICES);
    const q = rng.next() < 0.97 ? `${rng.int(0, 9)}.${rng.int(0, 9999)}` : pick(rng, QTYS);
    out.push(JSON.stringify([p, q]));
  }
  return `[${out.join(",")}]`;
}

function int(rng: Rng): string {
  return rng.next() < 0.98 ? String(rng.int(0, 2 ** 31)) : pick(rng, [
    "0",
    "01",
    "1.0",
    "1e3",
    "-1",
    "-0",
    "9007199254740993",
    "123456789012345",
    "1234567890123456",
    '"7"',
  ]);
}

function ids(rng: Rng): string[] {
  const U = rng.int(0, 2 ** 40);
  return [`"U":${U}`, `"u":${U + rng.int(0, 9)}`];
}

/** A depth frame, usually well formed, in the documented key order (or not). */
function frameText(rng: Rng, perp: boolean): string {
  const fields = [
    `"e":${rng.next() < 0.95 ? '"depthUpdate"' : '"depthUpdat"'}`,
    `"E":${int(rng)}`,
    ...(perp || rng.next() < 0.03 ? [`"T":${int(rng)}`] : []),
    `"s":${
      pick(rng, ['"BTCUSDT"', '"BTCUSDT"', '"BTCUSDT"', '"BTCUSDT"', '""', '"BT\\u0043USDT"', "7"])
    }`,
    ...(rng.next() < 0.9 ? ids(rng) : [`"U":${int(rng)}`, `"u":${int(rng)}`]),
    ...(perp || rng.next() < 0.03 ? [`"pu":${int(rng)}`] : []),
    `"b":${levelText(rng)}`,
    `"a":${levelText(rng)}`,
  ];
  if (rng.next() < 0.05) fields.reverse();
  const data = `{${fields.join(",")}}`;
  return rng.next() < 0.7 ? `{"stream":"btcusdt@depth@100ms","data":${data}}` : data;
}

const ALPHABET = '0123456789.,"[]{}:-e \\xT';

/** One random edit: a character deleted, inserted or replaced. */
function mutate(rng: Rng, text: string): string {
  const i = rng.int(0, text.length - 1), c = pick(rng, [...ALPHABET]);
  const kind = rng.int(0, 2);
  if (kind === 0) return text.slice(0, i) + text.slice(i + 1);
  if (kind === 1) return text.slice(0, i) + c + text.slice(i);
  return text.slice(0, i) + c + text.slice(i + 1);
}

Deno.test("the one-pass depth reader gives what JSON.parse and the checks give, on 20,000 random and mutated frames", () => {
  const rng = createRng(8);
  let fast = 0;
  for (let n = 0; n < 20_000; n++) {
    const market: Market = rng.next() < 0.5 ? "spot" : "perp";
    let text = frameText(rng, market === "perp");
    for (let k = rng.next() < 0.5 ? 0 : rng.int(1, 2); k > 0; k--) text = mutate(rng, text);
    const want = general(text, market);
    const scanned = scanBinanceDepth(text, market);
    if (scanned !== undefined) {
      fast++;
      assert.deepEqual(scanned, want, text);
    }
    const got = parsed(text, market);
    if (typeof want === "string" && want.includes("not JSON")) {
      // the excerpt of a JSON syntax error shows the trailing space
      assert.ok(typeof got === "string" && got.includes("not JSON"), text);
    } else {
      assert.deepEqual(got, want, text);
    }
  }
  assert.ok(fast > 4_000, `${fast} frames took the fast path`);
});

Deno.test("a book fed by the one-pass reader equals one fed by the general path", () => {
  const rng = createRng(9);
  const a = new OrderBook(), b = new OrderBook();
  for (let n = 0; n < 20_000; n++) {
    const text = frameText(rng, false);
    const f = parsed(text, "spot");
    if (typeof f === "string" || f.kind !== "depth") continue;
    a.apply(f.depth.bids, f.depth.asks); // with the keys and zero flags the reader remembered
    const g = general(text, "spot");
    if (typeof g === "string" || g.kind !== "depth") throw new Error("the paths disagree");
    b.apply(g.depth.bids, g.depth.asks);
    if (n % 2000 === 0) assert.equal(a.difference(b), undefined, text);
  }
  assert.ok(a.count("bid") > 100 && a.count("ask") > 100);
  assert.deepEqual(a.levels("bid"), b.levels("bid"));
  assert.deepEqual(a.levels("ask"), b.levels("ask"));
});

Deno.test("frames written another way go the general way and still parse", () => {
  const spaced =
    '{ "e": "depthUpdate", "E": 1, "s": "BNBBTC", "U": 157, "u": 160, "b": [["0.0024", "10"]], "a": [] }';
  assert.equal(scanBinanceDepth(spaced, "spot"), undefined);
  const f = parseBinanceFrame(spaced, "spot");
  assert.equal(f.kind === "depth" && f.depth.u, 160);
  const plain =
    '{"e":"depthUpdate","E":1,"s":"BNBBTC","U":157,"u":160,"b":[["0.0024","10"]],"a":[]}';
  assert.deepEqual(scanBinanceDepth(plain, "spot"), parseBinanceFrame(spaced, "spot"));
});

Deno.test("a price read again keeps its own spelling, even for the same value at the same length", () => {
  const spellings = ["30000.0100", "030000.010", "0030000.01", "30000.0100", "30000.01"];
  for (const p of [...spellings, ...spellings.reverse()]) {
    const text = `{"e":"depthUpdate","E":1,"s":"X","U":1,"u":1,"b":[["${p}","1"]],"a":[]}`;
    const f = scanBinanceDepth(text, "spot");
    assert.equal(f?.depth.bids[0][0], p);
  }
});

Deno.test("the one-pass reader keeps no view of the frame: every string it returns is built from slices of at most 12 characters", () => {
  // V8 makes a slice of 13 characters or more a view that keeps the whole frame alive (in a book
  // level, or in a pre-sync buffer of 10,000 events); a 25-character quantity once came as a
  // 12-character copy plus a 13-character view
  const qty = "1234567890123456789.12345678"; // 28 characters, valid
  const price = "0000000000000000012345.678"; // 26 characters, a rare spelling
  const text = new RecordingText(
    `{"stream":"1000000bobusdt@depth@100ms","data":{"e":"depthUpdate","E":1,"s":"1000000BOBUSDT",` +
      `"U":1,"u":2,"b":[["${price}","${qty}"]],"a":[["35743.98000000","${qty}0000"]]}}`,
  );
  const f = scanBinanceDepth(text as unknown as string, "spot");
  assert.ok(f !== undefined);
  assert.equal(f.stream, "1000000bobusdt@depth@100ms");
  assert.equal(f.depth.symbol, "1000000BOBUSDT");
  assert.deepEqual(f.depth.bids, [[price, qty]]);
  assert.deepEqual(f.depth.asks, [["35743.98000000", `${qty}0000`]]);
  assert.equal(f.depth.bids[0][1].length, 28);
  assert.ok(text.longest <= 12, `a slice of ${text.longest} characters`);
});

Deno.test("a stream name or symbol read again is reused only when it is the same, not for another of its length", () => {
  const names = [
    ["btcusdt@depth@100ms", "1000000BOBUSDT"],
    ["ethusdt@depth@100ms", "1000000MOGUSDT"],
    ["ethusdt@depth@100ms", "1000000MOGUSDT"],
    ["btcusdt@depth@100mx", "1000000BOBUSDX"],
    ["b", "B"],
    ["btcusdt@depth@100ms", "1000000BOBUSDT"],
  ];
  for (const [stream, symbol] of names) {
    const text = `{"stream":"${stream}","data":{"e":"depthUpdate","E":1,"s":"${symbol}",` +
      `"U":1,"u":1,"b":[],"a":[]}}`;
    const f = scanBinanceDepth(text, "spot");
    assert.equal(f?.stream, stream);
    assert.equal(f?.depth.symbol, symbol);
    assert.deepEqual(f, parseBinanceFrame(text + " ", "spot"));
  }
});
