import assert from "node:assert/strict";
import { parseConstraint } from "./constraint.ts";

const P = ["fast", "slow", "a", "b", "c", "side"];
const holds = (text: string, params: Record<string, number | boolean>) =>
  parseConstraint(text, P).test(params);

Deno.test("constraints compare parameters with each other and with numbers", () => {
  assert.equal(holds("fast < slow", { fast: 5, slow: 20 }), true);
  assert.equal(holds("fast < slow", { fast: 20, slow: 20 }), false);
  assert.equal(holds("fast <= slow", { fast: 20, slow: 20 }), true);
  assert.equal(holds("slow >= 2", { slow: 2 }), true);
  assert.equal(holds("slow > 2", { slow: 2 }), false);
  assert.equal(holds("fast == 10", { fast: 10 }), true);
  assert.equal(holds("fast != 10", { fast: 10 }), false);
  assert.equal(holds("a > -1.5e-1", { a: -0.1 }), true);
  assert.equal(holds("a<.5", { a: 0.25 }), true);
  assert.equal(holds("side == a", { side: true, a: 1 }), false);
});

Deno.test("and binds tighter than or; parentheses regroup; keywords in any case", () => {
  // a < 1 or (b < 1 and c < 1)
  assert.equal(holds("a < 1 or b < 1 and c < 1", { a: 0, b: 5, c: 5 }), true);
  assert.equal(holds("a < 1 or b < 1 and c < 1", { a: 5, b: 0, c: 5 }), false);
  assert.equal(holds("(a < 1 or b < 1) and c < 1", { a: 0, b: 5, c: 5 }), false);
  assert.equal(holds("a < 1 OR b < 1 AND c < 1", { a: 5, b: 0, c: 0 }), true);
  assert.equal(holds("((a < 1))", { a: 0 }), true);
});

Deno.test("a chain a < b < c means a < b and b < c", () => {
  assert.equal(holds("2 <= fast < slow", { fast: 2, slow: 3 }), true);
  assert.equal(holds("2 <= fast < slow", { fast: 1, slow: 3 }), false);
  assert.equal(holds("2 <= fast < slow", { fast: 4, slow: 3 }), false);
});

Deno.test("the parsed constraint lists the parameters it uses", () => {
  assert.deepEqual(parseConstraint("slow > fast and fast > 2 or slow == 9", P).parameters, [
    "slow",
    "fast",
  ]);
});

Deno.test("malformed constraints are SyntaxErrors that quote the text and give the column", () => {
  const fails = (text: string, expected: string) =>
    assert.throws(() => parseConstraint(text, ["fast", "slow"]), (e: Error) => {
      assert.ok(e instanceof SyntaxError, e.message);
      assert.equal(e.message, `Cannot parse constraint "${text}": ${expected}`);
      return true;
    });
  fails("fast < < slow", 'expected a parameter or a number at column 8, found "<"');
  fails("fats < slow", 'unknown parameter "fats" at column 1 (parameters: fast, slow)');
  fails(
    "fast < slow and slwo > 3",
    'unknown parameter "slwo" at column 17 (parameters: fast, slow)',
  );
  fails("fast = slow", 'unexpected "=" (use "==") at column 6');
  fails("fast && slow", 'unexpected "&" (use "and" / "or") at column 6');
  fails("fast < slow and", "expected a parameter or a number at column 16, found the end");
  fails("(fast < slow", 'expected ")" at column 13, found the end');
  fails("fast", "expected a comparison (< <= > >= == !=) at column 5, found the end");
  fails("fast < slow slow", 'expected "and", "or" or the end at column 13, found "slow"');
  fails("  ", "it is empty at column 1");
});

Deno.test("an ordering comparison of a non-number is a TypeError when evaluated", () => {
  const c = parseConstraint("side < 3", P);
  assert.throws(() => c.test({ side: true }), /"<" needs numbers, got true and 3/);
});
