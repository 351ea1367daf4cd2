/**
 * Who may do what. A token is `API_SECRET_KEY` itself (scope `control`) or an HS256 JWT signed
 * with it whose `scope` is `read` or `control` (its `exp` and `nbf` honoured; `alg: none` and
 * every other algorithm refused). Secrets are compared in constant time. Routes are public
 * (`/health`, `/ready`, `/metrics`, `/openapi.json`), reads (need a token unless
 * `API_PUBLIC_READ=true`, or when no key is set: the server then listens on loopback only) or
 * control (`POST`, `DELETE`: a `control` token; 401 without a key configured).
 * @module
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { verify } from "hono/jwt";

/** What a token allows. */
export type Scope = "read" | "control";

/** The outcome of checking a token. */
export type AuthResult =
  | { readonly ok: true; readonly scope: Scope }
  | { readonly ok: false; readonly status: 401 | 403; readonly reason: string };

/** The access a route needs. */
export type Access = "public" | "read" | "control";

/** Auth settings from the configuration. */
export interface AuthSettings {
  /** `API_SECRET_KEY`; undefined: no control access at all. */
  readonly secret?: string;
  /** `API_PUBLIC_READ`. */
  readonly publicRead: boolean;
}

/** The seed's placeholder key, refused unless the server listens on loopback only. */
export const DEFAULT_SECRET = "your-secret-key-change-in-production";

function digest(text: string): Uint8Array {
  return createHash("sha256").update(text).digest();
}

/** Constant-time equality of two strings (their SHA-256 digests are compared). */
export function safeEqual(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

function decodeHeader(token: string): Record<string, unknown> | undefined {
  try {
    const part = token.split(".")[0].replace(/-/g, "+").replace(/_/g, "/");
    return JSON.parse(atob(part.padEnd(part.length + ((4 - part.length % 4) % 4), "=")));
  } catch {
    return undefined;
  }
}

/** Checks a bearer token against the secret: the key itself, or a JWT signed with it. */
export async function checkToken(token: string, secret: string): Promise<AuthResult> {
  const bad = (reason: string): AuthResult => ({ ok: false, status: 401, reason });
  if (safeEqual(token, secret)) return { ok: true, scope: "control" };
  if (token.split(".").length !== 3) return bad("invalid token");
  const header = decodeHeader(token);
  if (header?.alg !== "HS256") {
    return bad(`invalid token: JWT algorithm ${JSON.stringify(header?.alg)} refused (HS256 only)`);
  }
  let payload: Record<string, unknown>;
  try {
    payload = await verify(token, secret, "HS256") as Record<string, unknown>;
  } catch (e) {
    const name = (e as Error).name;
    if (/Expired/.test(name)) return bad("token expired");
    if (/NotBefore/.test(name)) return bad("token not valid yet");
    return bad("invalid token: bad signature");
  }
  if (payload.exp === undefined) return bad("invalid token: the JWT has no exp");
  if (payload.scope !== "read" && payload.scope !== "control") {
    return bad('invalid token: scope must be "read" or "control"');
  }
  return { ok: true, scope: payload.scope };
}

/** The bearer token of an `Authorization` header, or undefined. */
export function bearer(header: string | undefined | null): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return m?.[1];
}

/** Decides a request: `token` is what the client sent (undefined when nothing). */
export async function authorize(
  access: Access,
  token: string | undefined,
  settings: AuthSettings,
): Promise<AuthResult> {
  if (access === "public") return { ok: true, scope: "read" };
  if (!settings.secret) {
    if (access === "read") return { ok: true, scope: "read" };
    return {
      ok: false,
      status: 401,
      reason: "control routes are disabled: API_SECRET_KEY is not set",
    };
  }
  if (access === "read" && settings.publicRead && token === undefined) {
    return { ok: true, scope: "read" };
  }
  if (token === undefined) {
    return { ok: false, status: 401, reason: "missing token: send Authorization: Bearer <token>" };
  }
  const r = await checkToken(token, settings.secret);
  if (!r.ok) return r;
  if (access === "control" && r.scope !== "control") {
    return { ok: false, status: 403, reason: "this route needs a control token; yours is read" };
  }
  return r;
}
