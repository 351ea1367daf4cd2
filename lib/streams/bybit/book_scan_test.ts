import assert from "node:assert/strict";
import { createRng, type Rng } from "../../core/prng.ts";
import { IGNORE_WITHOUT_MESSAGES, message } from "../_reference_test.ts";
import { scanBybitBook } from "./book_scan.ts";
import { type BybitFrame, parseBybitFrame } from "./parse.ts";
import { BybitBookSync } from "./sync.ts";
import { RecordingText } from "../_slices_test.ts";

/** The general path's answer: a leading space is valid JSON the fast path never reads. */
function general(text: string): BybitFrame | string {
  try {
    return parseBybitFrame(" " + text);
  } catch (e) {
    return `${(e as Error).name}: ${(e as Error).message}`;
  }
}

function parsed(text: string): BybitFrame | string {
  try {
    return parseBybitFrame(text);
  } catch (e) {
    return `${(e as Error).name}: ${(e as Error).message}`;
  }
}

function pick<T>(rng: Rng, list: readonly T[]): T {
  return list[rng.int(0, list.length - 1)];
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
  "0000000000000000012345.678",
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
  "3\u00b2",
  "\ud800",
];
const QTYS = [
  "1.5",
  "0.00000000",
  "0",
  "000",
  "12345678901234567890.12345678",
  "1234567890123456789.12345678",
  "",
  ".1",
  "1.",
  "-0",
  "1e-8",
  "\udc00",
];

/** A decimal the way Bybit writes prices and sizes: 0–8 fraction digits (sometimes more). */
function decimalText(rng: Rng, whole: number, flawed: boolean): string {
  // 5 + 8 digits: within the 15 significant digits a price may have; more only when flawed
  const frac = rng.next() < 0.9 ? rng.int(0, 4) : rng.int(5, flawed ? 12 : 8);
  if (frac === 0) return String(whole);
  let f = "";
  for (let i = 0; i < frac; i++) f += String(rng.int(0, 9));
  return `${whole}.${f}`;
}

function levelsText(rng: Rng, side: "b" | "a", flawed: boolean): string {
  const n = rng.next() < 0.1 ? rng.int(0, 200) : rng.int(0, 12);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const whole = side === "b" ? rng.int(20_000, 29_999) : rng.int(30_001, 40_000);
    const p = flawed && rng.next() < 0.05 ? pick(rng, PRICES) : decimalText(rng, whole, flawed);
    const q = flawed && rng.next() < 0.05
      ? pick(rng, QTYS)
      : rng.next() < 0.25
      ? pick(rng, ["0", "0.000", "0.00000000"])
      : decimalText(rng, rng.int(0, 99), flawed);
    const odd = flawed ? rng.next() : 1;
    if (odd < 0.01) out.push(JSON.stringify([p])); // a level of 1
    else if (odd < 0.02) out.push(JSON.stringify([p, q, "1"])); // of 3
    else if (odd < 0.025) out.push(`[${p},${JSON.stringify(q)}]`); // a price as a number
    else out.push(JSON.stringify([p, q]));
  }
  return `[${out.join(",")}]`;
}

/** An id or time: usually fine, sometimes another JSON spelling or a value the checks refuse. */
function intText(rng: Rng, flawed: boolean, v: number): string {
  return !flawed || rng.next() < 0.9 ? String(v) : pick(rng, [
    "0",
    "01",
    "1.0",
    "1e3",
    "1E3",
    "-1",
    "-0",
    "9007199254740993",
    "9007199254740991",
    "123456789012345",
    "1234567890123456",
    '"7"',
    "null",
    "true",
  ]);
}

