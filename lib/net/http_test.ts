import assert from "node:assert/strict";
import { NetworkError, redactSecrets } from "./errors.ts";
import { httpGet, parseRetryAfter } from "./http.ts";

// Library tests may not import tests/helpers (import rule 5), so these two are inlined.
function refusedUrl(path: string): string {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return `http://127.0.0.1:${port}${path}`;
}

function stallingServer(stallMs: number) {
  const ac = new AbortController();
  const srv = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {}, signal: ac.signal },
    (req) => {
      if (new URL(req.url).pathname !== "/stall") return new Response("hello");
      let id: ReturnType<typeof setTimeout> | undefined;
      const body = new ReadableStream<Uint8Array>({
        start(ctrl) {
          id = setTimeout(() => {
            ctrl.enqueue(new TextEncoder().encode("late"));
            ctrl.close();
          }, stallMs);
        },
        cancel() {
          clearTimeout(id);
        },
      });
      ac.signal.addEventListener("abort", () => clearTimeout(id));
      return new Response(body);
    },
  );
  return {
    url: `http://127.0.0.1:${srv.addr.port}`,
    close: async () => {
      ac.abort();
      await srv.finished;
    },
  };
}

Deno.test("Retry-After in seconds and as an HTTP date become milliseconds", () => {
  assert.equal(parseRetryAfter("53", 0), 53_000);
  assert.equal(parseRetryAfter("0", 0), 0);
  const now = Date.UTC(2024, 0, 1, 0, 0, 0);
  assert.equal(parseRetryAfter("Mon, 01 Jan 2024 00:00:30 GMT", now), 30_000);
  assert.equal(parseRetryAfter("Mon, 01 Jan 2023 00:00:30 GMT", now), 0);
  assert.equal(parseRetryAfter(null, 0), undefined);
  assert.equal(parseRetryAfter("soon", 0), undefined);
});

Deno.test("a refused connection is a NetworkError of kind refused", async () => {
  await assert.rejects(
    httpGet(refusedUrl("/x"), { timeoutMs: 2_000 }),
    (e) => e instanceof NetworkError && e.kind === "refused",
  );
});

Deno.test("a body that stalls past the timeout is a timeout, not a hang", async () => {
  const srv = stallingServer(6_000);
  try {
    const t0 = Date.now();
    await assert.rejects(
      httpGet(`${srv.url}/stall`, { timeoutMs: 150 }),
      (e) => e instanceof NetworkError && e.kind === "timeout",
    );
    assert.ok(Date.now() - t0 < 4_000, "gave up long before the body would end");
    const ok = await httpGet(`${srv.url}/y`, { timeoutMs: 1_000 });
    assert.equal(ok.body, "hello");
  } finally {
    await srv.close();
  }
});

Deno.test("API keys in query strings never reach error messages", async () => {
  assert.equal(
    redactSecrets("GET /fred/series/observations?series_id=X&api_key=abcdef0123&file_type=json"),
    "GET /fred/series/observations?series_id=X&api_key=***&file_type=json",
  );
  const url = refusedUrl("/obs?api_key=topsecret123");
  await assert.rejects(
    httpGet(url, { timeoutMs: 1_000 }),
    (e) => e instanceof NetworkError && !e.message.includes("topsecret123"),
  );
});
