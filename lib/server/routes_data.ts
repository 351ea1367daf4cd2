/**
 * Read routes over the store: strategies, stored series, prices, macro observations, signals,
 * backtest runs and the collection status (`deno task status --json`).
 * @module
 */
import { createRoute, z } from "@hono/zod-openapi";
import { toJSONSchema, ZodType } from "zod";
import type { Interval } from "../core/time.ts";
import { isoTime } from "../core/time.ts";
import type { StrategyDefinition } from "../signals/define.ts";
import { collectionStatus } from "../services/status.ts";
import { pickSource } from "../storage/store.ts";
import { type App, guard } from "./guard.ts";
import { errorResponse, JSON_HEADERS, jsonResponse, jsonText, type ServerDeps } from "./context.ts";
import {
  CandleSchema,
  dateField,
  ERRORS,
  intQuery,
  jsonContent,
  StrategySchema,
} from "./schemas.ts";

const INTERVALS = ["1m", "5m", "15m", "1h", "4h", "1d"] as const;

/** A strategy as `GET /strategies` lists it, with its parameters' JSON Schema. */
export function describeStrategy(d: StrategyDefinition) {
  let parameters: unknown = null;
  try {
    // every built-in strategy's schema is a zod schema; a hand-written ParamSchema has none to show
    if (d.schema instanceof ZodType) {
      parameters = toJSONSchema(d.schema, { io: "input", unrepresentable: "any" });
    }
  } catch { /* a schema JSON Schema cannot express: the defaults still describe it */ }
  return {
    name: d.name,
    className: d.className,
    description: d.description,
    defaults: d.defaults,
    parameters,
  };
}

const nan = (v: number) => (Number.isFinite(v) ? v : null);

// deno-lint-ignore no-explicit-any
type Any = any;

function strategyRoutes(app: App, deps: ServerDeps): void {
  const read = guard(deps, "read");
  // the registry is fixed for the server's life: its listing (with JSON Schemas) is built once
  const list = jsonText({ strategies: deps.registry.definitions.map(describeStrategy) });
  app.openapi(
    createRoute({
      method: "get",
      path: "/strategies",
      summary: "Strategies: names, descriptions, parameter schema and defaults",
      middleware: [read] as const,
      responses: {
        200: jsonContent(z.object({ strategies: z.array(StrategySchema) }), "strategies"),
        ...ERRORS,
      },
    }),
    () => new Response(list, { headers: JSON_HEADERS }) as Any,
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/strategies/{name}",
      summary: "One strategy (any accepted spelling of its name)",
      middleware: [read] as const,
      request: { params: z.object({ name: z.string().min(1).max(100) }) },
      responses: { 200: jsonContent(StrategySchema, "the strategy"), ...ERRORS },
    }),
    (c) => {
      const { name } = c.req.valid("param");
      const d = deps.registry.find(name);
      if (!d) {
        return errorResponse(
          404,
          `unknown strategy "${name}": expected one of ${deps.registry.names().join(", ")}`,
        ) as Any;
      }
      return jsonResponse(describeStrategy(d)) as Any;
    },
  );
}

function seriesRoutes(app: App, deps: ServerDeps): void {
  const read = guard(deps, "read");
  app.openapi(
    createRoute({
      method: "get",
      path: "/series",
      summary: "Every stored price and macro series",
      middleware: [read] as const,
      responses: { 200: jsonContent(z.object({}).passthrough(), "series"), ...ERRORS },
    }),
    async () => {
      const prices = (await deps.store.listSeries()).map((s) => ({
        ...s,
        first: isoTime(s.firstTs),
        last: isoTime(s.lastTs),
      }));
      const macro = (await deps.store.listMacroSeries()).map((s) => ({
        ...s,
        first: isoTime(s.firstTs),
        last: isoTime(s.lastTs),
      }));
      return jsonResponse({ prices, macro }) as Any;
    },
  );
}

