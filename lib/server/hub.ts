/**
 * The WebSocket hub: typed messages on named channels, each with its own sequence number and a
 * bounded replay buffer (a client that reconnects with `since` gets what it missed), and a
 * bounded queue per client — a consumer too slow to keep up is closed with code 4008 instead of
 * stalling the others (freqtrade's complaint, SERVICE.md §1.2). Transport-free: a client is any
 * {@link HubSink}, so the policy is testable without sockets.
 * @module
 */

/** Every message a client receives. */
export interface HubMessage {
  /** `signals`, `alerts`, `arbitrage`, `funding`, `collection`, `backtests`, `books:<e>:<m>:<s>`. */
  readonly channel: string;
  /** Per-channel sequence number, from 1. */
  readonly seq: number;
  /** What the data is: `book`, `funding`, `arbitrage`, `signal`, `run`, `backtest`, … */
  readonly type: string;
  /** When the hub published it, ISO time. */
  readonly time: string;
  readonly data: unknown;
}

/** Where a client's messages go (a WebSocket in the server, a fake in tests). */
export interface HubSink {
  /** Sends one text frame. */
  send(text: string): void;
  /** Closes the connection. */
  close(code: number, reason: string): void;
  /** Bytes handed to the transport but not yet sent (0 when unknown). */
  buffered(): number;
}

/** The fixed channels; books are `books:<exchange>:<market>:<symbol>`. */
export const HUB_CHANNELS = [
  "signals",
  "alerts",
  "arbitrage",
  "funding",
  "collection",
  "backtests",
] as const;

/** True for a channel a client may subscribe to. */
export function isHubChannel(name: string): boolean {
  return (HUB_CHANNELS as readonly string[]).includes(name) ||
    /^books:(binance|bybit):(spot|perp):[A-Z0-9]{2,30}$/.test(name);
}

/** Options of {@link Hub}. */
export interface HubOptions {
  /** Messages a client may have waiting before it is closed with 4008. */
  readonly queueLimit: number;
  /** Messages kept per channel for replay. */
  readonly replay: number;
  /** The clock (UTC ms). */
  readonly now?: () => number;
  /** The transport is considered backed up above this many buffered bytes (default 1 MiB). */
  readonly highWaterBytes?: number;
  /** Called for each message sent (metrics). */
  readonly onSent?: (channel: string) => void;
  /** Called when a slow client is closed (metrics). */
  readonly onSlowClose?: () => void;
}

/** The close code for a consumer that fell behind. */
export const SLOW_CONSUMER_CODE = 4008;

/** One connected client. */
export class HubClient {
  readonly #hub: Hub;
  readonly #sink: HubSink;
  readonly #queue: string[] = [];
  readonly channels = new Set<string>();
  #closed = false;
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** Use {@link Hub.connect}. */
  constructor(hub: Hub, sink: HubSink) {
    this.#hub = hub;
    this.#sink = sink;
  }

  /** True once closed (by the client, the hub or for being slow). */
  get closed(): boolean {
    return this.#closed;
  }

  /** Messages waiting to be handed to the transport. */
  get queued(): number {
    return this.#queue.length;
  }

  /** Queues a frame; closes the client with 4008 when its queue is full. */
  enqueue(text: string): void {
    if (this.#closed) return;
    if (this.#queue.length >= this.#hub.options.queueLimit) {
      this.#hub.options.onSlowClose?.();
      this.close(
        SLOW_CONSUMER_CODE,
        `too slow: ${this.#queue.length} messages waiting (API_WS_QUEUE)`,
      );
      return;
    }
    this.#queue.push(text);
    this.#drain();
  }

  /** Hands queued frames to the transport while it is not backed up. */
  #drain(): void {
    if (this.#timer !== undefined) return;
    const high = this.#hub.options.highWaterBytes ?? 1 << 20;
    while (this.#queue.length > 0 && !this.#closed) {
      if (this.#sink.buffered() > high) {
        // the socket is backed up: try again shortly, leaving the rest queued
        this.#timer = setTimeout(() => {
          this.#timer = undefined;
          this.#drain();
        }, 20);
        return;
      }
      const text = this.#queue.shift()!;
      try {
        this.#sink.send(text);
      } catch {
        this.close(1011, "send failed");
        return;
      }
    }
  }

  /** Sends a control frame (ack, error) through the same queue. */
  sendJson(value: unknown): void {
    this.enqueue(JSON.stringify(value));
  }

  /** Closes the client and forgets it. */
  close(code = 1000, reason = ""): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#queue.length = 0;
    this.#hub.forget(this);
    try {
      this.#sink.close(code, reason);
    } catch { /* already closed */ }
  }
}

