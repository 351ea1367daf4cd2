/**
 * One managed WebSocket connection of a stream run (IO): opens the URL, reports every text frame
 * and every open/close as a {@link StreamEvent} stamped with the receive time, reconnects after a
 * drop with exponential backoff and full jitter (Deno reports an abrupt drop as code 0 with
 * `wasClean` false, a refused connection as an `error` then a close — both end in the same
 * reconnect), gives up waiting for an open after a connect timeout, sends what the exchange needs
 * on open (Bybit subscribe requests, at most 10 args each) and on a timer (Bybit's
 * `{"op":"ping"}` every 20 s; Deno answers Binance's pings itself), and before the connection's
 * age limit (Binance cuts at 24 h) opens a replacement and closes the old socket only once the
 * new one delivers, so the books see no gap (`handover`).
 * @module
 */
import { backoffDelay } from "../net/backoff.ts";
import type { StreamEvent } from "./events.ts";

/** Reads the time and sets timers (tests and benches may pass their own). */
export interface WsClock {
  /** UTC ms. */
  now(): number;
}

/** Options for {@link WsConnection}. */
export interface WsConnectionOptions {
  /** The connection id of the plan (`binance:spot:0`). */
  readonly id: string;
  /** The URL to open. */
  readonly url: string;
  /** Every event, in order (frames, opens, closes, sent frames). */
  readonly onEvent: (event: StreamEvent) => void;
  /** Frames to send right after opening (Bybit subscribe requests). */
  readonly onOpenSend?: readonly string[];
  /** Application-level ping frame and its period (Bybit: `{"op":"ping"}` every 20 s). */
  readonly ping?: { readonly text: string; readonly everyMs: number };
  /** Replace the connection once it is this old (Binance: before 24 h); default never. */
  readonly maxAgeMs?: number;
  /** Give up an open that takes longer, ms (default 10 s). */
  readonly connectTimeoutMs?: number;
  /** Backoff of reconnects (default 500 ms doubling to 30 s, full jitter). */
  readonly backoff?: { readonly baseMs: number; readonly maxMs: number };
  /** Clock (default `Date.now`). */
  readonly clock?: WsClock;
  /** Jitter source (default `Math.random`). */
  readonly random?: () => number;
}

const systemClock: WsClock = { now: () => Date.now() };

/** An open connection that lasted this long resets the backoff. */
const STABLE_MS = 10_000;
/** How long a handover waits for the new socket's first frame before closing the old one. */
const HANDOVER_MAX_OVERLAP_MS = 10_000;

/** See the module documentation. */
export class WsConnection {
  readonly #o: WsConnectionOptions;
  readonly #clock: WsClock;
  #ws: WebSocket | null = null;
  #retired: WebSocket | null = null;
  #attempt = 0;
  #openedAt = 0;
  #stopped = false;
  #timers = new Set<ReturnType<typeof setTimeout>>();
  #pingTimer: ReturnType<typeof setInterval> | undefined;
  #ageTimer: ReturnType<typeof setTimeout> | undefined;
  #closed: Promise<void> = Promise.resolve();
  #resolveClosed: (() => void) | null = null;

  /** Validates nothing; {@link WsConnection.start} opens it. */
  constructor(options: WsConnectionOptions) {
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
  }

  /** Opens the connection (and keeps it open until {@link WsConnection.stop}). */
  start(): void {
    this.#connect(false);
  }

