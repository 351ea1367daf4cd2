import assert from "node:assert/strict";
import { CHUNK, HEAD, NumberColumn, TextColumn } from "./column.ts";

Deno.test("columns keep every value in order across the head and the chunks", () => {
  const n = new NumberColumn(), t = new TextColumn();
  const N = HEAD + CHUNK * 2 + 7; // the head, two full chunks and a part
  for (let k = 0; k < N; k++) {
    n.push(k * 0.1 - 3);
    t.push(k % 3 === 0 ? "signal" : k % 3 === 1 ? "stop_loss" : "end of run");
  }
  assert.equal(n.length, N);
  assert.equal(t.length, N);
  for (const k of [0, HEAD - 1, HEAD, HEAD + CHUNK - 1, HEAD + CHUNK, N - 1]) {
    assert.equal(n.at(k), k * 0.1 - 3);
    assert.equal(t.at(k), k % 3 === 0 ? "signal" : k % 3 === 1 ? "stop_loss" : "end of run");
  }
  assert.deepEqual([...n.toArray()], Array.from({ length: N }, (_, k) => k * 0.1 - 3));
  for (const m of [0, 1, HEAD, HEAD + 1, HEAD + CHUNK]) {
    const c = new NumberColumn();
    for (let k = 0; k < m; k++) c.push(k);
    assert.deepEqual([...c.toArray()], Array.from({ length: m }, (_, k) => k), `${m} values`);
  }
  const z = new NumberColumn();
  z.push(-0);
  z.push(NaN);
  assert.ok(Object.is(z.at(0), -0) && Number.isNaN(z.at(1)));
});