function priceRoutes(app: App, deps: ServerDeps): void {
  const read = guard(deps, "read");
  app.openapi(
    createRoute({
      method: "get",
      path: "/prices/{asset}",
      summary: "Stored candles of one asset (preferred source unless ?source=)",
      middleware: [read] as const,
      request: {
        params: z.object({ asset: z.string().min(1).max(100) }),
        query: z.object({
          interval: z.enum(INTERVALS).optional(),
          source: z.string().min(1).max(50).optional(),
          from: dateField().optional(),
          to: dateField(true).optional(),
          limit: intQuery(1, 100_000).optional(),
        }),
      },
      responses: {
        200: jsonContent(
          z.object({
            asset: z.string(),
            source: z.string(),
            interval: z.string(),
            candles: z.array(CandleSchema),
          }),
          "candles, oldest first (the newest `limit` when given)",
        ),
        ...ERRORS,
      },
    }),
    async (c) => {
      const { asset } = c.req.valid("param");
      const q = c.req.valid("query");
      const interval: Interval = q.interval ?? "1d";
      const series = (await deps.store.listSeries()).filter((s) =>
        s.asset === asset && s.interval === interval
      );
      const source = q.source ?? pickSource(series.map((s) => s.source));
      if (!source || !series.some((s) => s.source === source)) {
        const have = series.map((s) => s.source).join(", ");
        return errorResponse(
          404,
          `no stored ${interval} prices for ${asset}${q.source ? ` from ${q.source}` : ""}` +
            (have ? ` (stored sources: ${have})` : ""),
          deps.redact,
        ) as Any;
      }
      let candles = await deps.store.getCandles({ source, asset, interval }, {
        from: q.from,
        to: q.to,
      });
      if (q.limit !== undefined) candles = candles.slice(-q.limit);
      return jsonResponse({
        asset,
        source,
        interval,
        candles: candles.map((k) => ({
          time: isoTime(k.ts),
          ts: k.ts,
          open: nan(k.open),
          high: nan(k.high),
          low: nan(k.low),
          close: k.close,
          volume: nan(k.volume),
        })),
      }) as Any;
    },
  );
}

function macroRoutes(app: App, deps: ServerDeps): void {
  const read = guard(deps, "read");
  app.openapi(
    createRoute({
      method: "get",
      path: "/macro/{series}",
      summary: "Macro observations (latest revision, or as known at ?asOf=)",
      middleware: [read] as const,
      request: {
        params: z.object({ series: z.string().min(1).max(50) }),
        query: z.object({
          source: z.string().min(1).max(50).optional(),
          from: dateField().optional(),
          to: dateField(true).optional(),
          asOf: dateField(true).optional(),
        }),
      },
      responses: { 200: jsonContent(z.object({}).passthrough(), "observations"), ...ERRORS },
    }),
    async (c) => {
      const { series } = c.req.valid("param");
      const q = c.req.valid("query");
      const known = (await deps.store.listMacroSeries()).filter((s) => s.series === series);
      if (!known.length || (q.source && !known.some((s) => s.source === q.source))) {
        return errorResponse(
          404,
          `no stored macro series ${series}${q.source ? ` from ${q.source}` : ""}`,
          deps.redact,
        ) as Any;
      }
      const obs = await deps.store.getMacro(series, {
        source: q.source,
        from: q.from,
        to: q.to,
        asOfVintage: q.asOf,
      });
      return jsonResponse({
        series,
        observations: obs.map((o) => ({
          date: isoTime(o.ts).slice(0, 10),
          ts: o.ts,
          value: o.value,
        })),
      }) as Any;
    },
  );
}

function recordRoutes(app: App, deps: ServerDeps): void {
  const read = guard(deps, "read");
  app.openapi(
    createRoute({
      method: "get",
      path: "/signals",
      summary: "Stored signals, newest first, filtered and paginated",
      middleware: [read] as const,
      request: {
        query: z.object({
          asset: z.string().min(1).max(100).optional(),
          strategy: z.string().min(1).max(100).optional(),
          from: dateField().optional(),
          to: dateField(true).optional(),
          limit: intQuery(1, 1000).optional(),
          offset: intQuery(0, 10_000_000).optional(),
        }),
      },
      responses: { 200: jsonContent(z.object({}).passthrough(), "signals"), ...ERRORS },
    }),
    async (c) => {
      const q = c.req.valid("query");
      const limit = q.limit ?? 100;
      const offset = q.offset ?? 0;
      const signals = await deps.store.listSignals({ ...q, limit: limit + 1, offset });
      return jsonResponse({
        signals: signals.slice(0, limit).map((s) => ({ ...s, time: isoTime(s.ts) })),
        limit,
        offset,
        next: signals.length > limit ? offset + limit : null,
      }) as Any;
    },
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/status",
      summary: "What deno task status --json gives",
      middleware: [read] as const,
      request: { query: z.object({ runs: intQuery(1, 1_000_000).optional() }) },
      responses: { 200: jsonContent(z.object({}).passthrough(), "status"), ...ERRORS },
    }),
    async (c) => {
      const runLimit = c.req.valid("query").runs ?? 20;
      return jsonResponse(
        await collectionStatus(deps.store, { nowMs: deps.now(), runLimit }),
      ) as Any;
    },
  );
}

/** Registers the read routes over the store. */
export function dataRoutes(app: App, deps: ServerDeps): void {
  strategyRoutes(app, deps);
  seriesRoutes(app, deps);
  priceRoutes(app, deps);
  macroRoutes(app, deps);
  recordRoutes(app, deps);
}
