import assert from "node:assert/strict";
import { NumberColumn, TextColumn } from "./column.ts";

Deno.test("columns keep every value in order across their chunks", () => {
  const n = new NumberColumn(), t = new TextColumn();
  const N = 64 + 1024 * 2 + 7; // the first chunk, two full ones and a part
  for (let k = 0; k < N; k++) {
    n.push(k * 0.1 - 3);
    t.push(k % 3 === 0 ? "signal" : "stop_loss");
  }
  assert.equal(n.length, N);
  assert.equal(t.length, N);
  for (const k of [0, 63, 64, 1087, 1088, N - 1]) {
    assert.equal(n.at(k), k * 0.1 - 3);
    assert.equal(t.at(k), k % 3 === 0 ? "signal" : "stop_loss");
  }
  assert.deepEqual([...n.toArray()], Array.from({ length: N }, (_, k) => k * 0.1 - 3));
});
