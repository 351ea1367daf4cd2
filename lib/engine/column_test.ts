import assert from "node:assert/strict";
import { CHUNK, Column } from "./column.ts";

Deno.test("columns keep every value in order across their chunks", () => {
  const n = new Column<number>(), t = new Column<string>();
  const N = CHUNK * 2 + 7; // two full chunks and a part
  for (let k = 0; k < N; k++) {
    n.push(k * 0.1 - 3);
    t.push(k % 3 === 0 ? "signal" : "stop_loss");
  }
  assert.equal(n.length, N);
  assert.equal(t.length, N);
  for (const k of [0, CHUNK - 1, CHUNK, 2 * CHUNK - 1, 2 * CHUNK, N - 1]) {
    assert.equal(n.at(k), k * 0.1 - 3);
    assert.equal(t.at(k), k % 3 === 0 ? "signal" : "stop_loss");
  }
  assert.deepEqual([...n.toArray()], Array.from({ length: N }, (_, k) => k * 0.1 - 3));
  const small = new Column<number>();
  small.push(-0);
  assert.ok(Object.is(small.toArray()[0], -0));
});
