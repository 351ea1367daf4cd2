/**
 * `serve --schedule`: the API clients of the scheduled jobs report into the service's `/metrics`
 * (`mts_api_client_*`), against the local fake market with faults — a 429 then a 500 then
 * success (two retries), a host answering 500 until its circuit opens, and an unreachable
 * CoinGecko Pro host (fallback to the public one, then its circuit opens too) — and the
 * exposition still passes `promtool check metrics`.
 */
import assert from "node:assert/strict";
import { startMarket } from "../collect/market_fixture.ts";
import { marketEnv } from "../schedule/helpers.ts";
import {
  finishedRunOf,
  metricSample,
  scheduleIn,
  SECRET,
  withService,
  wsClient,
} from "./helpers.ts";
import { promtool } from "./process.ts";

Deno.test("serve --schedule: API client retries, fallbacks and circuit states reach /metrics", async () => {
  const m = startMarket();
  // bitcoin: a 429 (Retry-After 1 s), then a 500, then the bars; ethereum: 500 until the
  // circuit opens (5 consecutive failures) and the request fails fast
  m.server.fault(/symbol=BTCUSDT/, {
    type: "status",
    status: 429,
    headers: { "retry-after": "1" },
  }, { type: "status", status: 500, body: "busy" });
  m.server.faultAlways(/symbol=ETHUSDT/, { type: "status", status: 500, body: "down" });
  const dir = await Deno.makeTempDir({ prefix: "mts-client-metrics-" });
  const file = `${dir}/jobs.json`;
  await Deno.writeTextFile(
    file,
    JSON.stringify({
      jobs: {
        binance: {
          kind: "collect",
          every: "1d",
          retries: 0,
          options: { source: "binance", assets: ["bitcoin", "ethereum"], days: 2 },
        },
        coingecko: {
          kind: "collect",
          every: "1d",
          options: {
            source: "coingecko",
            // two: the public host's own limit (10 calls/min) spaces its requests 6.7 s apart
            assets: ["bitcoin", "ethereum"],
            days: 1,
          },
        },
      },
    }),
  );
  // a port nothing listens on (port 1 would do, but fetch refuses it as a "bad port")
  const closed = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const closedPort = (closed.addr as Deno.NetAddr).port;
  closed.close();
  const env = {
    ...marketEnv(m.server.url),
    COINGECKO_PLAN: "pro",
    COINGECKO_API_KEY: "CG-test-pro-key",
    // the Pro host is unreachable (connection refused)
    COINGECKO_PRO_BASE_URL: `http://127.0.0.1:${closedPort}/api/v3`,
    HTTP_MAX_RETRIES: "6",
    HTTP_BACKOFF_BASE_MS: "5",
    CSV_BACKUP: "false",
  };
  const stop = new AbortController();
  try {
    await withService({ env, sample: false }, async ({ service, url }) => {
      const ws = await wsClient(`${url.replace("http", "ws")}/ws?token=${SECRET}`);
      ws.send({ type: "subscribe", channels: ["collection"], since: { collection: 0 } });
      const handle = await scheduleIn(service, file, stop.signal);
      const bin = await ws.next(finishedRunOf("binance"), 60_000);
      const cg = await ws.next(finishedRunOf("coingecko"), 60_000);
      assert.equal(bin.data.outcome, "partial", JSON.stringify(bin.data));
      assert.equal(cg.data.outcome, "success", JSON.stringify(cg.data));
      stop.abort();
      await handle.done;
      await ws.close();

      const text = await (await fetch(`${url}/metrics`)).text();
      const check = await promtool(text);
      assert.equal(check.code, 0, `promtool: ${check.output}`);
      const host = new URL(m.server.url).host;
      const c = (labels: string) => metricSample(text, "mts_api_client_requests_total", labels);
      // binance: bitcoin 429, 500, ok; ethereum 500 × 5, then the open circuit refuses the 6th
      assert.equal(c(`client="binance",endpoint="binance",outcome="rate_limited"`), 1);
      assert.equal(c(`client="binance",endpoint="binance",outcome="server_error"`), 6);
      assert.equal(c(`client="binance",endpoint="binance",outcome="ok"`), 1);
      const r = (labels: string) => metricSample(text, "mts_api_client_retries_total", labels);
      assert.equal(r(`client="binance",cause="rate_limited"`), 1);
      // bitcoin's 500, then ethereum's five (after the fifth the circuit is open: no 7th)
      assert.equal(r(`client="binance",cause="server_error"`), 6);
      assert.equal(r(`client="coingecko",cause="unreachable"`), undefined, "fell back, no retry");
      assert.equal(
        metricSample(text, "mts_api_client_circuit_state", `client="binance",host="${host}"`),
        2,
        "binance's circuit is open",
      );
      // coingecko: two assets, the Pro host refused each time, the public host answered
      assert.equal(c(`client="coingecko",endpoint="pro",outcome="unreachable"`), 2);
      assert.equal(c(`client="coingecko",endpoint="public",outcome="ok"`), 2);
      assert.equal(
        metricSample(
          text,
          "mts_api_client_fallbacks_total",
          `client="coingecko",from="pro",to="public"`,
        ),
        2,
      );
      assert.equal(
        metricSample(text, "mts_api_client_circuit_state", `client="coingecko",host="${host}"`),
        0,
        "the public host's circuit is closed",
      );
      assert.equal(
        metricSample(
          text,
          "mts_api_client_circuit_state",
          `client="coingecko",host="127.0.0.1:${closedPort}"`,
        ),
        0,
        "two refusals stay under the threshold of five",
      );
      assert.match(text, /^# TYPE mts_api_client_circuit_state gauge$/m);
    });
  } finally {
    stop.abort();
    await m.server.close();
    await Deno.remove(dir, { recursive: true });
  }
});