/** Channels, sequence numbers, replay buffers and clients. */
export class Hub {
  readonly options: HubOptions;
  readonly #clients = new Set<HubClient>();
  readonly #seq = new Map<string, number>();
  readonly #buffers = new Map<string, HubMessage[]>();

  /** A hub with the given limits. */
  constructor(options: HubOptions) {
    this.options = options;
  }

  /** Connected clients. */
  get size(): number {
    return this.#clients.size;
  }

  /** Registers a client. */
  connect(sink: HubSink): HubClient {
    const c = new HubClient(this, sink);
    this.#clients.add(c);
    return c;
  }

  /** Drops a client (called by {@link HubClient.close}). */
  forget(client: HubClient): void {
    this.#clients.delete(client);
  }

  /** The last sequence number of `channel` (0 before its first message). */
  lastSeq(channel: string): number {
    return this.#seq.get(channel) ?? 0;
  }

  /** The messages of `channel` still in its replay buffer, oldest first. */
  recent(channel: string): readonly HubMessage[] {
    return [...(this.#buffers.get(channel) ?? [])];
  }

  /** Publishes a message on `channel` to every subscriber; returns it. */
  publish(channel: string, type: string, data: unknown): HubMessage {
    const seq = this.lastSeq(channel) + 1;
    this.#seq.set(channel, seq);
    const now = this.options.now?.() ?? Date.now();
    const msg: HubMessage = { channel, seq, type, time: new Date(now).toISOString(), data };
    if (this.options.replay > 0) {
      const buf = this.#buffers.get(channel) ?? [];
      buf.push(msg);
      if (buf.length > this.options.replay) buf.splice(0, buf.length - this.options.replay);
      this.#buffers.set(channel, buf);
    }
    const text = JSON.stringify(msg, finite);
    for (const c of this.#clients) {
      if (c.channels.has(channel)) {
        c.enqueue(text);
        this.options.onSent?.(channel.startsWith("books:") ? "books" : channel);
      }
    }
    return msg;
  }

  /**
   * Subscribes `client` to `channels`, first replaying each channel's buffered messages after
   * `since[channel]`. Returns, per channel, whether the replay is complete (false when messages
   * after `since` already left the buffer).
   */
  subscribe(
    client: HubClient,
    channels: readonly string[],
    since: Readonly<Record<string, number>> = {},
  ): Record<string, { lastSeq: number; complete: boolean }> {
    const out: Record<string, { lastSeq: number; complete: boolean }> = {};
    for (const ch of channels) {
      client.channels.add(ch);
      const from = since[ch];
      let complete = true;
      if (from !== undefined) {
        const buf = this.#buffers.get(ch) ?? [];
        const missed = buf.filter((m) => m.seq > from);
        complete = from >= this.lastSeq(ch) || (missed.length > 0 && missed[0].seq === from + 1);
        for (const m of missed) client.enqueue(JSON.stringify(m, finite));
      }
      out[ch] = { lastSeq: this.lastSeq(ch), complete };
    }
    return out;
  }

  /** Closes every client (server shutdown: code 1001, going away). */
  closeAll(reason = "server shutting down"): void {
    for (const c of [...this.#clients]) c.close(1001, reason);
  }
}

/** JSON replacer: non-finite numbers become null, as in the CLI's `--json`. */
export function finite(_key: string, v: unknown): unknown {
  return typeof v === "number" && !Number.isFinite(v) ? null : v;
}
