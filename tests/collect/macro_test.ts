/**
 * The macro collector against local FRED and CBOE servers in the real formats, and the status
 * report built from what the collectors recorded.
 */
import assert from "node:assert/strict";
import { CboeClient } from "../../lib/clients/cboe/client.ts";
import { CoinGeckoClient } from "../../lib/clients/coingecko/client.ts";
import { FredClient } from "../../lib/clients/fred/client.ts";
import { DAY_MS, isoDate, parseUtcDate } from "../../lib/core/time.ts";
import { ManualClock } from "../../lib/net/clock.ts";
import { collectPrices } from "../../lib/services/collector.ts";
import { collectMacro } from "../../lib/services/macro_collector.ts";
import { coinGeckoSource } from "../../lib/services/price_sources.ts";
import { collectionStatus } from "../../lib/services/status.ts";
import { SqliteStore } from "../../lib/storage/sqlite_store.ts";
import { REFERENCE_MISSING, referenceDir } from "../helpers/fixture_server.ts";
import { macroValueAt, startMarket } from "./market_fixture.ts";

const NOW = Date.UTC(2026, 10, 20, 12, 30); // Friday
const KEY = "a".repeat(32);

function fred(url: string, key = KEY) {
  const clock = new ManualClock(NOW);
  return new FredClient({
    apiKey: key,
    baseUrl: `${url}/fred`,
    timeoutMs: 2_000,
    backoff: { baseMs: 100, maxMs: 1_000 },
    clock,
    random: () => 0.5,
  });
}

/** Weekdays d with from <= d < to (the fixture publishes weekdays up to yesterday). */
function weekdays(from: number, to: number): number[] {
  const out = [];
  for (let t = from; t < to; t += DAY_MS) {
    const wd = new Date(t).getUTCDay();
    if (wd !== 0 && wd !== 6) out.push(t);
  }
  return out;
}

Deno.test('FRED: values stored with their vintage, "." recorded as missing, names mapped to FRED ids', async () => {
  const holiday = Date.UTC(2026, 10, 11); // Wednesday reported as "."
  const m = startMarket({ now: () => NOW, fredMissing: new Set([holiday]) });
  const store = SqliteStore.open(":memory:");
  try {
    const r = await collectMacro(store, {
      indicators: ["VIX", "DXY"],
      days: 14,
      nowMs: NOW,
      fred: fred(m.server.url),
    });
    assert.equal(r.status, "success");
    const ids = m.server.requestsTo("/fred/").map((q) => q.query.get("series_id"));
    assert.deepEqual(ids, ["VIXCLS", "DTWEXBGS"]);
    // window starts 2026-11-06; the fixture's last day is 2026-11-19
    const days = weekdays(Date.UTC(2026, 10, 6), NOW - DAY_MS).filter((d) => d !== holiday);
    const vix = await store.getMacro("VIX", { source: "fred" });
    assert.deepEqual(vix.map((o) => o.ts), days);
    assert.equal(vix[0].value, macroValueAt("VIXCLS", days[0]));
    assert.equal(r.items[0].missingValues, 1);
    const missing = await store.listQualityIssues({ kind: "missing_value", subject: "VIX" });
    assert.deepEqual(missing.map((i) => i.ts), [holiday]);
    const [summary] = (await store.listMacroSeries()).filter((s) => s.series === "VIX");
    assert.equal(summary.lastVintage, NOW);
  } finally {
    store.close();
    await m.server.close();
  }
});

