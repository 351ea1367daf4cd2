/**
 * The hono application: middleware (metrics, CORS, body limit, per-client rate limit), the
 * routes of `routes_*.ts`, `/ws`, and the error mapping — a client's mistake is always a 4xx
 * with a one-line reason naming the field, never a 5xx or a stack trace.
 * @module
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { HTTPException } from "hono/http-exception";
import { matchedRoutes } from "hono/route";
import type { ZodError } from "zod";
import { errorResponse, type ServerDeps, statusOf } from "./context.ts";
import type { App } from "./guard.ts";
import { RateLimiter } from "./rate_limit.ts";
import { alertRoutes } from "./routes_alerts.ts";
import { dataRoutes } from "./routes_data.ts";
import { runRoutes } from "./routes_run.ts";
import { streamRoutes } from "./routes_streams.ts";
import { systemRoutes } from "./routes_system.ts";
import { wsRoute } from "./ws.ts";

/** Paths that need no token. */
export const PUBLIC_PATHS = new Set(["/health", "/ready", "/metrics", "/openapi.json"]);
const RATE_EXEMPT = new Set(["/health", "/metrics"]);
const TIMEOUT_EXEMPT = new Set(["/ws", "/metrics"]);

/** `query.limit: expected …; json.symbols: …` from a zod error. */
export function describeIssues(target: string, error: ZodError): string {
  return error.issues.slice(0, 5).map((i) => {
    const path = [target, ...i.path.map(String)].join(".");
    return `${path}: ${i.message}`;
  }).join("; ");
}

/** The route template a request matched (`/backtests/:id`), or `unmatched`. */
function routeLabel(c: Context): string {
  const routes = matchedRoutes(c).filter((r) => r.method !== "ALL");
  return routes.length ? routes[routes.length - 1].path : "unmatched";
}

function metricsMiddleware(deps: ServerDeps): MiddlewareHandler {
  return async (c, next) => {
    const start = performance.now();
    await next();
    const route = routeLabel(c);
    const labels = { method: c.req.method, route };
    deps.metrics.httpRequests.inc({ ...labels, status: String(c.res.status) });
    deps.metrics.httpDuration.observe(labels, (performance.now() - start) / 1000);
  };
}

/**
 * `API_REQUEST_TIMEOUT_MS`: a request the server has not answered in time gets 504 with the
 * reason. The server's own work took too long — not the client's mistake — so a 5xx is right,
 * and 504 (not 503, which is `/ready`'s) says "try later / ask for less". The handler's work is
 * not cancelled (a store read finishes in the background). Exempt: `/ws` (a long-lived upgrade),
 * `/metrics` (the scraper has its own timeout, and a 504 would lose every metric) and
 * `POST /backtest` (its own bound: `API_SYNC_TIMEOUT_MS`, then 202).
 */
function timeoutMiddleware(deps: ServerDeps): MiddlewareHandler {
  const ms = deps.config.api.requestTimeoutMs;
  return async (c, next) => {
    const path = c.req.path;
    if (ms <= 0 || TIMEOUT_EXEMPT.has(path) || (c.req.method === "POST" && path === "/backtest")) {
      return await next();
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<"late">((r) => (timer = setTimeout(() => r("late"), ms)));
    const work = next().then(() => "done" as const);
    const first = await Promise.race([work, late]);
    clearTimeout(timer);
    if (first === "done") return;
    work.catch(() => {}); // it may still fail: already answered
    deps.log.warn(`${c.req.method} ${c.req.path}: no answer within ${ms} ms (504)`, {});
    return errorResponse(
      504,
      `request timeout: the server did not answer within ${ms} ms (API_REQUEST_TIMEOUT_MS); ` +
        "try again, or ask for less (a smaller limit or range)",
    );
  };
}

function clientKey(c: Context): string {
  const info = (c.env as { remoteAddr?: Deno.NetAddr } | undefined)?.remoteAddr;
  return info?.hostname ?? "unknown";
}

function rateLimitMiddleware(deps: ServerDeps): MiddlewareHandler {
  const limiter = new RateLimiter(deps.config.api.rateLimitPerMin, deps.now);
  return async (c, next) => {
    if (limiter.disabled || RATE_EXEMPT.has(c.req.path)) return await next();
    const wait = limiter.take(clientKey(c));
    if (wait > 0) {
      return errorResponse(
        429,
        `rate limit: more than ${deps.config.api.rateLimitPerMin} requests a minute from this client (API_RATE_LIMIT_PER_MIN)`,
        undefined,
        { "retry-after": String(Math.ceil(wait / 1000)) },
      );
    }
    await next();
  };
}

function onError(deps: ServerDeps) {
  return (err: Error, c: Context): Response => {
    if (err instanceof HTTPException) {
      const status = err.status >= 500 ? 400 : err.status;
      const reason = status === 415
        ? `content-type: expected application/json for ${c.req.method} ${c.req.path}`
        : err.message || "bad request";
      return errorResponse(status, reason, deps.redact);
    }
    const status = statusOf(err);
    if (status !== undefined) return errorResponse(status, err.message, deps.redact);
    deps.log.error(`${c.req.method} ${c.req.path}: ${err.name}: ${err.message}`, {});
    return errorResponse(500, "internal error (logged by the server)");
  };
}

/** Builds the application over `deps`. */
export function createApp(deps: ServerDeps): App {
  const app = new OpenAPIHono({
    defaultHook: (result) => {
      if (!result.success) {
        const target = (result as { target?: string }).target ?? "request";
        return errorResponse(400, describeIssues(target, result.error as ZodError), deps.redact);
      }
    },
  });
  app.use("*", metricsMiddleware(deps));
  app.use("*", timeoutMiddleware(deps));
  const origins = deps.config.api.corsOrigins;
  if (origins.length) {
    app.use("*", cors({ origin: origins.includes("*") ? "*" : [...origins], maxAge: 600 }));
  }
  app.use("*", rateLimitMiddleware(deps));
  app.use(
    "*",
    bodyLimit({
      maxSize: deps.config.api.maxBodyBytes,
      onError: () =>
        errorResponse(
          413,
          `request body larger than ${deps.config.api.maxBodyBytes} bytes (API_MAX_BODY_BYTES)`,
        ),
    }),
  );
  systemRoutes(app, deps);
  dataRoutes(app, deps);
  runRoutes(app, deps);
  streamRoutes(app, deps);
  alertRoutes(app, deps);
  wsRoute(app, deps);
  app.notFound((c) =>
    errorResponse(404, `no route ${c.req.method} ${c.req.path.slice(0, 200)}`, deps.redact)
  );
  app.onError(onError(deps));
  return app;
}
