import assert from "node:assert/strict";
import { CHUNK_ROWS, Codes, FIRST_ROWS, RowLog } from "./column.ts";

Deno.test("a row log keeps every row in order across the first chunk and the later ones", () => {
  const log = new RowLog(3);
  const N = FIRST_ROWS + CHUNK_ROWS * 2 + 7; // the first chunk, two full chunks and a part
  for (let k = 0; k < N; k++) {
    const o = log.append(), t = log.tail;
    t[o] = k * 0.1 - 3;
    t[o + 1] = -k;
    t[o + 2] = k === 5 ? -0 : k === 6 ? NaN : k;
  }
  assert.equal(log.length, N);
  for (
    const k of [
      0,
      FIRST_ROWS - 1,
      FIRST_ROWS,
      FIRST_ROWS + CHUNK_ROWS - 1,
      FIRST_ROWS + CHUNK_ROWS,
      N - 1,
    ]
  ) {
    assert.equal(log.at(k, 0), k * 0.1 - 3, `row ${k}`);
    assert.equal(log.at(k, 1), -k, `row ${k}`);
    assert.equal(log.at(k, 2), k, `row ${k}`);
  }
  assert.ok(Object.is(log.at(5, 2), -0) && Number.isNaN(log.at(6, 2)));
  assert.deepEqual([...log.column(1)], Array.from({ length: N }, (_, k) => -k));
  for (const m of [0, 1, FIRST_ROWS, FIRST_ROWS + 1, FIRST_ROWS + CHUNK_ROWS]) {
    const l = new RowLog(1);
    for (let k = 0; k < m; k++) {
      const o = l.append(); // before reading tail: append may start a new chunk
      l.tail[o] = k;
    }
    assert.deepEqual([...l.column(0)], Array.from({ length: m }, (_, k) => k), `${m} rows`);
  }
  assert.throws(() => new RowLog(0), /stride of 1 to 12/);
  assert.throws(() => new RowLog(13), /stride of 1 to 12/);
});

Deno.test("codes number the distinct strings in order of first use", () => {
  const c = new Codes();
  const words = ["signal", "stop_loss", "signal", "signal", "end of run", "stop_loss"];
  assert.deepEqual(words.map((w) => c.code(w)), [0, 1, 0, 0, 2, 1]);
  assert.deepEqual([0, 1, 2].map((k) => c.value(k)), ["signal", "stop_loss", "end of run"]);
  assert.equal(c.size, 3);
});