Deno.test("FRED: a rerun writes nothing new; a changed value becomes a revision, the old one kept", async () => {
  const m = startMarket({ now: () => NOW });
  const store = SqliteStore.open(":memory:");
  try {
    const opts = { indicators: ["DGS10"], days: 30, nowMs: NOW, fred: fred(m.server.url) };
    const first = await collectMacro(store, opts);
    assert.ok(first.items[0].inserted > 0);
    const second = await collectMacro(store, opts);
    assert.deepEqual([second.items[0].inserted, second.items[0].revised], [0, 0]);
    assert.equal(second.rowsWritten, 0);
    // the second request asked only for a 14-day tail before the newest stored date (2026-11-19)
    const last = m.server.requestsTo("/fred/").at(-1)!;
    assert.equal(last.query.get("observation_start"), "2026-11-05");

    m.opts.fredBump = 0.5;
    const later = NOW + DAY_MS;
    const third = await collectMacro(store, { ...opts, nowMs: later });
    const tail = weekdays(Date.UTC(2026, 10, 5), NOW - DAY_MS);
    assert.equal(third.items[0].revised, tail.length);
    const d = tail[0];
    const [now] = await store.getMacro("DGS10", { from: d, to: d });
    const [before] = await store.getMacro("DGS10", { from: d, to: d, asOfVintage: NOW });
    assert.equal(now.value, macroValueAt("DGS10", d, 0.5));
    assert.equal(before.value, macroValueAt("DGS10", d));
  } finally {
    store.close();
    await m.server.close();
  }
});

Deno.test("FRED's error body is reported with its message and never with the key", async () => {
  const m = startMarket({ now: () => NOW });
  const store = SqliteStore.open(":memory:");
  try {
    const wrong = "b".repeat(32);
    const r = await collectMacro(store, {
      indicators: ["VIX"],
      days: 5,
      nowMs: NOW,
      fred: fred(m.server.url, wrong),
    });
    assert.equal(r.status, "failed");
    assert.match(
      r.items[0].error!,
      /HTTP 400 .*FRED error 400: Bad Request\. +The value for variable api_key/,
    );
    assert.ok(!r.items[0].error!.includes(wrong));
    assert.equal(m.server.requests.length, 1, "a 400 is not retried");
  } finally {
    store.close();
    await m.server.close();
  }
});

Deno.test("without a FRED key: VIX from CBOE's CSV, FRED-only indicators skipped with the reason", async () => {
  const m = startMarket({ now: () => NOW });
  const store = SqliteStore.open(":memory:");
  try {
    const cboe = new CboeClient({
      vixUrl: `${m.server.url}/cboe/VIX_History.csv`,
      timeoutMs: 2_000,
    });
    const r = await collectMacro(store, { indicators: ["VIX", "DXY"], days: 10, nowMs: NOW, cboe });
    assert.equal(r.status, "success");
    assert.deepEqual(r.items.map((i) => [i.indicator, i.source, i.status]), [
      ["VIX", "cboe", "success"],
      ["DXY", "cboe", "skipped"],
    ]);
    assert.match(r.items[1].error!, /DXY needs FRED: set FRED_API_KEY/);
    const vix = await store.getMacro("VIX", { source: "cboe" });
    const days = weekdays(Date.UTC(2026, 10, 10), NOW - DAY_MS);
    assert.deepEqual(vix.map((o) => o.ts), days, "MM/DD/YYYY dates read as UTC days");
    assert.equal(vix[0].value, Number(macroValueAt("VIXCLS", days[0]).toFixed(6)));
  } finally {
    store.close();
    await m.server.close();
  }
});

Deno.test({
  name:
    "CBOE: the real VIX history (re-dated MM/DD/YYYY as CBOE writes it) loads the window's closes",
  ignore: referenceDir() === undefined,
  async fn() {
    const csv = Deno.readTextFileSync(`${referenceDir()}finance-vix/vix-daily.csv`);
    const cboeCsv = csv.replace(/^(\d{4})-(\d{2})-(\d{2})/gm, "$2/$3/$1");
    const now = Date.UTC(2026, 6, 25, 12);
    const m = startMarket({ now: () => now, cboeCsv });
    const store = SqliteStore.open(":memory:");
    try {
      const cboe = new CboeClient({
        vixUrl: `${m.server.url}/cboe/VIX_History.csv`,
        timeoutMs: 5_000,
      });
      const r = await collectMacro(store, { indicators: ["VIX"], days: 30, nowMs: now, cboe });
      assert.equal(r.status, "success");
      const from = Date.UTC(2026, 5, 25);
      const expected = csv.trim().split("\n").slice(1).map((l) => l.split(","))
        .filter(([d]) => parseUtcDate(d) >= from)
        .map(([d, , , , c]) => [d, Number(c)]);
      const got = (await store.getMacro("VIX", { source: "cboe" })).map((
        o,
      ) => [isoDate(o.ts), o.value]);
      assert.deepEqual(got, expected);
    } finally {
      store.close();
      await m.server.close();
    }
  },
});
if (referenceDir() === undefined) console.warn(REFERENCE_MISSING);

