import assert from "node:assert/strict";
import { OrderBook } from "./book.ts";
import { checkLevels, trustLevels } from "./levels.ts";
import { FrameError } from "./errors.ts";

const L = trustLevels;

Deno.test("bids come out highest first and asks lowest first, whatever the insertion order", () => {
  const b = new OrderBook();
  for (const p of ["99.5", "101", "100.25", "98"]) b.set("bid", p, "1");
  for (const p of ["103", "101.5", "102"]) b.set("ask", p, "2");
  assert.deepEqual(b.levels("bid").map((l) => l[0]), ["101", "100.25", "99.5", "98"]);
  assert.deepEqual(b.levels("ask").map((l) => l[0]), ["101.5", "102", "103"]);
  assert.deepEqual(b.best("bid"), ["101", "1"]);
  assert.deepEqual(b.best("ask"), ["101.5", "2"]);
  assert.equal(b.bestPrice("bid"), 101);
  assert.equal(b.bestPrice("ask"), 101.5);
  assert.deepEqual(b.top("bid", 2), [["101", "1"], ["100.25", "1"]]);
  assert.equal(b.count("bid"), 4);
  assert.equal(b.count("ask"), 3);
});

Deno.test("a quantity of zero removes the level; removing an absent level changes nothing", () => {
  const b = new OrderBook();
  b.apply(L([["10.00", "1"], ["9.00", "2"]]), L([["11.00", "3"]]));
  b.apply(L([["10.00", "0.00000000"], ["8.00", "0"]]), L([]));
  assert.deepEqual(b.levels("bid"), [["9.00", "2"]]);
  assert.deepEqual(b.levels("ask"), [["11.00", "3"]]);
});

Deno.test("an update sets the absolute quantity of an existing level, keeping the wire strings", () => {
  const b = new OrderBook();
  b.set("ask", "35743.88000000", "0.24000000");
  b.set("ask", "35743.88000000", "0.00001500");
  assert.deepEqual(b.levels("ask"), [["35743.88000000", "0.00001500"]]);
});

Deno.test("prices of equal value but different spelling are one level", () => {
  const b = new OrderBook();
  b.set("bid", "30240.00", "1");
  b.set("bid", "30240", "2");
  b.set("bid", "030240.0", "3");
  assert.equal(b.count("bid"), 1);
  assert.deepEqual(b.best("bid"), ["030240.0", "3"]);
  b.set("bid", "30240.000000", "0");
  assert.equal(b.count("bid"), 0);
});

Deno.test("adjacent 15-digit prices stay distinct and ordered; a 16-digit price is refused", () => {
  const b = new OrderBook();
  // 15 significant digits: the last digit differs by one unit (1e-14 apart)
  b.set("bid", "1.00000000000001", "1");
  b.set("bid", "1.00000000000002", "1");
  b.set("bid", "1.00000000000000", "1");
  assert.deepEqual(b.levels("bid").map((l) => l[0]), [
    "1.00000000000002",
    "1.00000000000001",
    "1.00000000000000",
  ]);
  // 0.1 + 0.2 style: 17 digits cannot be held exactly as a double key
  assert.throws(() => b.set("bid", "1.0000000000000001", "1"), /17 significant digits/);
  assert.throws(() => b.set("ask", "12345678.123456789", "1"), /17 significant digits/);
  assert.throws(() => b.set("ask", "1e5", "1"), /plain decimal/);
  assert.throws(() => b.set("ask", "-5", "1"), /plain decimal/);
  assert.throws(() => b.set("ask", "0.000", "1"), /above zero/);
  assert.throws(() => b.set("ask", "5", "abc"), /quantity "abc" is not a decimal/);
  assert.equal(b.count("ask"), 0);
});

Deno.test("a book is crossed when the best bid reaches the best ask", () => {
  const b = new OrderBook();
  assert.equal(b.isCrossed(), false, "an empty book is not crossed");
  b.apply(L([["100", "1"]]), L([["101", "1"]]));
  assert.equal(b.isCrossed(), false);
  b.set("bid", "101.00", "1");
  assert.equal(b.isCrossed(), true, "bid 101 = ask 101 is crossed");
  b.set("bid", "101", "0");
  b.set("bid", "102", "1");
  assert.equal(b.isCrossed(), true, "bid 102 > ask 101 is crossed");
});

Deno.test("a snapshot replaces the book: unordered, repeated and zero levels handled", () => {
  const b = new OrderBook();
  b.apply(L([["1", "1"], ["2", "1"]]), L([["50", "1"]]));
  b.replace(
    L([["9", "1"], ["10", "2"], ["9.0", "3"], ["8", "0"]]),
    L([["12", "1"], ["11", "4"]]),
  );
  assert.deepEqual(b.levels("bid"), [["10", "2"], ["9.0", "3"]]);
  assert.deepEqual(b.levels("ask"), [["11", "4"], ["12", "1"]]);
});

Deno.test("two books are equal when their levels have the same values; the difference is named", () => {
  const a = new OrderBook(), b = new OrderBook();
  a.apply(L([["10.0", "1.50"]]), L([["11", "2"]]));
  b.apply(L([["10", "1.5"]]), L([["11.000", "2.0"]]));
  assert.equal(a.equals(b), true);
  b.set("ask", "12", "1");
  assert.equal(a.equals(b), false);
  assert.equal(a.difference(b), "ask level 2: nothing vs 12 × 1");
  b.set("ask", "12", "0");
  b.set("bid", "10", "1.51");
  assert.equal(a.difference(b), "bid level 1: 10.0 × 1.50 vs 10 × 1.51");
});

Deno.test("a growing side keeps its order past the initial capacity", () => {
  const b = new OrderBook();
  // insert 1,000 asks in a scrambled order: i * 7919 mod 1000 visits every value once
  for (let i = 0; i < 1000; i++) b.set("ask", String(1000 + ((i * 7919) % 1000)), "1");
  const prices = b.levels("ask").map((l) => Number(l[0]));
  assert.equal(prices.length, 1000);
  for (let i = 0; i < 1000; i++) assert.equal(prices[i], 1000 + i);
});

Deno.test("checkLevels rejects a bad level of a message naming the entry, before anything applies", () => {
  const where = "binance spot frame";
  const cases: [unknown, RegExp][] = [
    [[["1", "2"], ["x", "1"]], /field b\[1\]\[0\]: price "x" expected a plain decimal string/],
    [[["1", "2"], ["2", 1]], /field b\[1\]\[1\]: expected a decimal quantity, got 1/],
    [[["1"]], /field b\[0\]: expected \[price, qty\]/],
    ["nope", /field b: expected a list/],
  ];
  for (const [raw, re] of cases) {
    assert.throws(
      () => checkLevels(raw, where, "b"),
      (e) => e instanceof FrameError && re.test(e.message) && e.message.startsWith(where),
    );
  }
});
