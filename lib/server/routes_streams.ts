/**
 * Live data from the cache, as the stream runner publishes it (`lib/streams/published.ts`): one
 * book, every perpetual's funding, the recent arbitrage alerts. 404 with a reason when nothing
 * was published (the streams are not running).
 * @module
 */
import { createRoute, z } from "@hono/zod-openapi";
import {
  bookCacheKey,
  FUNDING_INDEX_KEY,
  fundingCacheKey,
  parseMarket,
  type PublishedBook,
  type PublishedFunding,
} from "../streams/published.ts";
import type { Exchange } from "../streams/sync.ts";
import { type App, guard } from "./guard.ts";
import { errorResponse, jsonResponse, type ServerDeps } from "./context.ts";
import { ERRORS, jsonContent } from "./schemas.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

const NOT_RUNNING = "is the stream running? (deno task stream, with the same REDIS_URL)";

/** Registers the live-data routes. */
export function streamRoutes(app: App, deps: ServerDeps): void {
  const read = guard(deps, "read");
  app.openapi(
    createRoute({
      method: "get",
      path: "/books/{exchange}/{market}/{symbol}",
      summary: "One order book as the stream published it",
      middleware: [read] as const,
      request: {
        params: z.object({
          exchange: z.enum(["binance", "bybit"]),
          market: z.enum(["spot", "perp"]),
          symbol: z.string().regex(
            /^[A-Z0-9]{2,30}$/,
            "expected an exchange symbol such as BTCUSDT",
          ),
        }),
      },
      responses: { 200: jsonContent(z.object({}).passthrough(), "the book"), ...ERRORS },
    }),
    async (c) => {
      const p = c.req.valid("param");
      const key = bookCacheKey({
        exchange: p.exchange as Exchange,
        market: parseMarket(p.market)!,
        symbol: p.symbol,
      });
      const book = await deps.cache.get<PublishedBook>(key);
      if (!book) {
        return errorResponse(
          404,
          `no book ${p.exchange} ${p.market} ${p.symbol} in the cache: ${NOT_RUNNING}`,
        ) as Any;
      }
      return jsonResponse(book) as Any;
    },
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/funding",
      summary: "Every perpetual's latest funding as the stream published it",
      middleware: [read] as const,
      responses: { 200: jsonContent(z.object({}).passthrough(), "funding"), ...ERRORS },
    }),
    async () => {
      const ids = await deps.cache.get<unknown>(FUNDING_INDEX_KEY);
      const funding: PublishedFunding[] = [];
      for (const id of Array.isArray(ids) ? ids : []) {
        const [exchange, symbol] = String(id).split(":");
        const f = await deps.cache.get<PublishedFunding>(
          fundingCacheKey(exchange as Exchange, symbol),
        );
        if (f) funding.push(f);
      }
      if (!funding.length) {
        return errorResponse(404, `no funding in the cache: ${NOT_RUNNING}`) as Any;
      }
      return jsonResponse({ funding }) as Any;
    },
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/arbitrage",
      summary: "Recent arbitrage alerts relayed since the server started (newest last)",
      middleware: [read] as const,
      responses: { 200: jsonContent(z.object({}).passthrough(), "alerts"), ...ERRORS },
    }),
    () => {
      const alerts = deps.hub.recent("arbitrage");
      if (!alerts.length) {
        return errorResponse(
          404,
          `no arbitrage alert relayed since the server started: ${NOT_RUNNING}`,
        ) as Any;
      }
      return jsonResponse({ alerts }) as Any;
    },
  );
}
