/**
 * A local HTTP server for tests: `Deno.serve` on 127.0.0.1, port 0, answering through a handler
 * the test supplies, with programmable faults (status codes with headers, delays, stalled bodies,
 * malformed bodies) queued per route. Every request is logged so tests can assert what was asked.
 *
 * @example
 * const srv = FixtureServer.start((req) => json({ ok: true }));
 * srv.fault("/api/v3/klines", { type: "status", status: 429, headers: { "retry-after": "1" } });
 * // ... point a client at srv.url ...
 * await srv.close();
 * @module
 */

/** A request as the handler and the log see it. */
export interface FixtureRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: Headers;
  readonly receivedAt: number;
}

/** A fault to inject instead of (or before) the normal answer. */
export type Fault =
  /** Answer with this status, body and headers instead of the handler's response. */
  | { type: "status"; status: number; body?: string; headers?: Record<string, string> }
  /** Wait this long, then answer normally (a slow server, or a timeout for the client). */
  | { type: "delay"; ms: number }
  /** Send the status line and headers at once, then stall this long before the body. */
  | { type: "slow_body"; ms: number }
  /** Answer 200 with a body that is not valid JSON. */
  | { type: "malformed"; body?: string };

/** Which requests a fault applies to: a path prefix, a RegExp on path+query, or a predicate. */
export type Match = string | RegExp | ((req: FixtureRequest) => boolean);

/** The handler a test gives the server. */
export type FixtureHandler = (req: FixtureRequest) => Response | Promise<Response>;

interface QueuedFault {
  match: Match;
  fault: Fault;
  sticky: boolean;
}

function matches(m: Match, req: FixtureRequest): boolean {
  if (typeof m === "string") return req.path.startsWith(m);
  if (m instanceof RegExp) return m.test(`${req.path}?${req.query}`);
  return m(req);
}

/** JSON response helper. */
export function json(body: unknown, init: ResponseInit = {}): Response {
  const headers = new Headers(init.headers);
  headers.set("content-type", "application/json");
  return new Response(JSON.stringify(body), { ...init, headers });
}

/** See the module documentation. */
export class FixtureServer {
  /** Every request received, oldest first. */
  readonly requests: FixtureRequest[] = [];
  readonly #faults: QueuedFault[] = [];
  readonly #abort = new AbortController();
  readonly #waiters: { match: Match; resolve: (r: FixtureRequest) => void }[] = [];
  #server!: Deno.HttpServer<Deno.NetAddr>;
  #handler: FixtureHandler;

  private constructor(handler: FixtureHandler) {
    this.#handler = handler;
  }

  /** Starts a server on 127.0.0.1, on an OS-chosen port unless `port` is given. */
  static start(handler: FixtureHandler, port = 0): FixtureServer {
    const s = new FixtureServer(handler);
    s.#server = Deno.serve(
      { hostname: "127.0.0.1", port, onListen() {}, signal: s.#abort.signal },
      (r) => s.#serve(r),
    );
    return s;
  }

  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  get url(): string {
    return `http://127.0.0.1:${this.#server.addr.port}`;
  }

  /** Replaces the handler. */
  setHandler(handler: FixtureHandler): void {
    this.#handler = handler;
  }

  /** Queues faults for the next matching requests, one request each, in order. */
  fault(match: Match, ...faults: Fault[]): void {
    for (const f of faults) this.#faults.push({ match, fault: f, sticky: false });
  }

  /** Applies `fault` to every matching request until {@link clearFaults}. */
  faultAlways(match: Match, fault: Fault): void {
    this.#faults.push({ match, fault, sticky: true });
  }

  /** Removes every queued and sticky fault. */
  clearFaults(): void {
    this.#faults.length = 0;
  }

  /** Requests whose path starts with `prefix`. */
  requestsTo(prefix: string): FixtureRequest[] {
    return this.requests.filter((r) => r.path.startsWith(prefix));
  }

  /** Resolves when a matching request arrives (or has already arrived). */
  waitForRequest(match: Match): Promise<FixtureRequest> {
    const seen = this.requests.find((r) => matches(match, r));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.#waiters.push({ match, resolve }));
  }

  async #serve(r: Request): Promise<Response> {
    const u = new URL(r.url);
    const req: FixtureRequest = {
      method: r.method,
      path: u.pathname,
      query: u.searchParams,
      headers: r.headers,
      receivedAt: Date.now(),
    };
    this.requests.push(req);
    for (let i = this.#waiters.length - 1; i >= 0; i--) {
      if (matches(this.#waiters[i].match, req)) {
        this.#waiters[i].resolve(req);
        this.#waiters.splice(i, 1);
      }
    }
    const i = this.#faults.findIndex((f) => matches(f.match, req));
    const queued = i === -1 ? undefined : this.#faults[i];
    if (queued && !queued.sticky) this.#faults.splice(i, 1);
    const fault = queued?.fault;
    try {
      if (fault?.type === "status") {
        return new Response(fault.body ?? "", { status: fault.status, headers: fault.headers });
      }
      if (fault?.type === "malformed") {
        return new Response(fault.body ?? '{"prices": [[1, 2], [3', {
          headers: { "content-type": "application/json" },
        });
      }
      if (fault?.type === "delay") await this.#sleep(fault.ms);
      const res = await this.#handler(req);
      if (fault?.type === "slow_body") {
        const body = new Uint8Array(await res.arrayBuffer());
        const stall = this.#sleep(fault.ms);
        const stream = new ReadableStream<Uint8Array>({
          async pull(ctrl) {
            try {
              await stall;
              ctrl.enqueue(body);
            } catch { /* server closing */ }
            ctrl.close();
          },
        });
        return new Response(stream, { status: res.status, headers: res.headers });
      }
      return res;
    } catch (e) {
      if (this.#abort.signal.aborted) return new Response("closing", { status: 503 });
      return new Response(`fixture handler failed: ${(e as Error).message}`, { status: 500 });
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const signal = this.#abort.signal;
      if (signal.aborted) return reject(new Error("closed"));
      const id = setTimeout(() => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(id);
        reject(new Error("closed"));
      };
      signal.addEventListener("abort", onAbort, { once: true });
    });
  }

  /** Stops the server, cutting short any delayed answer. */
  async close(): Promise<void> {
    this.#abort.abort();
    await this.#server.finished;
  }
}

/**
 * A URL on a loopback port where nothing listens, so connecting is refused: the "host is down"
 * fault. (The port was free a moment ago; tests use it at once.)
 */
export function refusedUrl(path = ""): string {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return `http://127.0.0.1:${port}${path}`;
}

/**
 * The shared reference folder (`<repo>/../shared/reference/`), or `undefined` when it is absent
 * (a user's clone). Tests that need it skip with a message.
 */
export function referenceDir(): string | undefined {
  const dir = new URL("../../../shared/reference/", import.meta.url);
  try {
    Deno.statSync(dir);
    return dir.pathname;
  } catch {
    return undefined;
  }
}

/** Reads a reference message file as JSON (`messages/<rel>`), or `undefined` when absent. */
export function readReferenceJson(rel: string): unknown {
  const dir = referenceDir();
  if (!dir) return undefined;
  return JSON.parse(Deno.readTextFileSync(`${dir}messages/${rel}`));
}

/** The message tests print when they skip because the reference folder is missing. */
export const REFERENCE_MISSING =
  "skipped: ../shared/reference/ is absent (it ships beside the project in CI)";
