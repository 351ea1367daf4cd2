/**
 * The detector wired to the stream in one process, against the local exchange simulators:
 * `deno task stream --arbitrage` and plain `deno task arbitrage` (which runs the stream's live
 * run itself). Binance spot and Bybit spot serve hand-made books that cross by a known amount;
 * the simulators' random updates touch only levels 300 ticks (3.00) or more from the best, so
 * the crossing part of the books never moves while the books stay live.
 *
 * Buy on Bybit spot (asks), sell on Binance spot (bids); both taker fees 0.001 (the defaults).
 * A unit's gain is bid × 0.999 − ask × 1.001:
 *
 * | ask (left)        | bid (left)        | gain per unit                      | qty | net      |
 * | ----------------- | ----------------- | ---------------------------------- | --- | -------- |
 * | 100.00 (1)        | 100.80 (1.5)      | 100.6992 − 100.1000   = 0.5992     | 1   | 0.5992   |
 * | 100.20 (2)        | 100.80 (0.5)      | 100.6992 − 100.3002   = 0.3990     | 0.5 | 0.1995   |
 * | 100.20 (1.5)      | 100.60 (1)        | 100.4994 − 100.3002   = 0.1992     | 1   | 0.1992   |
 * | 100.20 (0.5)      | 99.00 (5)         | 98.9010 − 100.3002 < 0: stop       |     |          |
 *
 * Size 2.5; buy notional 100 + 1.5 × 100.20 = 250.30 (VWAP 250.30 / 2.5 = 100.12); sell
 * notional 1.5 × 100.80 + 100.60 = 251.80 (VWAP 100.72); net 251.80 × 0.999 − 250.30 × 1.001 =
 * 251.5482 − 250.5503 = 0.9979 (the table's sum); net bps 0.9979 / 250.30 × 10⁴ = 39.8682;
 * gross bps (251.80 − 250.30) / 250.30 × 10⁴ = 59.9281; fee amounts 0.2503 (buy), 0.2518 (sell).
 * The reverse direction does not cross: Binance asks start at 101.00, Bybit bids at 99.90.
 */
import assert from "node:assert/strict";
import { haveReference, SimExchange } from "../helpers/exchange_sim.ts";
import { runStream } from "../stream/helpers.ts";
import { DatabaseSync } from "node:sqlite";
import { ArbitrageProcess, ROOT, runTask } from "./process.ts";

const BINANCE = {
  bids: [["100.80", "1.5"], ["100.60", "1"], ["99.00", "5"]] as [string, string][],
  asks: [["101.00", "1"], ["101.50", "2"]] as [string, string][],
};
const BYBIT = {
  bids: [["99.90", "1"], ["99.50", "2"]] as [string, string][],
  asks: [["100.00", "1"], ["100.20", "2"], ["101.00", "5"]] as [string, string][],
};

async function setup() {
  const dir = `data/test-arbitrage-wiring-${crypto.randomUUID().slice(0, 8)}`;
  await Deno.mkdir(`${ROOT}${dir}`, { recursive: true });
  const o = { symbols: ["BTCUSDT"], quietTicks: 300, everyMs: 50 };
  const spot = new SimExchange({ kind: "binance-spot", book: BINANCE, ...o });
  const bybit = new SimExchange({ kind: "bybit", book: BYBIT, seed: 9, ...o });
  const env = {
    BINANCE_BASE_URL: spot.url,
    BINANCE_WS_URL: spot.wsUrl,
    BYBIT_BASE_URL: bybit.url,
    BYBIT_WS_URL: bybit.wsUrl,
    DATABASE_PATH: `${dir}/mts.db`,
    DATA_DIR: dir,
    LOG_FILE: "",
    REDIS_URL: "",
    ALERT_WEBHOOK_URL: "",
    NO_COLOR: "1",
  };
  return {
    env,
    dir,
    spot,
    bybit,
    close: async () => {
      await Promise.all([spot.close(), bybit.close()]);
      await Deno.remove(`${ROOT}${dir}`, { recursive: true }).catch(() => {});
    },
  };
}

