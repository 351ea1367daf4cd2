/**
 * The storage contract, run on both backends (SQLite file and PostgreSQL, see backends.ts):
 * whatever a caller can observe through the {@link Store} interfaces must be the same. Expected
 * values are written out by hand from the inputs, never taken from either backend.
 */
import assert from "node:assert/strict";
import type { Candle, SeriesKey } from "../../lib/core/candle.ts";
import type { Signal } from "../../lib/core/signal.ts";
import { contractTest } from "./backends.ts";

const DAY = 86_400_000;
const key: SeriesKey = { source: "csv", asset: "bitcoin", interval: "1d" };
const bar = (ts: number, close: number, extra: Partial<Candle> = {}): Candle => ({
  ts,
  open: close - 1,
  high: close + 2,
  low: close - 2,
  close,
  volume: 10,
  ...extra,
});

/** `p`, or a failure naming `what` if it has not settled within 20 s (a hung driver). */
async function within<T>(what: string, p: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within 20 s`)), 20_000);
  });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

contractTest(
  "upserts count inserted, updated and unchanged rows and values round-trip exactly",
  async (db) => {
    const store = db.open({ now: () => 5 });
    const awkward = [0.1 + 0.2, 1e-12, 123456789.12345679, 65432.1, 5e-324];
    const first = awkward.map((c, i) => bar(i * DAY, c));
    assert.deepEqual(await store.upsertCandles(key, first), {
      inserted: 5,
      updated: 0,
      unchanged: 0,
    });
    // day 1 changes close, day 3 changes only the volume, day 4 is new, the rest are identical
    const second = [
      bar(0, awkward[0]),
      bar(DAY, 7),
      bar(2 * DAY, awkward[2]),
      bar(3 * DAY, awkward[3], { volume: 11 }),
      bar(5 * DAY, 9),
    ];
    assert.deepEqual(await store.upsertCandles(key, second), {
      inserted: 1,
      updated: 2,
      unchanged: 2,
    });
    const rows = await store.getCandles(key);
    assert.deepEqual(rows.map((r) => r.close), [
      awkward[0],
      7,
      awkward[2],
      awkward[3],
      awkward[4],
      9,
    ]);
    assert.equal(rows[3].volume, 11);
    assert.equal(rows[0].open, 0.1 + 0.2 - 1);
    assert.ok(Number.isNaN(rows[0].marketCap));
    const [s] = await store.listSeries();
    assert.deepEqual(s, { ...key, count: 6, firstTs: 0, lastTs: 5 * DAY, updatedAt: 5 });
  },
);

contractTest(
  "a batch reaching before and after the stored bars inserts those and upserts the ones between",
  async (db) => {
    const store = db.open({ now: () => 7 });
    await store.upsertCandles(key, [bar(2 * DAY, 2), bar(3 * DAY, 3), bar(4 * DAY, 4)]);
    // out of order; day 3 changes, days 2 and 4 are given again as they are
    const batch = [6, 0, 3, 5, 2, 1, 4].map((d) => bar(d * DAY, d === 3 ? 30 : d));
    assert.deepEqual(await store.upsertCandles(key, batch), {
      inserted: 4,
      updated: 1,
      unchanged: 2,
    });
    const rows = await store.getCandles(key);
    assert.deepEqual(rows.map((r) => [r.ts / DAY, r.close]), [
      [0, 0],
      [1, 1],
      [2, 2],
      [3, 30],
      [4, 4],
      [5, 5],
      [6, 6],
    ]);
    assert.deepEqual(rows.map((r) => r.high), [2, 3, 4, 32, 6, 7, 8]);
    // the same ts twice in one batch counts as two writes in turn; the last one given wins
    assert.deepEqual(await store.upsertCandles(key, [bar(7 * DAY, 1), bar(7 * DAY, 8)]), {
      inserted: 1,
      updated: 1,
      unchanged: 0,
    });
    // 8 → 5 → 8: two updates, though the row ends as it was
    assert.deepEqual(await store.upsertCandles(key, [bar(7 * DAY, 5), bar(7 * DAY, 8)]), {
      inserted: 0,
      updated: 2,
      unchanged: 0,
    });
    assert.deepEqual((await store.getCandles(key, { from: 7 * DAY })).map((r) => r.close), [8]);
  },
);

contractTest(
  "the series list counts rows and spans; its update time moves only when a row changes",
  async (db) => {
    const early = db.open({ now: () => 5 });
    const late = db.open({ now: () => 9 });
    await early.upsertCandles(key, [bar(DAY, 1), bar(2 * DAY, 2)]);
    await late.upsertCandles(key, [bar(DAY, 1), bar(2 * DAY, 2)]); // unchanged
    assert.deepEqual(await late.listSeries(), [
      { ...key, count: 2, firstTs: DAY, lastTs: 2 * DAY, updatedAt: 5 },
    ]);
    const other: SeriesKey = { ...key, asset: "Zcash" }; // "Z" sorts before "b" byte-wise
    await late.upsertCandles(other, [bar(0, 3)]);
    await late.upsertCandles(key, [bar(0, 0), bar(2 * DAY, 20), bar(3 * DAY, 3)]);
    assert.deepEqual(await early.listSeries(), [
      { ...other, count: 1, firstTs: 0, lastTs: 0, updatedAt: 9 },
      { ...key, count: 4, firstTs: 0, lastTs: 3 * DAY, updatedAt: 9 },
    ]);
  },
);

contractTest(
  "close-only rows keep NaN open, high, low and volume; ranges are inclusive",
  async (db) => {
    const store = db.open();
    const nan = { open: NaN, high: NaN, low: NaN, volume: NaN };
    // written out of order: reads come back in time order
    await store.upsertCandles(key, [bar(2 * DAY, 3, nan), bar(0, 1, nan), bar(DAY, 2, nan)]);
    const rows = await store.getCandles(key, { from: DAY, to: 2 * DAY });
    assert.deepEqual(rows.map((r) => [r.ts, r.close]), [[DAY, 2], [2 * DAY, 3]]);
    assert.ok([rows[0].open, rows[0].high, rows[0].low, rows[0].volume].every(Number.isNaN));
    // the same close-only rows again are unchanged (NULL equals NULL here)
    const again = await store.upsertCandles(key, [bar(0, 1, nan)]);
    assert.deepEqual(again, { inserted: 0, updated: 0, unchanged: 1 });
  },
);

contractTest(
  "a failed unit of work leaves nothing, and a failed nested one only undoes itself",
  async (db) => {
    const store = db.open();
    await assert.rejects(
      store.transaction(async () => {
        await store.upsertCandles(key, [bar(0, 1)]);
        await store.upsertMacro("VIX", "cboe", [{ ts: 0, value: 20 }], 1);
        throw new Error("import failed");
      }),
      /import failed/,
    );
    assert.deepEqual(await store.getCandles(key), []);
    assert.deepEqual(await store.listSeries(), []);
    assert.deepEqual(await store.listMacroSeries(), []);
    await store.transaction(async () => {
      await store.upsertCandles(key, [bar(0, 1)]);
      await assert.rejects(
        store.transaction(async () => {
          await store.upsertCandles(key, [bar(DAY, 2)]);
          throw new Error("inner");
        }),
        /inner/,
      );
      await store.upsertCandles(key, [bar(2 * DAY, 3)]);
    });
    assert.deepEqual((await store.getCandles(key)).map((r) => r.ts), [0, 2 * DAY]);
  },
);

contractTest(
  "a large import is invisible to other readers until it commits, and gone if it fails",
  async (db) => {
    const writer = db.open();
    const reader = db.open();
    const n = 30_000; // above SQLite's staging threshold: the chunked path is exercised there
    const rows = Array.from({ length: n }, (_, i) => bar(i * 60_000, 100 + (i % 7)));
    const minute: SeriesKey = { ...key, interval: "1m" };
    const seen: number[] = [];
    await assert.rejects(
      writer.transaction(async () => {
        await writer.upsertCandles(minute, rows);
        seen.push((await reader.getCandles(minute)).length);
        throw new Error("bad row at the end");
      }),
      /bad row/,
    );
    assert.deepEqual(seen, [0]);
    assert.equal((await reader.getCandles(minute)).length, 0);
    await writer.transaction(() => writer.upsertCandles(minute, rows));
    const back = await reader.getCandles(minute);
    assert.equal(back.length, n);
    assert.equal(back[n - 1].ts, (n - 1) * 60_000);
    assert.equal(back[n - 1].close, 100 + ((n - 1) % 7));
  },
);

contractTest(
  "a batch the database rejects leaves nothing, new or over stored rows, and the store goes on",
  async (db) => {
    const store = db.open();
    const minute: SeriesKey = { ...key, interval: "1m" };
    // 40,000 rows: several pieces of PostgreSQL's COPY stream; a close of NaN breaks NOT NULL
    const rows = Array.from({ length: 40_000 }, (_, i) => bar(i * 60_000, 100 + (i % 7)));
    for (const bad of [0, 20_000, rows.length - 1]) {
      const broken = rows.map((r, i) => i === bad ? { ...r, close: NaN } : r);
      await assert.rejects(
        within(`bad row ${bad}`, store.upsertCandles(minute, broken)),
        /not[- ]null/i,
      );
      assert.equal((await store.getCandles(minute)).length, 0, `bad row ${bad}`);
    }
    assert.deepEqual(await store.upsertCandles(minute, rows.slice(0, 30_000)), {
      inserted: 30_000,
      updated: 0,
      unchanged: 0,
    });
    // over stored rows (the upsert path), with new ones after them
    const over = rows.map((r, i) => i === 10 ? { ...r, close: NaN } : { ...r, close: r.close + 1 });
    await assert.rejects(
      within("bad row over stored rows", store.upsertCandles(minute, over)),
      /not[- ]null/i,
    );
    const back = await store.getCandles(minute);
    assert.equal(back.length, 30_000);
    assert.equal(back[10].close, 100 + (10 % 7));
    assert.deepEqual(await store.upsertCandles(minute, rows), {
      inserted: 10_000,
      updated: 0,
      unchanged: 30_000,
    });
    const [summary] = await store.listSeries();
    assert.deepEqual([summary.count, summary.firstTs, summary.lastTs], [
      40_000,
      0,
      39_999 * 60_000,
    ]);
  },
);

contractTest(
  "macro revisions keep point-in-time views, and the preferred source is read",
  async (db) => {
    const store = db.open();
    assert.deepEqual(
      await store.upsertMacro("DXY", "fred", [{ ts: 0, value: 100 }, { ts: DAY, value: 101 }], 10),
      { inserted: 2, revised: 0, unchanged: 0 },
    );
    assert.deepEqual(
      await store.upsertMacro("DXY", "fred", [{ ts: 0, value: 100 }, { ts: DAY, value: 102 }], 20),
      { inserted: 0, revised: 1, unchanged: 1 },
    );
    await store.upsertMacro("DXY", "fred", [{ ts: DAY, value: 103 }], 30);
    await store.upsertMacro("DXY", "sample", [{ ts: 0, value: 1 }], 5);
    assert.deepEqual(await store.getMacro("DXY"), [{ ts: 0, value: 100 }, { ts: DAY, value: 103 }]);
    assert.deepEqual(await store.getMacro("DXY", { asOfVintage: 25 }), [
      { ts: 0, value: 100 },
      { ts: DAY, value: 102 },
    ]);
    assert.deepEqual(await store.getMacro("DXY", { asOfVintage: 9 }), []);
    assert.deepEqual(await store.getMacro("DXY", { source: "sample" }), [{ ts: 0, value: 1 }]);
    assert.deepEqual(await store.getMacro("DXY", { from: DAY, to: DAY }), [{
      ts: DAY,
      value: 103,
    }]);
    assert.deepEqual(await store.listMacroSeries(), [
      {
        series: "DXY",
        source: "fred",
        count: 2,
        firstTs: 0,
        lastTs: DAY,
        lastVintage: 30,
        revisions: 2,
      },
      {
        series: "DXY",
        source: "sample",
        count: 1,
        firstTs: 0,
        lastTs: 0,
        lastVintage: 5,
        revisions: 0,
      },
    ]);
    await assert.rejects(store.upsertMacro("DXY", "fred", [{ ts: 0, value: NaN }], 40), RangeError);
  },
);

contractTest(
  "a recorded gap is resolved by the run whose data fills it; staleness by newer data",
  async (db) => {
    const store = db.open({ now: () => 1_000 });
    await store.upsertCandles(key, [bar(0, 1), bar(3 * DAY, 4)]);
    const found = await store.recordQualityIssues([
      {
        ...key,
        subject: key.asset,
        kind: "gap",
        ts: DAY,
        tsEnd: 3 * DAY,
        missingBars: 2,
        detail: "2 bars missing",
      },
      { ...key, subject: key.asset, kind: "stale", ts: 3 * DAY, detail: "no new bar" },
    ]);
    assert.deepEqual(found, { inserted: 2 });
    // recording the same issue again only refreshes it
    assert.deepEqual(
      await store.recordQualityIssues([
        {
          ...key,
          subject: key.asset,
          kind: "gap",
          ts: DAY,
          tsEnd: 3 * DAY,
          missingBars: 2,
          detail: "again",
        },
      ]),
      { inserted: 0 },
    );
    const run = await store.startRun("collect", {});
    await store.upsertCandles(key, [bar(DAY, 2)], { runId: run });
    assert.equal((await store.listQualityIssues()).filter((i) => i.kind === "gap").length, 1);
    await store.upsertCandles(key, [bar(2 * DAY, 3), bar(4 * DAY, 5)], { runId: run });
    await store.finishRun(run, { status: "success", rowsWritten: 3 });
    assert.deepEqual(await store.listQualityIssues(), []);
    const resolved = await store.listQualityIssues({ state: "resolved" });
    assert.deepEqual(resolved.map((i) => [i.kind, i.detail, i.resolvedByRun, i.resolvedAt]), [
      ["gap", "again", run, 1_000],
      ["stale", "no new bar", run, 1_000],
    ]);
    assert.equal((await store.listQualityIssues({ state: "all", kind: "gap" })).length, 1);
  },
);

contractTest(
  "runs record their items and outcome; a dead process's run is closed, a live one kept",
  async (db) => {
    const a = db.open();
    const b = db.open();
    const c = db.open();
    const mine = await a.startRun("import", { file: "x.csv" });
    const live = await c.startRun("import", { file: "y.csv" });
    assert.deepEqual((await b.listRuns({ task: "import" })).map((r) => [r.id, r.live]), [
      [live, true],
      [mine, true],
    ]);
    await a.close(); // the process ends with its run unfinished
    assert.deepEqual(await b.closeAbandonedRuns("import", "interrupted"), [mine]);
    const [lr, dead] = await b.listRuns({ task: "import" });
    assert.equal(lr.status, "running");
    assert.deepEqual([dead.status, dead.error, dead.params], ["failed", "interrupted", {
      file: "x.csv",
    }]);
    await c.finishRun(live, {
      status: "partial",
      rowsWritten: 7,
      issues: 2,
      error: "one asset failed",
      items: [
        { source: "csv", subject: "ethereum", status: "failed", rowsWritten: 0, error: "404" },
        { source: "csv", subject: "bitcoin", interval: "1d", status: "success", rowsWritten: 7 },
      ],
    });
    const [done] = await b.listRuns({ limit: 1 });
    assert.deepEqual(
      [done.status, done.rowsWritten, done.issues, done.error, done.live],
      ["partial", 7, 2, "one asset failed", undefined],
    );
    assert.deepEqual(done.items.map((i) => [i.subject, i.interval, i.status, i.error]), [
      ["bitcoin", "1d", "success", undefined],
      ["ethereum", undefined, "failed", "404"],
    ]);
    assert.deepEqual(await b.closeAbandonedRuns("import", "x"), []);
  },
);

contractTest(
  "signals are replaced per ts, asset and strategy and listed newest first",
  async (db) => {
    const store = db.open();
    const sig = (ts: number, asset: string, strategy: string, confidence: number): Signal => ({
      ts,
      asset,
      strategy,
      direction: "long",
      confidence,
      size: 0.25,
      reason: `r${confidence}`,
      inputs: { rsi: 31.5 },
    });
    await store.saveSignals([sig(0, "bitcoin", "rsi", 0.5), sig(0, "ethereum", "rsi", 0.6)], {
      bitcoin: 100,
    });
    assert.equal(
      await store.saveSignals([
        sig(0, "bitcoin", "rsi", 0.9),
        sig(DAY, "bitcoin", "aggregate", 0.7),
      ]),
      2,
    );
    const all = await store.listSignals();
    assert.deepEqual(all.map((s) => [s.ts, s.asset, s.strategy, s.confidence]), [
      [DAY, "bitcoin", "aggregate", 0.7],
      [0, "bitcoin", "rsi", 0.9],
      [0, "ethereum", "rsi", 0.6],
    ]);
    assert.deepEqual(all[1].inputs, { rsi: 31.5 });
    assert.equal(all[1].stopLoss, undefined);
    assert.deepEqual((await store.listSignals({ asset: "ethereum" })).length, 1);
    assert.deepEqual((await store.listSignals({ strategy: "rsi", limit: 1 }))[0].asset, "bitcoin");
    const key = (s: Signal) => `${s.ts}:${s.asset}:${s.strategy}`;
    assert.deepEqual((await store.listSignals({ from: 1 })).map(key), [`${DAY}:bitcoin:aggregate`]);
    assert.deepEqual((await store.listSignals({ to: DAY - 1 })).map(key), [
      "0:bitcoin:rsi",
      "0:ethereum:rsi",
    ]);
    assert.deepEqual((await store.listSignals({ from: 0, to: 0, offset: 1 })).map(key), [
      "0:ethereum:rsi",
    ]);
    assert.deepEqual((await store.listSignals({ limit: 1, offset: 1 })).map(key), [
      "0:bitcoin:rsi",
    ]);
    assert.deepEqual(await store.listSignals({ offset: 3 }), []);
  },
);

contractTest(
  "backtest runs keep their manifest; non-finite metrics are stored as null",
  async (db) => {
    const store = db.open();
    const base = {
      createdAt: 5,
      strategy: "BuyHold",
      assets: ["bitcoin", "ethereum"],
      startTs: 0,
      endTs: DAY,
      params: { fast: 10, nested: { a: [1, 2] } },
      configHash: "c0ffee",
      dataChecksum: "beef",
      engineVersion: "1.0.0",
    };
    const first = await store.saveBacktestRun({
      ...base,
      metrics: { sharpe: Infinity, ret: 0.125 },
    });
    const second = await store.saveBacktestRun({
      ...base,
      strategy: "Rsi",
      metrics: { ret: -0.5 },
    });
    assert.ok(second > first);
    const [newest, older] = await store.listBacktestRuns();
    assert.equal(newest.strategy, "Rsi");
    assert.deepEqual(older, { ...base, id: first, metrics: { sharpe: null, ret: 0.125 } });
    assert.equal((await store.listBacktestRuns(1)).length, 1);
    assert.deepEqual(await store.getBacktestRun(first), older);
    assert.equal((await store.getBacktestRun(second))?.strategy, "Rsi");
    assert.equal(await store.getBacktestRun(second + 1000), undefined);
  },
);

contractTest(
  "of two processes claiming one job slot exactly one gets it; a dead owner's slot is claimed again",
  async (db) => {
    const a = db.open();
    const b = db.open();
    const claim = { job: "collect", slot: 3_600_000, startedAt: 10, catchUp: true, missedSlots: 2 };
    const got = await Promise.all([a.claimJobRun(claim), b.claimJobRun(claim)]);
    assert.equal(got.filter((id) => id !== undefined).length, 1);
    const winner = got[0] !== undefined ? a : b;
    const loser = winner === a ? b : a;
    const id = got.find((x) => x !== undefined)!;
    assert.equal((await loser.listJobRuns())[0].live, true);
    await winner.close(); // dies mid-run
    const again = await loser.claimJobRun({ ...claim, startedAt: 20 });
    assert.equal(again, id);
    await loser.finishJobRun(id, {
      status: "success",
      finishedAt: 30,
      attempts: 2,
      detail: { rows: 3 },
    });
    await loser.recordSkippedSlot("collect", 7_200_000, 40, "previous run still going");
    await loser.recordSkippedSlot("collect", 7_200_000, 50, "ignored: already recorded");
    const runs = await loser.listJobRuns({ job: "collect" });
    assert.deepEqual(runs.map((r) => [r.slot, r.status, r.error]), [
      [7_200_000, "skipped", "previous run still going"],
      [3_600_000, "success", undefined],
    ]);
    assert.deepEqual(
      [
        runs[1].startedAt,
        runs[1].finishedAt,
        runs[1].attempts,
        runs[1].catchUp,
        runs[1].missedSlots,
        runs[1].detail,
      ],
      [20, 30, 2, true, 2, { rows: 3 }],
    );
    const [state] = await loser.jobStates();
    assert.deepEqual(
      [
        state.job,
        state.handledSlot,
        state.lastRun?.id,
        state.lastSuccess?.id,
        state.lastFailure,
        state.skipped,
      ],
      ["collect", 7_200_000, id, id, undefined, 1],
    );
  },
);

contractTest(
  "writers in several processes at once: overlapping candles and revisions of one series",
  async (db) => {
    const stores = [db.open(), db.open(), db.open()];
    // each writes days 0..99 with its own close; the last writer of each row wins, none fails
    await Promise.all(
      stores.map((s, k) =>
        s.upsertCandles(
          key,
          Array.from({ length: 100 }, (_, i) => bar(i * DAY, 1_000 * (k + 1) + i)),
        )
      ),
    );
    const rows = await stores[0].getCandles(key);
    assert.equal(rows.length, 100);
    assert.ok(rows.every((r, i) => [1_000, 2_000, 3_000].map((b) => b + i).includes(r.close)));
    // three processes each revise the same date once: revisions 1, 2 and 3 of it, in some order
    await stores[0].upsertMacro("VIX", "cboe", [{ ts: 0, value: 10 }], 1);
    await Promise.all(
      stores.map((s, k) => s.upsertMacro("VIX", "cboe", [{ ts: 0, value: 11 + k }], 2 + k)),
    );
    const [summary] = await stores[1].listMacroSeries();
    assert.deepEqual([summary.count, summary.revisions], [1, 3]);
  },
);

contractTest(
  "funding rates keep the wire's decimal text and count inserted, updated, unchanged",
  async (db) => {
    const store = db.open();
    const T = 1_700_000_000_000, H = 3_600_000;
    const obs = (symbol: string, t: number, rate: string, source: "ws" | "rest" = "rest") => ({
      exchange: "binance",
      market: "perp" as const,
      symbol,
      fundingTimeMs: t,
      observedAtMs: t,
      rate,
      markPrice: "43210.10000000",
      intervalHours: 8,
      source,
      receivedAtMs: t + 5,
    });
    assert.deepEqual(
      await store.recordFunding([
        obs("BTCUSDT", T, "0.00010000"),
        obs("BTCUSDT", T + 8 * H, "-0.0000250"),
      ]),
      { inserted: 2, updated: 0, unchanged: 0 },
    );
    assert.deepEqual(
      await store.recordFunding([
        obs("BTCUSDT", T, "0.00010000"),
        obs("BTCUSDT", T + 8 * H, "-0.0000300"),
      ]),
      { inserted: 0, updated: 1, unchanged: 1 },
    );
    await store.recordFunding([obs("ETHUSDT", T, "0.0001"), obs("ETHUSDT", T + H, "0.0002", "ws")]);
    const btc = await store.listFunding({ exchange: "binance", symbol: "BTCUSDT" });
    assert.deepEqual(btc.map((o) => [o.fundingTimeMs, o.rate, o.markPrice]), [
      [T, "0.00010000", "43210.10000000"],
      [T + 8 * H, "-0.0000300", "43210.10000000"],
    ]);
    assert.deepEqual(
      (await store.latestFunding()).map((o) => [o.symbol, o.rate, o.source]),
      [["BTCUSDT", "-0.0000300", "rest"], ["ETHUSDT", "0.0002", "ws"]],
    );
    assert.equal(
      (await store.lastFunding({ exchange: "binance", symbol: "ETHUSDT" }))?.rate,
      "0.0001",
    );
    await assert.rejects(store.recordFunding([obs("BTCUSDT", T, "1e-4")]), RangeError);
  },
);

contractTest(
  "optimisation trials round-trip their equity bytes and non-finite metrics",
  async (db) => {
    const store = db.open();
    const trial = (key: string, sharpe: number) => ({
      trialKey: key,
      configHash: "cfg",
      datasetHash: "ds",
      dataChecksum: "sum",
      strategy: "sma_cross",
      params: { fast: 5, slow: 20 },
      metrics: { sharpe, ret: 0.1 + 0.2 },
      trades: 3,
      equity: new Float64Array([100_000, 100_000.5, 5e-324, -0.25]),
      createdAt: 7,
    });
    assert.equal(await store.saveTrials([trial("a", NaN), trial("b", -Infinity)]), 2);
    await store.saveTrials([trial("b", 1.5)]); // replaced
    const found = await store.findTrials(["a", "b", "missing"]);
    assert.deepEqual([...found.keys()].sort(), ["a", "b"]);
    assert.ok(Number.isNaN(found.get("a")!.metrics.sharpe));
    assert.equal(found.get("b")!.metrics.sharpe, 1.5);
    assert.equal(found.get("a")!.metrics.ret, 0.1 + 0.2);
    assert.deepEqual([...found.get("a")!.equity], [100_000, 100_000.5, 5e-324, -0.25]);
    assert.deepEqual(found.get("a")!.params, { fast: 5, slow: 20 });
  },
);

contractTest(
  "book resyncs and snapshots are listed newest first; a snapshot at the same ts is replaced",
  async (db) => {
    const store = db.open();
    const book = { exchange: "binance", market: "spot", symbol: "BTCUSDT" };
    assert.equal(
      await store.recordResyncs([
        { ...book, reason: "gap", missed: 3, startedAt: 10, durationMs: 40 },
        { ...book, reason: "reconnect", startedAt: 20 },
      ]),
      2,
    );
    const snap = (ts: number, updateId: number) => ({
      ...book,
      ts,
      updateId,
      bids: [["43000.10", "0.500"]] as [string, string][],
      asks: [["43000.20", "1.250"]] as [string, string][],
    });
    await store.recordBookSnapshots([snap(100, 1), snap(200, 2)]);
    await store.recordBookSnapshots([snap(200, 3)]);
    assert.deepEqual((await store.listResyncs()).map((r) => [r.reason, r.missed, r.durationMs]), [
      ["reconnect", undefined, undefined],
      ["gap", 3, 40],
    ]);
    const snaps = await store.listBookSnapshots({ symbol: "BTCUSDT" });
    assert.deepEqual(snaps.map((s) => [s.ts, s.updateId]), [[200, 3], [100, 1]]);
    assert.deepEqual(snaps[0].bids, [["43000.10", "0.500"]]);
    assert.deepEqual(await store.listBookSnapshots({ exchange: "bybit" }), []);
  },
);

contractTest(
  "price alerts: newest first, active ones only on request, each fires once, delete says whether it existed",
  async (db) => {
    const store = db.open();
    const first = await store.saveAlert({
      createdAt: 1,
      subject: "bitcoin",
      kind: "prices",
      condition: "above",
      threshold: 50_000.5,
    });
    const second = await store.saveAlert({
      createdAt: 2,
      subject: "binance:spot:BTCUSDT",
      kind: "book",
      condition: "move",
      threshold: 0.05,
      referencePrice: 43_000.25,
      note: "5 % either way",
    });
    assert.ok(second > first);
    assert.equal(await store.markAlertTriggered(first, 10, 50_001), true);
    assert.equal(await store.markAlertTriggered(first, 11, 50_002), false); // once
    const all = await store.listAlerts();
    assert.deepEqual(all, [
      {
        id: second,
        createdAt: 2,
        subject: "binance:spot:BTCUSDT",
        kind: "book",
        condition: "move",
        threshold: 0.05,
        referencePrice: 43_000.25,
        note: "5 % either way",
        triggeredAt: undefined,
        triggeredPrice: undefined,
      },
      {
        id: first,
        createdAt: 1,
        subject: "bitcoin",
        kind: "prices",
        condition: "above",
        threshold: 50_000.5,
        referencePrice: undefined,
        note: undefined,
        triggeredAt: 10,
        triggeredPrice: 50_001,
      },
    ]);
    assert.deepEqual((await store.listAlerts({ active: true })).map((a) => a.id), [second]);
    assert.equal(await store.deleteAlert(second), true);
    assert.equal(await store.deleteAlert(second), false);
    assert.equal(await store.markAlertTriggered(second, 12, 1), false); // deleted
    assert.deepEqual((await store.listAlerts()).map((a) => a.id), [first]);
  },
);

contractTest(
  "arbitrage opportunities: opened once, updates keep the peak, closed sets reason and duration, replays change nothing",
  async (db) => {
    const store = db.open();
    const base = {
      pair: "BTC binance:spot>bybit:perp",
      symbol: "BTCUSDT",
      openedAtMs: 1_000,
      source: "replay",
    };
    const ev = (
      event: "opened" | "updated" | "closed",
      id: string,
      atMs: number,
      netBps: number,
      peakNetBps: number,
      reason?: string,
    ) => ({
      ...base,
      event,
      id,
      atMs,
      netBps,
      peakNetBps,
      size: 0.5,
      notional: 21_500,
      netAmount: 21_500 * netBps / 10_000,
      reason,
      alert: { id, netBps, at: atMs },
    });
    const events = [
      ev("opened", "a", 1_000, 12, 12),
      ev("opened", "a", 1_000, 99, 99), // a second opened changes nothing
      ev("updated", "a", 1_500, 20, 20),
      ev("updated", "a", 2_000, 8, 20),
      ev("closed", "a", 2_500, 3, 20, "edge"),
      { ...ev("opened", "b", 3_000, 15, 15), openedAtMs: 3_000 },
    ];
    for (const e of events) await store.recordArbitrageEvent(e);
    for (const e of events) await store.recordArbitrageEvent(e); // replayed: same rows
    const [b, a] = await store.listArbitrageOpportunities();
    assert.deepEqual(a, {
      id: "a",
      pair: "BTC binance:spot>bybit:perp",
      symbol: "BTCUSDT",
      openedAt: 1_000,
      closedAt: 2_500,
      durationMs: 1_500,
      openNetBps: 12,
      peakNetBps: 20,
      lastNetBps: 3,
      size: 0.5,
      notional: 21_500,
      netAmount: 6.45, // 21 500 × 3 bps
      events: 4, // opened, two updates, closed
      closeReason: "edge",
      source: "replay",
      lastAlert: { id: "a", netBps: 3, at: 2_500 },
    });
    assert.equal(b.id, "b");
    assert.equal(b.closedAt, undefined);
    assert.equal(b.events, 1);
    assert.deepEqual((await store.listArbitrageOpportunities({ open: true })).map((o) => o.id), [
      "b",
    ]);
    assert.deepEqual((await store.listArbitrageOpportunities({ limit: 1 })).map((o) => o.id), [
      "b",
    ]);
  },
);