  #later(ms: number, fn: () => void): ReturnType<typeof setTimeout> {
    const id = setTimeout(() => {
      this.#timers.delete(id);
      fn();
    }, Math.max(0, ms));
    this.#timers.add(id);
    return id;
  }

  #emit(event: StreamEvent): void {
    if (!this.#stopped) this.#o.onEvent(event);
  }

  #connect(handover: boolean): void {
    if (this.#stopped) return;
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.#o.url);
    } catch (e) {
      this.#emit({
        t: "close",
        at: this.#clock.now(),
        c: this.#o.id,
        code: 0,
        clean: false,
        reason: (e as Error).message,
      });
      this.#scheduleReconnect();
      return;
    }
    const previous = handover ? this.#ws : null;
    this.#ws = ws;
    let opened = false;
    let delivered = false;
    const timeout = this.#later(this.#o.connectTimeoutMs ?? 10_000, () => {
      if (!opened) ws.close(4000, "connect timeout");
    });
    ws.onopen = () => {
      opened = true;
      clearTimeout(timeout);
      this.#timers.delete(timeout);
      if (this.#ws !== ws) return;
      this.#openedAt = this.#clock.now();
      this.#emit({
        t: "open",
        at: this.#openedAt,
        c: this.#o.id,
        ...(previous ? { handover: true } : {}),
      });
      for (const text of this.#o.onOpenSend ?? []) this.send(text);
      this.#armTimers();
      if (previous) this.#later(HANDOVER_MAX_OVERLAP_MS, () => this.#retire(previous));
    };
    ws.onmessage = (m) => {
      if (typeof m.data !== "string" || ws === this.#retired) return;
      this.#emit({ t: "frame", at: this.#clock.now(), c: this.#o.id, d: m.data });
      if (previous && !delivered) {
        delivered = true;
        this.#retire(previous);
      }
    };
    ws.onerror = () => {/* a close event follows; that one reconnects */};
    ws.onclose = (e) => this.#onClose(ws, e.code, e.wasClean, e.reason);
  }

  /** Closes the replaced socket of a handover without a close event for the books. */
  #retire(old: WebSocket): void {
    if (this.#retired === old || this.#ws === old) return;
    this.#retired = old;
    this.#emit({
      t: "close",
      at: this.#clock.now(),
      c: this.#o.id,
      code: 1000,
      clean: true,
      reason: "handover",
      handover: true,
    });
    try {
      old.close(1000, "handover");
    } catch { /* already closing */ }
  }

  #onClose(ws: WebSocket, code: number, clean: boolean, reason: string): void {
    if (ws === this.#retired) {
      this.#retired = null;
      return;
    }
    if (ws !== this.#ws) return;
    this.#ws = null;
    this.#disarmTimers();
    if (this.#stopped) {
      this.#resolveClosed?.();
      return;
    }
    this.#emit({
      t: "close",
      at: this.#clock.now(),
      c: this.#o.id,
      code,
      clean,
      ...(reason ? { reason } : {}),
    });
    if (this.#clock.now() - this.#openedAt >= STABLE_MS && this.#openedAt > 0) this.#attempt = 0;
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    if (this.#stopped) return;
    const b = this.#o.backoff ?? { baseMs: 500, maxMs: 30_000 };
    const wait = 100 + backoffDelay(this.#attempt++, { ...b, random: this.#o.random });
    this.#later(wait, () => this.#connect(false));
  }

  #armTimers(): void {
    this.#disarmTimers();
    const ping = this.#o.ping;
    if (ping) this.#pingTimer = setInterval(() => this.send(ping.text), ping.everyMs);
    if (this.#o.maxAgeMs !== undefined) {
      this.#ageTimer = setTimeout(() => this.#connect(true), this.#o.maxAgeMs);
    }
  }

  #disarmTimers(): void {
    clearInterval(this.#pingTimer);
    clearTimeout(this.#ageTimer);
    this.#pingTimer = this.#ageTimer = undefined;
  }

  /** Sends a text frame (recorded as a `sent` event); false when the socket is not open. */
  send(text: string): boolean {
    const ws = this.#ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return false;
    ws.send(text);
    this.#emit({ t: "sent", at: this.#clock.now(), c: this.#o.id, d: text });
    return true;
  }

  /** Closes the socket now and opens it again (a close event, then an open event). */
  reconnect(reason: string): void {
    const ws = this.#ws;
    if (!ws) return;
    this.#attempt = 0;
    try {
      ws.close(4000, reason.slice(0, 100));
    } catch { /* closing already */ }
  }

  /** Stops for good: no more events, the socket closed; resolves once it is. */
  stop(): Promise<void> {
    if (this.#stopped) return this.#closed;
    this.#stopped = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    this.#disarmTimers();
    const ws = this.#ws;
    const old = this.#retired;
    if (old) old.close(1000, "stopping");
    if (!ws || ws.readyState === WebSocket.CLOSED) return this.#closed;
    this.#closed = new Promise<void>((resolve) => {
      this.#resolveClosed = resolve;
      // a server that never answers the close must not hold the stop up
      const t = setTimeout(resolve, 2_000);
      this.#resolveClosed = () => {
        clearTimeout(t);
        resolve();
      };
    });
    try {
      ws.close(1000, "stopping");
    } catch {
      this.#resolveClosed?.();
    }
    return this.#closed;
  }
}
