/**
 * User price alerts: `POST /alerts` (control), `GET /alerts` (read), `DELETE /alerts/{id}`
 * (control). Evaluated by the {@link AlertWatcher} whenever new prices arrive.
 * @module
 */
import { createRoute, z } from "@hono/zod-openapi";
import { isoTime } from "../core/time.ts";
import type { PriceAlert } from "../storage/store.ts";
import { bookCacheKey, type PublishedBook } from "../streams/published.ts";
import { bookSubject, latestClose, midPrice } from "./alerts.ts";
import { errorResponse, jsonResponse, type ServerDeps } from "./context.ts";
import { type App, guard } from "./guard.ts";
import { ERRORS, intQuery, jsonContent } from "./schemas.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

const positive = z.number().positive().max(1e12);

/** `POST /alerts`: one subject (an asset or a book) and one condition. */
export const AlertRequestSchema = z.strictObject({
  asset: z.string().min(1).max(100).optional().openapi({ example: "bitcoin" }),
  book: z.strictObject({
    exchange: z.enum(["binance", "bybit"]),
    market: z.enum(["spot", "perp"]),
    symbol: z.string().regex(/^[A-Z0-9]{2,30}$/, "expected an exchange symbol such as BTCUSDT"),
  }).optional(),
  above: positive.optional(),
  below: positive.optional(),
  movePct: z.number().positive().max(1000).optional().openapi({
    description: "fires on a move of this many percent either way from the price now",
  }),
  note: z.string().max(200).optional(),
}).refine((b) => (b.asset === undefined) !== (b.book === undefined), {
  message: "give exactly one of asset or book",
  path: ["asset"],
}).refine(
  (b) => [b.above, b.below, b.movePct].filter((x) => x !== undefined).length === 1,
  { message: "give exactly one of above, below or movePct", path: ["above"] },
).openapi("AlertRequest");

/** An alert as the API shows it. */
export function alertView(a: PriceAlert) {
  return {
    ...a,
    createdAt: isoTime(a.createdAt),
    triggeredAt: a.triggeredAt === undefined ? null : isoTime(a.triggeredAt),
    triggeredPrice: a.triggeredPrice ?? null,
  };
}

async function create(deps: ServerDeps, b: z.infer<typeof AlertRequestSchema>) {
  const kind = b.asset !== undefined ? "prices" as const : "book" as const;
  const subject = b.asset ?? bookSubject(b.book!);
  let reference: number | undefined;
  if (kind === "prices") reference = await latestClose(deps.store, subject);
  else {
    const cached = await deps.cache.get<PublishedBook>(bookCacheKey(b.book!));
    reference = cached ? midPrice(cached) : undefined;
    await deps.relay.ensureBook(b.book!.exchange, b.book!.market, b.book!.symbol);
  }
  if (b.movePct !== undefined && reference === undefined) {
    return errorResponse(
      422,
      `json.movePct: no current price for ${subject} to measure the move from` +
        (kind === "prices" ? " (no stored daily prices)" : " (no book in the cache)"),
      deps.redact,
    );
  }
  const alert: PriceAlert = {
    createdAt: deps.now(),
    subject,
    kind,
    condition: b.above !== undefined ? "above" : b.below !== undefined ? "below" : "move",
    threshold: b.above ?? b.below ?? b.movePct! / 100,
    referencePrice: reference,
    note: b.note,
  };
  alert.id = await deps.store.saveAlert(alert);
  return jsonResponse(alertView(alert), 201, { location: `/alerts/${alert.id}` });
}

/** Registers the alert routes. */
export function alertRoutes(app: App, deps: ServerDeps): void {
  app.openapi(
    createRoute({
      method: "post",
      path: "/alerts",
      summary: "Create a price alert (an asset's stored close, or a streamed book's mid price)",
      middleware: [guard(deps, "control")] as const,
      request: { body: { content: { "application/json": { schema: AlertRequestSchema } } } },
      responses: { 201: jsonContent(z.object({}).passthrough(), "the alert"), ...ERRORS },
    }),
    async (c) => (await create(deps, c.req.valid("json"))) as Any,
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/alerts",
      summary: "Price alerts, newest first (?active=true: only those not fired yet)",
      middleware: [guard(deps, "read")] as const,
      request: { query: z.object({ active: z.enum(["true", "false"]).optional() }) },
      responses: { 200: jsonContent(z.object({}).passthrough(), "alerts"), ...ERRORS },
    }),
    async (c) => {
      const active = c.req.valid("query").active === "true";
      const alerts = await deps.store.listAlerts({ active });
      return jsonResponse({ alerts: alerts.map(alertView) }) as Any;
    },
  );
  app.openapi(
    createRoute({
      method: "delete",
      path: "/alerts/{id}",
      summary: "Delete a price alert",
      middleware: [guard(deps, "control")] as const,
      request: { params: z.object({ id: intQuery(1, Number.MAX_SAFE_INTEGER) }) },
      responses: { 204: { description: "deleted" }, ...ERRORS },
    }),
    async (c) => {
      const id = c.req.valid("param").id;
      if (!await deps.store.deleteAlert(id)) {
        return errorResponse(404, `no alert ${id}`) as Any;
      }
      return new Response(null, { status: 204 }) as Any;
    },
  );
}