const WHAT = ["--exchanges", "binance,bybit", "--markets", "spot", "--symbols", "BTCUSDT"];
const DETECT = ["--max-age", "60s"];

/** The hand-computed opening (see the module comment). */
function checkOpened(a: Record<string, unknown>) {
  const buy = a.buy as Record<string, unknown>, sell = a.sell as Record<string, unknown>;
  assert.equal(a.pair, "BTC bybit:spot>binance:spot");
  assert.equal(a.symbol, "BTCUSDT");
  assert.equal(buy.exchange, "bybit");
  assert.equal(buy.market, "spot");
  assert.equal(sell.exchange, "binance");
  assert.equal(sell.market, "spot");
  assert.equal(a.size, 2.5);
  assert.equal(a.notional, 250.3);
  assert.equal(buy.vwap, 100.12);
  assert.equal(sell.vwap, 100.72);
  assert.equal(buy.fee, 0.001);
  assert.equal(sell.fee, 0.001);
  assert.equal(buy.feeAmount, 0.2503);
  assert.equal(sell.feeAmount, 0.2518);
  assert.equal(a.netAmount, 0.9979);
  assert.equal(a.netBps, 39.8682);
  assert.equal(a.grossBps, 59.9281);
  assert.equal(a.conversionRate, 1);
}

function checkAlerts(alerts: Record<string, unknown>[]) {
  const opened = alerts.filter((a) => a.event === "opened");
  assert.equal(opened.length, 1, JSON.stringify(alerts));
  checkOpened(opened[0]);
  // the books never move where they cross: no update, and the one close is the stop
  assert.deepEqual(alerts.map((a) => a.event), ["opened", "closed"]);
  assert.equal(alerts[1].reason, "stopped");
  assert.equal(alerts[1].id, opened[0].id);
}

Deno.test({
  name: "stream --arbitrage --json: the hand-computed alert joins the one summary object, " +
    "and a replay of the run's recording gives the live run's alerts, field by field, twice",
  ignore: !haveReference(),
  fn: async () => {
    const s = await setup();
    try {
      const out = await runStream(
        [...WHAT, "--for", "4s", "--stale-after", "60s", "--json", "--arbitrage", ...DETECT]
          .concat(["--record", `${s.dir}/frames.jsonl`]),
        s.env,
      );
      assert.equal(out.code, 0, out.stderr);
      const summary = JSON.parse(out.stdout); // one JSON object, nothing else on stdout
      assert.deepEqual(
        summary.books.map((b: { exchange: string }) => b.exchange).sort(),
        ["binance", "bybit"],
      );
      checkAlerts(summary.arbitrage);
      const replay = ["--replay", `${s.dir}/frames.jsonl`, "--json", "--arbitrage", ...DETECT];
      const r1 = await runStream(replay, s.env);
      const r2 = await runStream(replay, s.env);
      assert.equal(r1.code, 0, r1.stderr);
      assert.equal(r2.code, 0, r2.stderr);
      assert.equal(r1.stdout, r2.stdout, "two replays print the same bytes");
      const replayed = JSON.parse(r1.stdout);
      checkAlerts(replayed.arbitrage);
      // the replay publishes at the live run's recorded publish points, with their times: the
      // detector sees the same books at the same times, so every field is the live run's (ids,
      // openedAt, at, ages, durations), not only the figures
      assert.deepEqual(replayed.arbitrage, summary.arbitrage);
      // and the whole summary: books, counters and stats are the live run's too
      assert.deepEqual({ ...replayed, arbitrage: [] }, { ...summary, arbitrage: [] });
    } finally {
      await s.close();
    }
  },
});

