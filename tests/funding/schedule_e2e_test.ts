/**
 * End-to-end: `deno task schedule --once --funding` as a user runs it, with its own permission set
 * (plus loopback), against the local Binance and Bybit funding servers, a throwaway database and
 * real time: the scheduler's funding job runs the real backfill.
 */
import assert from "node:assert/strict";
import { DAY_MS } from "../../lib/core/time.ts";
import { FINISHED_KEYS, runSchedule, sandbox } from "../schedule/helpers.ts";
import { H, settlements, startFundingMarket } from "./exchange_fixture.ts";

Deno.test("schedule --once --funding backfills both exchanges' funding history into the database", async () => {
  const m = startFundingMarket();
  const sb = sandbox("test-funding");
  try {
    const last = Math.floor(Date.now() / (8 * H)) * 8 * H;
    const binance = settlements(last - 5 * DAY_MS, last + 1, 8);
    const bybit = settlements(last - 5 * DAY_MS, last + 1, 8, 500);
    m.binance.set("BTCUSDT", binance);
    m.bybit.set("BTCUSDT", bybit);
    m.bybitInterval.set("BTCUSDT", 8);
    const env = {
      ...sb.env,
      BINANCE_FUTURES_BASE_URL: m.server.url,
      BYBIT_BASE_URL: m.server.url,
      REALTIME_EXCHANGES: "binance,bybit",
      REALTIME_SYMBOLS: "BTCUSDT",
      REDIS_URL: "",
      HTTP_BACKOFF_BASE_MS: "50",
    };
    const r = await runSchedule(["--once", "--funding", "--json"], env);
    assert.equal(r.code, 0, r.stderr);
    const [line] = r.lines.map((l) => JSON.parse(l));
    assert.deepEqual(Object.keys(line), FINISHED_KEYS);
    assert.deepEqual([line.job, line.outcome], ["funding", "success"]);
    const store = sb.open();
    try {
      const [run] = await store.listRuns({ task: "funding" });
      assert.equal(run.status, "success");
      assert.equal((run.params.scheduled as { job: string }).job, "funding");
      assert.equal(run.params.days, 3, "the job's default window");
      const from = Date.parse(String(run.params.from));
      const expectBin = binance.filter((s) => s.t >= from);
      const expectByb = bybit.filter((s) => s.t >= from);
      assert.ok(expectBin.length >= 8 && expectBin.length <= 10, `${expectBin.length} in 3 days`);
      const gotBin = await store.listFunding({ exchange: "binance", symbol: "BTCUSDT" });
      const gotByb = await store.listFunding({ exchange: "bybit", symbol: "BTCUSDT" });
      assert.deepEqual(
        gotBin.map((o) => [o.fundingTimeMs, o.rate, o.markPrice]),
        expectBin.map((s) => [s.t, s.rate, s.mark]),
      );
      assert.deepEqual(
        gotByb.map((o) => [o.fundingTimeMs, o.rate, o.markPrice]),
        expectByb.map((s) => [s.t, s.rate, null]),
      );
      assert.ok([...gotBin, ...gotByb].every((o) => o.intervalHours === 8));
      assert.equal(run.rowsWritten, expectBin.length + expectByb.length);
      const [job] = await store.listJobRuns({ job: "funding" });
      assert.equal(job.status, "success");
      assert.equal(job.detail?.rowsWritten, run.rowsWritten);
    } finally {
      store.close();
    }
  } finally {
    await m.server.close();
    await sb.cleanup();
  }
});
