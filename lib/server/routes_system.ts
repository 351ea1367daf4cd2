/**
 * Public routes: liveness (`/health`), readiness (`/ready`), Prometheus (`/metrics`) and the
 * OpenAPI document (`/openapi.json`).
 * @module
 */
import { EVENT_COMPONENTS } from "../services/published_events.ts";
import { createRoute, z } from "@hono/zod-openapi";
import { isoTime } from "../core/time.ts";
import { collectionStatus, type StatusReport } from "../services/status.ts";
import { refreshJobGauges } from "./job_metrics.ts";
import { refreshStreamMetrics, streamReadiness } from "./stream_view.ts";
import { BOOK_INDEX_KEY, type PublishedBook } from "../streams/published.ts";
import type { App } from "./guard.ts";
import { jsonResponse, type ServerDeps } from "./context.ts";

// deno-lint-ignore no-explicit-any
type Any = any;
import {
  HealthSchema,
  jsonContent as json,
  ReadySchema,
  WsClientMessageSchema,
  WsMessageSchema,
} from "./schemas.ts";

async function probe<T>(fn: () => Promise<T>): Promise<{ ok: boolean; error?: string; value?: T }> {
  try {
    return { ok: true, value: await fn() };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

/** Each published book's state and age (the stream's view; `missing` once its entry expired). */
async function bookStates(deps: ServerDeps, ids: readonly unknown[], now: number) {
  const out: { id: string; state: string; ageSeconds: number | null }[] = [];
  for (const raw of ids.slice(0, 200)) {
    const id = String(raw);
    const [exchange, market, symbol] = id.split(":");
    const book = await deps.cache.get<PublishedBook>(`mts:book:${exchange}:${market}:${symbol}`)
      .catch(() => undefined);
    out.push({
      id,
      state: book?.state ?? "missing",
      ageSeconds: book?.receivedAtMs ? Math.round((now - book.receivedAtMs) / 1000) : null,
    });
  }
  return out;
}

/** The readiness report and whether it passes. */
async function readiness(deps: ServerDeps) {
  const now = deps.now();
  const db = await probe(() => collectionStatus(deps.store, { nowMs: now }));
  const cache = await probe(() => deps.cache.get(BOOK_INDEX_KEY));
  const reasons: string[] = [];
  if (!db.ok) reasons.push(`database unreachable: ${db.error}`);
  if (!cache.ok) reasons.push(`cache (${deps.cache.kind}) unreachable: ${cache.error}`);
  const report = db.value as StatusReport | undefined;
  const maxAge = deps.config.api.readyMaxDataAgeMs;
  const series = (report?.series ?? []).map((s) => ({
    kind: s.kind,
    source: s.source,
    subject: s.subject,
    interval: s.interval,
    lastTs: isoTime(s.lastTs),
    ageSeconds: Math.round(s.ageMs / 1000),
    stale: s.stale,
  }));
  if (maxAge !== undefined) {
    for (const s of report?.series ?? []) {
      if (s.ageMs > maxAge) {
        reasons.push(
          `${s.kind} series ${s.subject} (${s.source}) is ${
            Math.round(s.ageMs / 3_600_000)
          } h old, over API_READY_MAX_DATA_AGE`,
        );
      }
    }
  }
  const books = await bookStates(deps, Array.isArray(cache.value) ? cache.value : [], now);
  const own = deps.streams ? streamReadiness(deps.streams, now) : undefined;
  if (own) reasons.push(...own.reasons);
  return {
    ready: reasons.length === 0,
    reasons,
    checks: {
      database: { ok: db.ok, ...(db.error ? { error: db.error } : {}) },
      cache: {
        ok: cache.ok,
        kind: deps.cache.kind,
        ...(cache.error ? { error: cache.error } : {}),
      },
      streams: {
        relayed: deps.relay.channels.length,
        books,
        ...(own ? { inProcess: own.report, ok: own.reasons.length === 0 } : {}),
      },
    },
    series,
    jobs: report?.jobs ?? [],
  };
}

/** Refreshes the gauges that mirror the store (series ages, recent runs) before a scrape. */
async function refreshGauges(deps: ServerDeps): Promise<void> {
  const m = deps.metrics;
  m.uptime.set((deps.now() - deps.startedAt) / 1000);
  if (deps.streams) refreshStreamMetrics(m, deps.streams, deps.now());
  refreshJobGauges(m.jobs);
  const load = deps.backtestLoad?.();
  m.backtestsRunning.set(load?.running ?? 0);
  m.backtestsQueued.set(load?.waiting ?? 0);
  try {
    const r = await collectionStatus(deps.store, { nowMs: deps.now() });
    m.seriesAge.reset();
    for (const s of r.series) {
      m.seriesAge.set({ kind: s.kind, source: s.source, subject: s.subject }, s.ageMs / 1000);
    }
    m.collectionRuns.reset();
    m.collectionItems.reset();
    m.rowsWritten.reset();
    for (const run of await deps.store.listRuns({ limit: 500 })) {
      m.collectionRuns.inc({ task: run.task, status: run.status });
      for (const item of run.items) {
        m.collectionItems.inc({ task: run.task, source: item.source, status: item.status });
        m.rowsWritten.inc({ task: run.task, source: item.source }, item.rowsWritten);
      }
    }
  } catch (e) {
    deps.log.warn(`metrics: cannot read the store: ${(e as Error).message}`, {});
  }
}

/** Registers the public routes. */
export function systemRoutes(app: App, deps: ServerDeps): void {
  app.openapi(
    createRoute({
      method: "get",
      path: "/health",
      summary: "Liveness",
      responses: { 200: json(HealthSchema, "the process is up") },
    }),
    (c) =>
      c.json({
        status: "ok" as const,
        version: deps.version,
        uptimeSeconds: Math.round((deps.now() - deps.startedAt) / 1000),
      }, 200),
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/ready",
      summary: "Readiness: database, cache, data freshness, scheduled jobs, stream books",
      responses: {
        200: json(ReadySchema, "ready"),
        503: json(ReadySchema, "not ready, with the reasons"),
      },
    }),
    async () => {
      const r = await readiness(deps);
      return jsonResponse(r, r.ready ? 200 : 503) as Any;
    },
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/metrics",
      summary: "Prometheus text exposition of mts's metrics",
      responses: {
        200: { description: "metrics", content: { "text/plain": { schema: z.string() } } },
      },
    }),
    async () => {
      await refreshGauges(deps);
      const text = await deps.metrics.registry.metrics();
      return new Response(text, {
        headers: { "content-type": deps.metrics.registry.contentType },
      }) as Any;
    },
  );
  app.get("/openapi.json", (c) =>
    c.json(app.getOpenAPI31Document({
      openapi: "3.1.0",
      info: {
        title: "mts API",
        version: deps.version,
        description: "Market data, signals, backtests and live books (docs/service.md)",
      },
      security: [{ bearer: [] }],
    })));
  // the WebSocket protocol's messages, typed in the document's components
  app.openAPIRegistry.register("WsMessage", WsMessageSchema);
  app.openAPIRegistry.register("WsClientMessage", WsClientMessageSchema);
  // the `data` of the events any process publishes (lib/services/published_events.ts)
  for (const [name, schema] of Object.entries(EVENT_COMPONENTS)) {
    app.openAPIRegistry.register(name, schema as Any);
  }
  app.openAPIRegistry.registerPath({
    method: "get",
    path: "/ws",
    summary: "WebSocket notifications (upgrade); messages: WsMessage, client messages: " +
      "WsClientMessage; auth: ?token=, a bearer header or a first auth message",
    responses: {
      101: { description: "switching protocols" },
      401: { description: "a wrong token" },
    },
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    description: "API_SECRET_KEY, or an HS256 JWT signed with it whose scope is read or control",
  });
}