Deno.test({
  name: "plain arbitrage connects to the exchanges itself: the same alert, SIGTERM exits 0",
  ignore: !haveReference(),
  fn: async () => {
    const s = await setup();
    const p = new ArbitrageProcess([...WHAT, "--json", ...DETECT], s.env);
    try {
      await p.waitFor((e) => e.event === "opened", 30_000);
      await new Promise((r) => setTimeout(r, 1_000)); // the books keep streaming, far from the edge
      p.child.kill("SIGTERM");
      const end = await p.exit();
      assert.equal(end.code, 0, end.stderr);
      checkAlerts(p.events());
      const db = new DatabaseSync(`${ROOT}${s.dir}/mts.db`, { readOnly: true });
      try {
        const rows = db.prepare(
          "SELECT pair, peak_net_bps, closed_at, close_reason, source FROM arbitrage_opportunities",
        )
          .all();
        assert.equal(rows.length, 1, "the opportunity is stored");
        assert.equal(rows[0].pair, "BTC bybit:spot>binance:spot");
        assert.equal(rows[0].peak_net_bps, 39.8682);
        assert.equal(rows[0].close_reason, "stopped");
        assert.equal(rows[0].source, "live");
        assert.ok(typeof rows[0].closed_at === "number", "closed when the task stopped");
      } finally {
        db.close();
      }
    } finally {
      try {
        p.child.kill("SIGTERM");
      } catch { /* ended */ }
      await p.exit().catch(() => {});
      await s.close();
    }
  },
});

Deno.test({
  name: "plain arbitrage on SIGTERM: the summary says why the stream stopped",
  ignore: !haveReference(),
  fn: async () => {
    const s = await setup();
    const p = new ArbitrageProcess([...WHAT, "--no-store", ...DETECT], s.env);
    try {
      const until = Date.now() + 30_000;
      while (!p.lines.some((l) => l.includes(" opened ")) && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 100));
      }
      p.child.kill("SIGTERM");
      const end = await p.exit();
      assert.equal(end.code, 0, end.stderr);
      assert.match(end.stdout, /closed {2}BTC bybit:spot>binance:spot after .* \(stopped\)/);
      // was "stream stopped: The signal has been aborted"
      assert.match(end.stdout, /stream stopped: interrupted by SIGTERM; 2 books/);
    } finally {
      try {
        p.child.kill("SIGTERM");
      } catch { /* ended */ }
      await p.exit().catch(() => {});
      await s.close();
    }
  },
});

Deno.test({
  name: "plain arbitrage --for: the alert, then the stream's summary line, exit 0",
  ignore: !haveReference(),
  fn: async () => {
    const s = await setup();
    try {
      const end = await runTask([...WHAT, "--for", "3s", "--no-store", ...DETECT], s.env);
      assert.equal(end.code, 0, end.stderr);
      assert.match(
        end.stdout,
        /opened {2}BTC bybit:spot>binance:spot size 2\.5 buy 100\.12 sell 100\.72 net 39\.87 bps \(1\.00 USDT\)/,
      );
      assert.match(end.stdout, /stream stopped: --for elapsed; 2 books/);
      assert.match(end.stdout, /2 alert\(s\)/);
    } finally {
      await s.close();
    }
  },
});

Deno.test({
  name: "stream --arbitrage stops on SIGTERM: exit 0, the alert closed as stopped in the summary",
  ignore: !haveReference(),
  fn: async () => {
    const s = await setup();
    try {
      const out = await runStream(
        [...WHAT, "--stale-after", "60s", "--json", "--arbitrage", ...DETECT],
        s.env,
        {
          // both books have been asked for (a slow start must not eat the time the books need)
          when: () =>
            s.spot.requests.some((r) => r.startsWith("/api/v3/depth")) &&
            s.bybit.requests.some((r) => r.startsWith("/v5/market/instruments-info")),
          thenMs: 2_000,
        },
      );
      assert.equal(out.code, 0, out.stderr);
      checkAlerts(JSON.parse(out.stdout).arbitrage);
    } finally {
      await s.close();
    }
  },
});
