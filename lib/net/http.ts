/**
 * One HTTP GET with a hard timeout that covers connecting, headers and the whole body, and with
 * transport failures classified (refused, DNS, timeout, reset) so that callers can decide between
 * retrying, falling back to another host, or giving up.
 * @module
 */
import { NetworkError, type NetworkErrorKind } from "./errors.ts";

/** A complete response: status, headers and the body read as text. */
export interface HttpResponse {
  readonly url: string;
  readonly status: number;
  readonly headers: Headers;
  readonly body: string;
}

/** The `fetch` signature the HTTP layer uses (injectable for tests). */
export type FetchFn = (input: string, init?: RequestInit) => Promise<Response>;

/** Options for {@link httpGet}. */
export interface HttpGetOptions {
  headers?: Record<string, string>;
  /** Whole-request timeout in ms (connect + headers + body). */
  timeoutMs: number;
  /** Cancels the request from outside (e.g. on SIGINT). */
  signal?: AbortSignal;
  fetchFn?: FetchFn;
}

/** Maps a fetch failure to a {@link NetworkErrorKind}. */
export function classifyFetchError(e: unknown): NetworkErrorKind {
  const err = e as { name?: string; message?: string; cause?: { message?: string } };
  if (err?.name === "TimeoutError") return "timeout";
  const text = `${err?.message ?? ""} ${err?.cause?.message ?? ""}`.toLowerCase();
  if (text.includes("timed out") || text.includes("timeout")) return "timeout";
  if (text.includes("connection refused") || text.includes("econnrefused")) return "refused";
  if (
    text.includes("dns error") || text.includes("failed to lookup") || text.includes("enotfound")
  ) {
    return "dns";
  }
  if (
    text.includes("connection reset") || text.includes("econnreset") ||
    text.includes("connection closed") || text.includes("broken pipe") ||
    text.includes("incomplete message")
  ) return "reset";
  return "other";
}

/**
 * Sends a GET and reads the whole body within `timeoutMs`. Resolves for every HTTP status;
 * rejects with {@link NetworkError} when no complete answer arrived. An outside abort is
 * re-thrown as is.
 */
export async function httpGet(url: string, options: HttpGetOptions): Promise<HttpResponse> {
  const fetchFn = options.fetchFn ?? fetch;
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  try {
    const res = await fetchFn(url, { headers: options.headers, signal, redirect: "follow" });
    const body = await res.text();
    return { url, status: res.status, headers: res.headers, body };
  } catch (e) {
    if (options.signal?.aborted) throw options.signal.reason ?? e;
    // A host missing from --allow-net is a setup error, not a network failure: never retry it.
    if (e instanceof Deno.errors.NotCapable || e instanceof Deno.errors.PermissionDenied) throw e;
    const kind = timeout.aborted ? "timeout" : classifyFetchError(e);
    const cause = (e as { cause?: { message?: string } }).cause?.message;
    const detail = kind === "timeout"
      ? `no complete answer within ${options.timeoutMs} ms`
      : (cause ?? (e as Error).message ?? String(e));
    throw new NetworkError(kind, url, detail);
  }
}

/**
 * Parses a `Retry-After` header (delay in seconds, or an HTTP date) into milliseconds from `nowMs`.
 * Returns `undefined` when absent or unreadable; never negative.
 */
export function parseRetryAfter(
  value: string | null | undefined,
  nowMs: number,
): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (text === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}
