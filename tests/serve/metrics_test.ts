/**
 * `/metrics` is a valid Prometheus exposition (`promtool check metrics` exits 0), holds only
 * mts_ metrics, and labels requests by route template, never by the raw path.
 */
import assert from "node:assert/strict";
import { call, SECRET, withService } from "./helpers.ts";
import { promtool } from "./process.ts";

Deno.test("/metrics passes promtool check metrics and labels routes by template", async () => {
  await withService({}, async ({ url, store }) => {
    // two collection runs as collect would record them: one success, one partial
    for (const [status, ok] of [["success", true], ["partial", false]] as const) {
      const id = await store.startRun("collect", {});
      await store.finishRun(id, {
        status,
        rowsWritten: 7,
        items: [
          { source: "coingecko", subject: "bitcoin", status: "success", rowsWritten: 5 },
          {
            source: "coingecko",
            subject: "ethereum",
            status: ok ? "success" : "failed",
            rowsWritten: ok ? 2 : 0,
          },
        ],
      });
    }
    await call(`${url}/health`);
    await call(`${url}/prices/bitcoin?limit=1`, { token: SECRET });
    await call(`${url}/prices/ethereum?limit=1`, { token: SECRET });
    await call(`${url}/signals?limit=0`, { token: SECRET });
    await call(`${url}/no/such/route`);
    const res = await fetch(`${url}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    const check = await promtool(text);
    assert.equal(check.code, 0, `promtool: ${check.output}`);
    const names = new Set(
      [...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]),
    );
    for (const n of names) assert.match(n, /^mts_/, `${n} is not an mts_ metric`);
    for (
      const n of [
        "mts_http_requests_total",
        "mts_http_request_duration_seconds",
        "mts_ws_clients",
        "mts_stream_messages_relayed_total",
        "mts_series_age_seconds",
        "mts_uptime_seconds",
      ]
    ) assert.ok(names.has(n), `${n} missing`);
    // the two price requests share one series, under the route template
    assert.match(
      text,
      /^mts_http_requests_total\{method="GET",route="\/prices\/:asset",status="200"\} 2$/m,
    );
    assert.match(text, /route="\/signals",status="400"\} 1$/m);
    assert.match(text, /^mts_collection_runs\{task="collect",status="success"\} 1$/m);
    assert.match(text, /^mts_collection_runs\{task="collect",status="partial"\} 1$/m);
    assert.match(
      text,
      /^mts_collection_items\{task="collect",source="coingecko",status="failed"\} 1$/m,
    );
    // 5 + 2 + 5 + 0
    assert.match(text, /^mts_collection_rows_written\{task="collect",source="coingecko"\} 12$/m);
    assert.match(text, /route="unmatched",status="404"\} 1$/m);
    assert.doesNotMatch(text, /bitcoin\?|\/prices\/bitcoin|no\/such/);
    // the sample's bitcoin series ends 2024-12-31: its age is at least the time since then
    const age = Number(
      /^mts_series_age_seconds\{kind="price",source="sample",subject="bitcoin"\} (\S+)$/m.exec(
        text,
      )?.[1],
    );
    assert.ok(age >= (Date.now() - Date.UTC(2025, 0, 1)) / 1000 - 5, `age ${age}`);
  });
});
