/**
 * Terminal helpers shared by the `collect` and `macro` tasks: a one-line progress display that
 * only ever goes to a terminal, and an abort signal tied to Ctrl-C/SIGTERM so that an
 * interrupted run is recorded as such.
 * @module
 */
import { escapeControls } from "../core/text.ts";
import type { NetEvent } from "../net/resilient_client.ts";
import type { CollectProgress } from "./collector.ts";

/** Carriage return + "erase line": the one terminal sequence progress writes itself. */
const CLEAR_LINE = "\r\x1b[2K";

/** Progress on standard error, only when it is a terminal; silent otherwise. */
export class TerminalProgress {
  readonly #enabled: boolean;
  readonly #out: (text: string) => void;
  #line = "";
  #pages = 0;

  /**
   * `enabled` false makes every method a no-op (not a terminal, or `--json`); `write` replaces
   * standard error (tests capture the output).
   */
  constructor(enabled: boolean, write?: (text: string) => void) {
    this.#enabled = enabled;
    const enc = new TextEncoder();
    this.#out = write ?? ((t) => Deno.stderr.writeSync(enc.encode(t)));
  }

  #write(text: string): void {
    if (!this.#enabled) return;
    // labels and server messages are escaped: only this class's own sequences reach the terminal
    this.#out(CLEAR_LINE + escapeControls(text, { singleLine: true }));
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
    if (this.#enabled && this.#line) this.#out(CLEAR_LINE);
    this.#line = "";
  }
}

/**
 * An AbortSignal that fires on SIGINT or SIGTERM; `dispose` removes the listeners. The first
 * signal aborts the run gracefully (the run is recorded as interrupted) and removes the
 * listeners, so a second one gets the default behaviour: the process ends at once.
 */
export function interruptSignal(): { signal: AbortSignal; dispose: () => void } {
  const ac = new AbortController();
  const names: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
  let listening = true;
  const dispose = () => {
    if (!listening) return;
    listening = false;
    handlers.forEach(([n, h]) => Deno.removeSignalListener(n, h));
  };
  const handlers = names.map((name) => {
    const h = () => {
      // listeners go first, so that a second signal during the abort handlers already ends it
      dispose();
      ac.abort(new Error(`interrupted by ${name}`));
    };
    Deno.addSignalListener(name, h);
    return [name, h] as const;
  });
  return { signal: ac.signal, dispose };
}
