/**
 * Edge helpers shared by the `collect` and `macro` tasks: space-separated list flags, a one-line
 * progress display that only ever goes to a terminal, and an abort signal tied to Ctrl-C/SIGTERM
 * so that an interrupted run is recorded as such.
 * @module
 */
import type { ResolvedConfig } from "../config/config.ts";
import { BreakerRegistry } from "../net/circuit_breaker.ts";
import type { ApiClientOptions, NetEvent } from "../net/resilient_client.ts";
import type { CollectProgress } from "./collector.ts";

/**
 * Turns `--assets bitcoin ethereum --days 7` into `--assets=bitcoin,ethereum --days 7`, so list
 * flags take space- or comma-separated values. Other arguments pass through unchanged.
 */
export function expandListFlags(args: readonly string[], flags: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!flags.includes(a)) {
      out.push(a);
      continue;
    }
    const values: string[] = [];
    while (i + 1 < args.length && !args[i + 1].startsWith("-")) values.push(args[++i]);
    out.push(values.length ? `${a}=${values.join(",")}` : a);
  }
  return out;
}

/** Splits a comma/space list flag value; `undefined` stays `undefined`. */
export function splitList(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return value.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);
}

/** Progress on standard error, only when it is a terminal; silent otherwise. */
export class TerminalProgress {
  readonly #enabled: boolean;
  readonly #enc = new TextEncoder();
  #line = "";
  #pages = 0;

  constructor(enabled: boolean) {
    this.#enabled = enabled;
  }

  #write(text: string): void {
    if (!this.#enabled) return;
    const clear = "\r\x1b[2K";
    Deno.stderr.writeSync(this.#enc.encode(clear + text));
    this.#line = text;
  }

  /** Shows a collection progress event. */
  collect(p: CollectProgress): void {
    if (p.type === "item") {
      this.#pages = 0;
      this.#write(`[${p.index + 1}/${p.total}] ${p.label} …`);
    } else if (p.type === "page") {
      this.#pages += p.rows;
      this.#write(`${this.#line.replace(/ … .*$| …$/, "")} … ${this.#pages} rows`);
    } else {
      this.#write(`${p.label}: ${p.message}`);
    }
  }

  /** Shows a retry, rate-limit wait or fallback. */
  net(e: NetEvent): void {
    const what = e.type === "fallback"
      ? `falling back from ${e.from} to ${e.to}`
      : e.type === "rate_limited"
      ? `rate-limited, waiting ${Math.ceil(e.waitMs / 1000)} s`
      : `retry ${e.attempt} in ${Math.ceil(e.waitMs / 1000)} s (${e.reason})`;
    this.#write(`${this.#line.replace(/ \(.*\)$/, "")} (${what})`);
  }

  /** Clears the progress line. */
  done(): void {
    if (this.#enabled && this.#line) Deno.stderr.writeSync(this.#enc.encode("\r\x1b[2K"));
    this.#line = "";
  }
}

/**
 * An AbortSignal that fires on SIGINT or SIGTERM; `dispose` removes the listeners. The first
 * signal aborts the run gracefully (the run is recorded as interrupted); a second one exits.
 */
export function interruptSignal(): { signal: AbortSignal; dispose: () => void } {
  const ac = new AbortController();
  const names: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
  const handlers = names.map((name) => {
    const h = () => {
      if (ac.signal.aborted) Deno.exit(130);
      ac.abort(new Error(`interrupted by ${name}`));
    };
    Deno.addSignalListener(name, h);
    return [name, h] as const;
  });
  return {
    signal: ac.signal,
    dispose: () => handlers.forEach(([n, h]) => Deno.removeSignalListener(n, h)),
  };
}

/**
 * The configuration's resilience settings (timeout, retries, backoff) for every client of one
 * run, sharing one set of circuit breakers, the run's abort signal and its event sink.
 */
export function apiClientOptions(
  config: ResolvedConfig,
  signal: AbortSignal,
  onEvent: (e: NetEvent) => void,
): ApiClientOptions {
  return {
    timeoutMs: config.httpTimeoutMs,
    maxAttempts: config.http.maxRetries + 1,
    maxRetryAfterMs: config.http.maxRetryWaitMs,
    backoff: { baseMs: config.http.backoffBaseMs, maxMs: 30_000 },
    breakers: new BreakerRegistry(),
    signal,
    onEvent,
  };
}