const SYMBOLS = [
  "BTCUSDT",
  "ETHUSDT",
  "1000000BABYDOGEUSDT",
  "BTC-26DEC25",
  "A_B",
  "X".repeat(40),
];
/** Symbols the topic pattern refuses: too long, lower case, other characters. */
const BAD_SYMBOLS = [
  "X".repeat(41),
  "btcusdt",
  "BTC/USDT",
  "BTC.USDT",
  "BTC USDT",
  "",
  "BTC\u00c9",
  "BT\ud800",
];

interface FrameSpec {
  market: "spot" | "linear";
  symbol: string;
  type: string;
  u: number;
}

/** A book frame as Bybit writes it (spot: `ts` before `type`), or with `flawed`, sometimes not. */
function frameText(rng: Rng, spec: FrameSpec, flawed: boolean): string {
  const flaw = (p: number) => flawed && rng.next() < p;
  const depth = flaw(0.03) ? pick(rng, ["050", "0", "12345", "", "5a", "1000"]) : "50";
  const symbol = flaw(0.03) ? pick(rng, BAD_SYMBOLS) : spec.symbol;
  let topic = `orderbook.${depth}.${symbol}`;
  if (flaw(0.02)) {
    topic = pick(rng, ["orderbook", "orderbook.50", "tickers.BTCUSDT", "orderbook.."]);
  }
  let topicJson = JSON.stringify(topic);
  if (flaw(0.02)) topicJson = topicJson.replace("o", "\\u006f"); // the same topic, escaped
  // data.s: the topic's symbol (even a bad one), or sometimes another
  let s = JSON.stringify(flaw(0.03) ? pick(rng, [...SYMBOLS, ...BAD_SYMBOLS]) : symbol);
  if (flaw(0.02)) s = s.replace(/[A-Z]/, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
  if (flaw(0.01)) s = pick(rng, ["7", "null", "[]"]);
  const type = flaw(0.03) ? pick(rng, ["Delta", "", "snap", "snapshot ", "1"]) : spec.type;
  const ts = 1_700_000_000_000 + rng.int(0, 2 ** 30);
  const data: string[] = [
    `"s":${s}`,
    `"b":${levelsText(rng, "b", flawed)}`,
    `"a":${levelsText(rng, "a", flawed)}`,
    `"u":${intText(rng, flawed, spec.u)}`,
    `"seq":${intText(rng, flawed, rng.int(0, 2 ** 40))}`,
  ];
  const root: string[] = [
    `"topic":${topicJson}`,
    ...(spec.market === "spot"
      ? [`"ts":${intText(rng, flawed, ts)}`, `"type":${JSON.stringify(type)}`]
      : [`"type":${JSON.stringify(type)}`, `"ts":${intText(rng, flawed, ts)}`]),
    "", // data, below
    ...(rng.next() < 0.9 ? [`"cts":${intText(rng, flawed, ts - rng.int(0, 5))}`] : []),
  ];
  for (const fields of [data, root]) {
    if (flaw(0.02)) fields.splice(rng.int(0, fields.length - 1), 1); // a key missing
    if (flaw(0.02)) fields.push(pick(rng, ['"x":1', '"cts":2', '"s":"BTCUSDT"'])); // extra, repeated
    if (flaw(0.02)) fields.unshift(fields[rng.int(0, fields.length - 1)]); // a duplicate key
    if (flaw(0.03)) { // two keys swapped
      const i = rng.int(0, fields.length - 1), j = rng.int(0, fields.length - 1);
      [fields[i], fields[j]] = [fields[j], fields[i]];
    }
  }
  const d = root.indexOf("");
  if (d >= 0) root[d] = `"data":{${data.join(",")}}`;
  return `{${root.filter((f) => f !== "").join(",")}}`;
}

/** One random edit: a character deleted, inserted or replaced; a BOM; whitespace; garbage. */
function mutate(rng: Rng, text: string): string {
  const i = rng.int(0, text.length - 1);
  switch (rng.int(0, 6)) {
    case 0:
      return text.slice(0, i) + text.slice(i + 1);
    case 1:
      return text.slice(0, i) + pick(rng, [...ALPHABET]) + text.slice(i);
    case 2:
      return text.slice(0, i) + pick(rng, [...ALPHABET]) + text.slice(i + 1);
    case 3:
      return "\ufeff" + text;
    case 4: {
      // whitespace after a separator: still JSON, not written the plain way
      const j = text.indexOf(pick(rng, [",", ":", "[", "{"]), i);
      return j < 0 ? text + "\n" : text.slice(0, j + 1) + pick(rng, [" ", "\n", "\t", "\r"]) +
        text.slice(j + 1);
    }
    case 5:
      return text + pick(rng, ["x", "}", " ", "\n", ",", "{}", "\u0000"]);
    default: {
      // a character in a string turned into its escape (the same value)
      const j = text.indexOf('"', i);
      if (j < 0 || j + 1 >= text.length) return text;
      const c = text.charCodeAt(j + 1);
      if (c === 34 || c === 92) return text;
      return text.slice(0, j + 1) + `\\u${c.toString(16).padStart(4, "0")}` + text.slice(j + 2);
    }
  }
}

const ALPHABET = '0123456789.,"[]{}:-+eE \\xTA_\ufeff\ud800\udfff\u00e9\n';

/** A spec for a standalone frame. */
function randomSpec(rng: Rng): FrameSpec {
  return {
    market: rng.next() < 0.5 ? "spot" : "linear",
    symbol: pick(rng, SYMBOLS),
    type: rng.next() < 0.3 ? "snapshot" : "delta",
    u: rng.int(0, 2 ** 40),
  };
}

Deno.test("the one-pass book reader gives what JSON.parse and the checks give, on 20,000 random and mutated frames", () => {
  const rng = createRng(11);
  let fast = 0, plain = 0;
  for (let n = 0; n < 20_000; n++) {
    const flawed = rng.next() < 0.5;
    let text = frameText(rng, randomSpec(rng), flawed);
    const edits = rng.next() < 0.6 ? 0 : rng.int(1, 2);
    for (let k = edits; k > 0; k--) text = mutate(rng, text);
    const want = general(text);
    const scanned = scanBybitBook(text);
    if (!flawed && edits === 0) {
      // every frame written the way Bybit writes it takes the fast path
      plain++;
      assert.ok(scanned !== undefined, `not read in one pass: ${text}`);
    }
    if (scanned !== undefined) {
      fast++;
      assert.deepEqual(scanned, want, text);
      // the same shape too: the same keys in the same order
      assert.equal(JSON.stringify(scanned), JSON.stringify(want), text);
    }
    const got = parsed(text);
    if (typeof want === "string" && want.includes("not JSON")) {
      // the excerpt of a JSON syntax error counts the leading space
      assert.ok(typeof got === "string" && got.includes("not JSON"), `${text}: ${got}`);
    } else {
      assert.deepEqual(got, want, text);
    }
  }
  assert.ok(plain > 5_000 && fast > plain, `${fast} frames took the fast path, ${plain} plain`);
});

Deno.test("books fed by the one-pass reader equal books fed by the general path", () => {
  const rng = createRng(12);
  for (const market of ["spot", "linear"] as const) {
    const options = { market: market === "spot" ? "spot" : "perp", symbol: "BTCUSDT" } as const;
    const a = new BybitBookSync(options), b = new BybitBookSync(options);
    a.opened(0);
    b.opened(0);
    let u = 1_000, fed = 0, resubscribed = true, largest = 0;
    for (let n = 0; n < 10_000; n++) {
      const r = rng.next();
      // mostly the next delta; sometimes a snapshot, a restart (u = 1), a gap, a repeat; after
      // a resubscription, the snapshot it brings
      const type = resubscribed || r < 0.002 ? "snapshot" : "delta";
      u = r < 0.001 ? 1 : r < 0.004 ? u + 2 : r < 0.006 ? u : u + 1;
      let text = frameText(rng, { market, symbol: "BTCUSDT", type, u }, rng.next() < 0.02);
      if (rng.next() < 0.01) text = mutate(rng, text);
      const f = parsed(text);
      // apply right away, with the price keys and zero flags the reader remembered
      const effectsA = typeof f === "string" || f.kind !== "book" ? [] : a.depth(f.book, n);
      const g = general(text);
      const effectsB = typeof g === "string" || g.kind !== "book" ? [] : b.depth(g.book, n);
      assert.deepEqual(effectsA, effectsB, text);
      if (effectsA.some((e) => e.type === "resubscribe")) resubscribed = true;
      else if (typeof f !== "string" && f.kind === "book" && f.book.type === "snapshot") {
        resubscribed = false;
      }
      if (typeof f !== "string" && f.kind === "book") fed++;
      if (n % 100 === 0) assert.equal(a.book.difference(b.book), undefined, text);
      largest = Math.max(largest, Math.min(a.book.count("bid"), a.book.count("ask")));
    }
    assert.ok(fed > 9_000, `${fed} frames fed`);
    assert.ok(largest > 500, `the books held at most ${largest} levels a side`);
    assert.deepEqual(a.book.levels("bid"), b.book.levels("bid"));
    assert.deepEqual(a.book.levels("ask"), b.book.levels("ask"));
    assert.deepEqual(a.status(), b.status());
    assert.ok(a.status().counters.applied > 8_000, `${a.status().counters.applied} applied`);
  }
});

Deno.test(
  "the reference frames, compacted, are read in one pass and give what the general path gives",
  {
    ignore: IGNORE_WITHOUT_MESSAGES,
  },
  () => {
    for (
      const file of ["doc_v5_ws_orderbook50_snapshot.json", "doc_v5_ws_orderbook50_delta.json"]
    ) {
      const o = JSON.parse(message(`bybit/${file}`));
      const linear = JSON.stringify(o);
      const { topic, type, ts, data, cts } = o;
      const spot = JSON.stringify({ topic, ts, type, data, cts });
      const noCts = JSON.stringify({ topic, ts, type, data });
      const pretty = parseBybitFrame(message(`bybit/${file}`));
      for (const text of [linear, spot, noCts]) {
        const f = scanBybitBook(text);
        assert.ok(f !== undefined, text);
        assert.deepEqual(f, parseBybitFrame(` ${text}`));
      }
      assert.deepEqual(scanBybitBook(linear), pretty);
      assert.deepEqual(scanBybitBook(spot), pretty);
      assert.equal(scanBybitBook(noCts)?.book.ctsMs, null);
    }
  },
);

Deno.test("frames written another way go the general way and still parse", () => {
  const plain =
    '{"topic":"orderbook.50.BTCUSDT","type":"delta","ts":1,"data":{"s":"BTCUSDT","b":[["30247.20","30.028"]],"a":[],"u":7,"seq":8},"cts":1}';
  const spaced =
    '{ "topic": "orderbook.50.BTCUSDT", "type": "delta", "ts": 1, "data": { "s": "BTCUSDT", "b": [["30247.20", "30.028"]], "a": [], "u": 7, "seq": 8 }, "cts": 1 }';
  const reordered =
    '{"data":{"seq":8,"u":7,"a":[],"b":[["30247.20","30.028"]],"s":"BTCUSDT"},"cts":1,"ts":1,"type":"delta","topic":"orderbook.50.BTCUSDT"}';
  const escaped = plain.replace('"s":"BTCUSDT"', '"s":"BT\\u0043USDT"');
  const want = parseBybitFrame(spaced);
  assert.equal(want.kind === "book" && want.book.u, 7);
  assert.deepEqual(scanBybitBook(plain), want);
  for (const text of [spaced, reordered, escaped]) {
    assert.equal(scanBybitBook(text), undefined, text);
    assert.deepEqual(parseBybitFrame(text), want);
  }
  // values the checks refuse are named by the general path
  assert.throws(
    () => parseBybitFrame(plain.replace('"s":"BTCUSDT"', '"s":"ETHUSDT"')),
    /data\.s: symbol "ETHUSDT" is not the topic's BTCUSDT/,
  );
  // -0 passes the general check (a safe integer, not below 0): the fast path leaves it to it
  const minusZero = plain.replace('"u":7', '"u":-0');
  assert.equal(scanBybitBook(minusZero), undefined);
  assert.ok(Object.is(kindBook(parseBybitFrame(minusZero)).u, -0));
  assert.throws(() => parseBybitFrame(plain.replace('"u":7', '"u":9007199254740993')), /data\.u/);
});

function kindBook(f: BybitFrame) {
  if (f.kind !== "book") throw new Error(`not a book frame: ${f.kind}`);
  return f.book;
}

Deno.test("the one-pass book reader keeps no view of the frame: every string it returns is built from slices of at most 12 characters", () => {
  // V8 makes a slice of 13 characters or more a view that keeps the whole frame alive (in a book
  // level, or a recorded message)
  const symbol = "1000000BABYDOGEUSDT_1000000BABYDOGEUSDT-"; // 40 characters, valid
  const qty = "1234567890123456789.12345678"; // 28 characters, valid
  const price = "0000000000000000012345.678"; // 26 characters, a rare spelling
  for (const cts of [',"cts":1', ""]) {
    const raw = `{"topic":"orderbook.1000.${symbol}","ts":1,"type":"snapshot",` +
      `"data":{"s":"${symbol}","b":[["${price}","${qty}"]],"a":[["35743.98000000","${qty}0000"]],` +
      `"u":1,"seq":2}${cts}}`;
    const text = new RecordingText(raw);
    const f = scanBybitBook(text as unknown as string);
    assert.ok(f !== undefined);
    assert.equal(f.book.topic, `orderbook.1000.${symbol}`);
    assert.equal(f.book.symbol, symbol);
    assert.deepEqual(f.book.bids, [[price, qty]]);
    assert.deepEqual(f.book.asks, [["35743.98000000", `${qty}0000`]]);
    assert.deepEqual(f, parseBybitFrame(raw + " "));
    assert.ok(text.longest <= 12, `a slice of ${text.longest} characters`);
  }
});

Deno.test("a topic or symbol read again is reused only when it is the same, not for another of its length", () => {
  const symbols = [
    "1000000BABYDOGEUSDT",
    "1000000BABYDOGEUSDX",
    "1000000BABYDOGEUSDX",
    "A",
    "1000000BABYDOGEUSDT",
    "BTCUSDT",
  ];
  for (const symbol of symbols) {
    for (const depth of ["50", "200"]) {
      const text = `{"topic":"orderbook.${depth}.${symbol}","type":"delta","ts":1,` +
        `"data":{"s":"${symbol}","b":[],"a":[],"u":1,"seq":1},"cts":1}`;
      const f = scanBybitBook(text);
      assert.equal(f?.book.topic, `orderbook.${depth}.${symbol}`);
      assert.equal(f?.book.symbol, symbol);
      assert.deepEqual(f, parseBybitFrame(text + " "));
    }
  }
});

Deno.test("a frame cut off inside the topic's depth is refused as not JSON, not read forever", () => {
  const plain =
    '{"topic":"orderbook.50.BTCUSDT","type":"delta","ts":1,"data":{"s":"BTCUSDT","b":[],"a":[],"u":7,"seq":8},"cts":1}';
  for (const end of [20, 21, 22]) {
    const text = plain.slice(0, end); // `{"topic":"orderbook.`, `….5`, `….50`
    assert.equal(scanBybitBook(text), undefined, text);
    assert.throws(() => parseBybitFrame(text), /bybit frame: field \(root\): not JSON/, text);
  }
});
