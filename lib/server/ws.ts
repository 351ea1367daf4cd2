/**
 * `GET /ws`: WebSocket notifications. Auth as for reads: `?token=…` (accepted here only), an
 * `Authorization` header, or a first message `{"type":"auth","token":"…"}` within 5 s. Then
 * `{"type":"subscribe","channels":[…],"since":{"<channel>":<seq>}}`: the messages each channel
 * still buffers after `since` are replayed, then `{"type":"subscribed",…}` acknowledges.
 * @module
 */
import { upgradeWebSocket } from "hono/deno";
import type { WSContext } from "hono/ws";
import type { App } from "./guard.ts";
import { authorize, bearer } from "./auth.ts";
import { errorResponse, type ServerDeps } from "./context.ts";
import { type HubClient, isHubChannel } from "./hub.ts";
import { WsClientMessageSchema } from "./schemas.ts";

/** Close code for a client that never authenticated or sent a bad token. */
export const UNAUTHORIZED_CODE = 4001;
const AUTH_TIMEOUT_MS = 5_000;

interface Session {
  client?: HubClient;
  authed: boolean;
  timer?: ReturnType<typeof setTimeout>;
}

async function subscribe(
  deps: ServerDeps,
  client: HubClient,
  channels: readonly string[],
  since: Record<string, number> = {},
): Promise<void> {
  const bad = channels.filter((c) => !isHubChannel(c));
  if (bad.length) {
    client.sendJson({
      type: "error",
      error: `unknown channel ${JSON.stringify(bad[0]).slice(0, 80)}: expected signals, alerts, ` +
        "arbitrage, funding, collection, backtests or books:<exchange>:<spot|perp>:<SYMBOL>",
    });
    return;
  }
  for (const ch of channels) {
    if (ch.startsWith("books:")) {
      const [, exchange, market, symbol] = ch.split(":");
      await deps.relay.ensureBook(exchange, market, symbol);
    }
  }
  const result = deps.hub.subscribe(client, channels, since);
  client.sendJson({ type: "subscribed", channels: result });
}

async function onText(deps: ServerDeps, s: Session, text: string): Promise<void> {
  const client = s.client!;
  let parsed;
  try {
    parsed = WsClientMessageSchema.safeParse(JSON.parse(text));
  } catch {
    client.sendJson({ type: "error", error: "expected a JSON message" });
    return;
  }
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    client.sendJson({
      type: "error",
      error: `${["message", ...i.path.map(String)].join(".")}: ${i.message}`,
    });
    return;
  }
  const m = parsed.data;
  if (m.type === "auth") {
    const settings = { secret: deps.config.api.secretKey, publicRead: false };
    const r = await authorize("read", m.token, settings);
    if (!r.ok) return client.close(UNAUTHORIZED_CODE, r.reason);
    s.authed = true;
    clearTimeout(s.timer);
    client.sendJson({ type: "authenticated", scope: r.scope });
    return;
  }
  if (!s.authed) return client.close(UNAUTHORIZED_CODE, "authenticate first");
  if (m.type === "subscribe") await subscribe(deps, client, m.channels, m.since);
  else if (m.type === "unsubscribe") {
    for (const ch of m.channels) client.channels.delete(ch);
    client.sendJson({ type: "unsubscribed", channels: m.channels });
  } else client.sendJson({ type: "pong" });
}

function sinkOf(ws: WSContext) {
  return {
    send: (text: string) => ws.send(text),
    close: (code: number, reason: string) => ws.close(code, reason.slice(0, 120)),
    buffered: () => (ws.raw as WebSocket | undefined)?.bufferedAmount ?? 0,
  };
}

/** Registers `GET /ws`. */
export function wsRoute(app: App, deps: ServerDeps): void {
  const settings = { secret: deps.config.api.secretKey, publicRead: deps.config.api.publicRead };
  app.get(
    "/ws",
    async (c, next) => {
      const token = bearer(c.req.header("authorization")) ?? c.req.query("token");
      const r = await authorize("read", token, settings);
      // a wrong token is refused before the upgrade; none may still authenticate by message
      if (!r.ok && token !== undefined) return errorResponse(r.status, r.reason, deps.redact);
      c.set("wsAuthed" as never, r.ok as never);
      if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
        return errorResponse(400, "GET /ws expects a WebSocket upgrade");
      }
      await next();
    },
    upgradeWebSocket((c) => {
      const s: Session = { authed: c.get("wsAuthed" as never) === true };
      return {
        onOpen: (_e, ws) => {
          s.client = deps.hub.connect(sinkOf(ws));
          deps.metrics.wsClients.inc();
          if (!s.authed) {
            s.timer = setTimeout(
              () => s.client?.close(UNAUTHORIZED_CODE, "no auth message within 5 s"),
              AUTH_TIMEOUT_MS,
            );
          }
        },
        onMessage: (e) => {
          if (!s.client || typeof e.data !== "string") return;
          onText(deps, s, e.data).catch((err) => {
            deps.log.warn(`ws: ${(err as Error).message}`, {});
            s.client?.sendJson({ type: "error", error: "could not handle the message" });
          });
        },
        onClose: () => {
          clearTimeout(s.timer);
          if (s.client) deps.metrics.wsClients.dec();
          s.client?.close();
        },
      };
    }),
  );
}
