/**
 * Request and response schemas of the API (zod, with OpenAPI metadata). The OpenAPI document is
 * generated from these same schemas, which also validate every request.
 * @module
 */
import { z } from "@hono/zod-openapi";
import { DAY_MS, parseUtcDate } from "../core/time.ts";

const DATE_FORM = "a UTC date YYYY-MM-DD or time YYYY-MM-DDTHH:MM:SSZ from 1970";

function toTime(s: string, endOfDay: boolean): number {
  const t = parseUtcDate(s);
  const year = Number(/^\s*(\d{4})/.exec(s)?.[1]);
  if (!(t >= 0) || !(year >= 1970)) return NaN;
  return endOfDay && /^\d{4}-\d{2}-\d{2}$/.test(s.trim()) ? t + DAY_MS - 1 : t;
}

/** A date or time in a query or body; a bare date as an end includes that whole day. */
export function dateField(endOfDay = false) {
  return z.string().transform((s, ctx) => {
    const t = toTime(s, endOfDay);
    if (Number.isNaN(t)) {
      ctx.addIssue({ code: "custom", message: `expected ${DATE_FORM}` });
      return z.NEVER;
    }
    return t;
  }).openapi({ type: "string", example: "2023-01-01" });
}

/** A whole number in a query string. */
export function intQuery(min: number, max: number) {
  return z.string().transform((s, ctx) => {
    const v = /^\d+$/.test(s) ? Number(s) : NaN;
    if (!(v >= min && v <= max)) {
      ctx.addIssue({ code: "custom", message: `expected a whole number from ${min} to ${max}` });
      return z.NEVER;
    }
    return v;
  }).openapi({ type: "integer", minimum: min, maximum: max });
}

/** The error body of every 4xx (and `/ready`'s 503 carries `reasons`). */
export const ErrorSchema = z.object({
  error: z.string().openapi({ example: "query.limit: expected a whole number from 1 to 1000" }),
}).openapi("Error");

/** `GET /health`. */
export const HealthSchema = z.object({
  status: z.literal("ok"),
  version: z.string(),
  uptimeSeconds: z.number(),
}).openapi("Health");

/** `GET /ready`. */
export const ReadySchema = z.object({
  ready: z.boolean(),
  reasons: z.array(z.string()),
  checks: z.object({
    database: z.object({ ok: z.boolean(), error: z.string().optional() }),
    cache: z.object({ ok: z.boolean(), kind: z.string(), error: z.string().optional() }),
    streams: z.object({
      relayed: z.number(),
      books: z.array(z.unknown()),
      ok: z.boolean().optional().describe("--stream: whether the in-process streams are ready"),
      inProcess: z.object({
        status: z.enum(["starting", "running", "stopped", "failed"]),
        error: z.string().optional(),
        books: z.array(z.object({
          id: z.string(),
          state: z.string(),
          ageSeconds: z.number().nullable(),
          messages: z.number(),
          resyncs: z.number(),
          gaps: z.number(),
        })),
      }).optional().describe("--stream: the streams this process runs, from their engine"),
    }),
  }),
  series: z.array(z.object({
    kind: z.string(),
    source: z.string(),
    subject: z.string(),
    interval: z.string().optional(),
    lastTs: z.string(),
    ageSeconds: z.number(),
    stale: z.boolean(),
  })),
  jobs: z.array(z.unknown()),
}).openapi("Ready");

/** One strategy in `GET /strategies`. */
export const StrategySchema = z.object({
  name: z.string(),
  className: z.string(),
  description: z.string(),
  defaults: z.record(z.string(), z.unknown()),
  parameters: z.unknown().openapi({ description: "JSON Schema of the parameters" }),
}).openapi("Strategy");

/** A candle as the API returns it. */
export const CandleSchema = z.object({
  time: z.string(),
  ts: z.number(),
  open: z.number().nullable(),
  high: z.number().nullable(),
  low: z.number().nullable(),
  close: z.number(),
  volume: z.number().nullable(),
}).openapi("Candle");

