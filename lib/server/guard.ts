/**
 * The app type the route modules extend, and the per-route token check.
 * @module
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { type Access, authorize, bearer } from "./auth.ts";
import { errorResponse, type ServerDeps } from "./context.ts";

/** The app type every route module extends. */
export type App = OpenAPIHono;

/** Middleware checking the token for `access` (the query's `token` too, on `/ws` only). */
export function guard(deps: ServerDeps, access: Access): MiddlewareHandler {
  const settings = { secret: deps.config.api.secretKey, publicRead: deps.config.api.publicRead };
  return async (c, next) => {
    const token = bearer(c.req.header("authorization")) ??
      (c.req.path === "/ws" ? c.req.query("token") : undefined);
    const r = await authorize(access, token, settings);
    if (!r.ok) {
      return errorResponse(r.status, r.reason, deps.redact, {
        "www-authenticate": 'Bearer realm="mts"',
      });
    }
    c.set("scope" as never, r.scope as never);
    await next();
  };
}
