import assert from "node:assert/strict";
import { guardTerminalOutput } from "./output.ts";

Deno.test("guarded console output escapes control characters, keeps newlines and tabs, and is undone", () => {
  const seen: unknown[][] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => seen.push(args);
  try {
    const unguard = guardTerminalOutput();
    console.log("file x\u001b[31mred\u0007.csv\n\tok", 3);
    unguard();
    console.log("\u001b[2J");
  } finally {
    console.log = original;
  }
  assert.deepEqual(seen, [["file x\\x1b[31mred\\x07.csv\n\tok", 3], ["\u001b[2J"]]);
});
