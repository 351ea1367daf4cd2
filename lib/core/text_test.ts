import assert from "node:assert/strict";
import { escapeControls, excerpt, MAX_ECHO_CHARS, safeEcho } from "./text.ts";

Deno.test("excerpt keeps short values and caps long ones with their length", () => {
  assert.equal(excerpt("abc"), "abc");
  assert.equal(excerpt("x".repeat(MAX_ECHO_CHARS)), "x".repeat(MAX_ECHO_CHARS));
  assert.equal(excerpt("abcdefgh", 3), "abc… (8 chars)");
});

Deno.test("excerpt never cuts a surrogate pair in half", () => {
  const s = "ab\u{1F600}cd"; // a, b, high, low, c, d
  assert.equal(excerpt(s, 3), "ab… (6 chars)");
});

Deno.test("escapeControls neutralises escape sequences, CR, bell and bidi overrides", () => {
  assert.equal(escapeControls("a\u001b[31mred\u0007"), "a\\x1b[31mred\\x07");
  assert.equal(escapeControls("x\rY"), "x\\rY");
  assert.equal(escapeControls("\u202eevil"), "\\u202eevil");
  assert.equal(escapeControls("\u009b2J"), "\\x9b2J");
  assert.equal(escapeControls("tab\tand\nnewline"), "tab\tand\nnewline");
  assert.equal(escapeControls("tab\tand\nnewline", { singleLine: true }), "tab\\tand\\nnewline");
  assert.equal(escapeControls("日本語 ok"), "日本語 ok");
});

Deno.test("safeEcho caps then escapes, on one line", () => {
  assert.equal(safeEcho("\u001b".repeat(10), 2), "\\x1b\\x1b… (10 chars)");
});