/** `POST /signals/generate`. */
export const SignalRequestSchema = z.strictObject({
  strategies: z.array(z.string().min(1)).min(1).optional().openapi({
    example: ["mean_reversion"],
  }),
  assets: z.array(z.string().min(1)).min(1).optional().openapi({ example: ["bitcoin"] }),
  at: dateField().optional(),
  params: z.record(z.string(), z.record(z.string(), z.unknown())).optional().openapi({
    description: "overrides keyed by strategy name",
  }),
  interval: z.enum(["1m", "5m", "15m", "1h", "4h", "1d"]).optional(),
  source: z.string().optional(),
  macroSource: z.string().optional(),
  allowMixedSources: z.boolean().optional(),
  save: z.boolean().optional(),
}).openapi("SignalRequest");

/** `POST /backtest`: the CLI's flags in camelCase. */
export const BacktestRequestSchema = z.strictObject({
  symbols: z.array(z.string().min(1)).min(1).openapi({ example: ["bitcoin", "ethereum"] }),
  start: dateField().optional(),
  end: dateField(true).optional(),
  strategy: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional().openapi({
    example: "buy_hold",
  }),
  params: z.record(z.string(), z.unknown()).optional(),
  risk: z.boolean().optional(),
  capital: z.number().positive().optional().openapi({ example: 100000 }),
  commission: z.number().min(0).lt(1).optional(),
  commissionFixed: z.number().min(0).optional(),
  slippageBps: z.number().min(0).lt(10_000).optional(),
  fill: z.enum(["open", "close"]).optional(),
  units: z.enum(["fractional", "whole"]).optional(),
  closeAtEnd: z.enum(["last_close", "none"]).optional(),
  periodsPerYear: z.number().positive().optional(),
  riskFree: z.number().gt(-1).lt(10).optional(),
  interval: z.enum(["1m", "5m", "15m", "1h", "4h", "1d"]).optional(),
  source: z.string().optional(),
  macroSource: z.string().optional(),
  allowMixedSources: z.boolean().optional(),
  strict: z.boolean().optional(),
  save: z.boolean().optional(),
}).openapi("BacktestRequest");

/** A running or finished API backtest job. */
export const BacktestJobSchema = z.object({
  id: z.string(),
  status: z.enum(["running", "done", "failed"]),
  error: z.string().optional(),
  runId: z.number().optional(),
  result: z.unknown().optional(),
}).openapi("BacktestJob");

/** Every WebSocket message. */
export const WsMessageSchema = z.object({
  channel: z.string().openapi({ example: "books:binance:spot:BTCUSDT" }),
  seq: z.number().int(),
  type: z.string().openapi({ example: "book" }),
  time: z.string(),
  data: z.unknown(),
}).openapi("WsMessage");

/** What a WebSocket client sends. */
export const WsClientMessageSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("auth"), token: z.string() }),
  z.object({
    type: z.literal("subscribe"),
    channels: z.array(z.string()).min(1),
    since: z.record(z.string(), z.number().int().min(0)).optional(),
  }),
  z.object({ type: z.literal("unsubscribe"), channels: z.array(z.string()).min(1) }),
  z.object({ type: z.literal("ping") }),
]).openapi("WsClientMessage");

/** A JSON response in a route definition. */
export function jsonContent<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { "application/json": { schema } } };
}

/** The error responses every guarded route may give. */
export const ERRORS = {
  400: jsonContent(ErrorSchema, "bad request: the field's path and the expected form"),
  401: jsonContent(ErrorSchema, "missing or invalid token"),
  403: jsonContent(ErrorSchema, "a read token on a control route"),
  404: jsonContent(ErrorSchema, "unknown name or no data"),
  429: jsonContent(ErrorSchema, "rate limit (Retry-After)"),
} as const;