Deno.test("status: success rates, the asset failing now, stale series and the quality summary", async () => {
  const m = startMarket({ now: () => NOW });
  const store = SqliteStore.open(":memory:");
  try {
    m.server.faultAlways("/api/v3/coins/ethereum", { type: "status", status: 500 });
    const clock = new ManualClock(NOW);
    const source = coinGeckoSource(
      new CoinGeckoClient({
        plan: "public",
        baseUrl: `${m.server.url}/api/v3`,
        proBaseUrl: `${m.server.url}/api/v3`,
        timeoutMs: 2_000,
        maxAttempts: 1,
        clock,
      }),
    );
    const opts = { source, assets: ["bitcoin", "ethereum"], interval: "1d" as const, days: 3 };
    await collectPrices(store, { ...opts, nowMs: NOW });
    await collectMacro(store, {
      indicators: ["VIX"],
      days: 10,
      nowMs: NOW,
      fred: fred(m.server.url),
    });

    const fresh = await collectionStatus(store, { nowMs: NOW });
    assert.equal(fresh.runs.considered, 2);
    assert.equal(fresh.runs.successRate, 0.5); // collect partial, macro success
    assert.equal(fresh.runs.itemSuccessRate, 2 / 3);
    assert.deepEqual(fresh.failedAssets.map((f) => [f.task, f.subject]), [["collect", "ethereum"]]);
    const btc = fresh.series.find((s) => s.subject === "bitcoin")!;
    // newest bar 2026-11-19 ended 2026-11-20 00:00, 12.5 h before NOW; stale after 2 days
    assert.deepEqual([btc.count, btc.ageMs, btc.stale], [3, 12.5 * 3_600_000, false]);
    assert.equal(fresh.series.find((s) => s.subject === "VIX")!.stale, false);

    // a week later with no new runs, both are stale
    const later = await collectionStatus(store, { nowMs: NOW + 7 * DAY_MS });
    assert.ok(later.series.every((s) => s.stale));

    // ethereum recovers: it is no longer listed as failing
    m.server.clearFaults();
    await collectPrices(store, { ...opts, nowMs: NOW });
    const after = await collectionStatus(store, { nowMs: NOW });
    assert.deepEqual(after.failedAssets, []);
    assert.equal(after.quality.total, after.quality.recent.length);
  } finally {
    store.close();
    await m.server.close();
  }
});

Deno.test("FRED: an observation dated outside 1970..2100 (year 0024) is not stored; it is a quality issue", async () => {
  const m = startMarket({ now: () => NOW });
  const store = SqliteStore.open(":memory:");
  try {
    m.server.fault("/fred/series/observations", {
      type: "status",
      status: 200,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        count: 2,
        offset: 0,
        limit: 100000,
        observations: [
          { date: "0024-11-18", value: "21.5" },
          { date: "2026-11-18", value: "17.25" },
        ],
      }),
    });
    const r = await collectMacro(store, {
      indicators: ["VIX"],
      days: 14,
      nowMs: NOW,
      fred: fred(m.server.url),
    });
    assert.equal(r.status, "success");
    const vix = await store.getMacro("VIX", { source: "fred" });
    assert.deepEqual(vix, [{ ts: Date.UTC(2026, 10, 18), value: 17.25 }]);
    const [issue] = await store.listQualityIssues({ kind: "out_of_range", subject: "VIX" });
    assert.match(issue.detail, /VIXCLS: 0024-11-18 is out of range: year 0024 is before 1970/);
    assert.equal(r.items[0].issues, 1);
  } finally {
    store.close();
    await m.server.close();
  }
});
