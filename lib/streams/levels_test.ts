import assert from "node:assert/strict";
import { ownCopy } from "./levels.ts";

Deno.test("ownCopy gives the very characters of the slice, at every length up to a quantity's 48", () => {
  const text = Array.from({ length: 70 }, (_, i) => String.fromCharCode(48 + (i % 75))).join("");
  for (let start = 0; start < 3; start++) {
    for (let end = start; end <= start + 50; end++) {
      assert.equal(ownCopy(text, start, end), text.slice(start, end));
    }
  }
});
