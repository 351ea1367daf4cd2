/**
 * The alert webhook: each alert is POSTed as JSON to `ALERT_WEBHOOK_URL`, in order, from a
 * bounded queue, so a slow or failing endpoint never blocks the detector. Network errors, 5xx and
 * 429 (honouring `Retry-After`, capped) are retried with exponential backoff; other 4xx are not
 * (the request itself is wrong). When the queue is full the oldest alert is dropped and counted.
 * The URL is a secret (webhook URLs carry tokens): messages name its origin only.
 * @module
 */

/** Options for {@link AlertWebhook}. */
export interface AlertWebhookOptions {
  /** Retries after the first attempt (default 4). */
  readonly retries?: number;
  /** First backoff, ms; doubles per retry (default 250). */
  readonly backoffMs?: number;
  /** Longest wait honoured from `Retry-After`, ms (default 30,000). */
  readonly maxRetryWaitMs?: number;
  /** Per-request timeout, ms (default 5,000). */
  readonly timeoutMs?: number;
  /** Most alerts waiting (default 1,000). */
  readonly maxQueue?: number;
  /** Called once per alert that could not be delivered, with a message free of the URL. */
  readonly onError?: (message: string) => void;
}

/** Delivery counters. */
export interface WebhookStats {
  /** Alerts delivered (2xx). */
  sent: number;
  /** Alerts given up on. */
  failed: number;
  /** Alerts dropped from a full queue. */
  dropped: number;
  /** Retries made. */
  retries: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The webhook sender. */
export class AlertWebhook {
  /** Counters. */
  readonly stats: WebhookStats = { sent: 0, failed: 0, dropped: 0, retries: 0 };
  readonly #url: string;
  readonly #label: string;
  readonly #o: Required<Omit<AlertWebhookOptions, "onError">>;
  readonly #onError?: (message: string) => void;
  readonly #queue: unknown[] = [];
  #running?: Promise<void>;
  #stopped = false;

  /** A sender to `url`. */
  constructor(url: string, options: AlertWebhookOptions = {}) {
    this.#url = url;
    this.#label = `webhook ${new URL(url).origin}/…`;
    this.#o = {
      retries: options.retries ?? 4,
      backoffMs: options.backoffMs ?? 250,
      maxRetryWaitMs: options.maxRetryWaitMs ?? 30_000,
      timeoutMs: options.timeoutMs ?? 5_000,
      maxQueue: options.maxQueue ?? 1_000,
    };
    this.#onError = options.onError;
  }

  /** Queues `alert` for delivery and returns at once. */
  send(alert: unknown): void {
    if (this.#queue.length >= this.#o.maxQueue) {
      this.#queue.shift();
      this.stats.dropped++;
    }
    this.#queue.push(alert);
    this.#running ??= this.#drain().finally(() => (this.#running = undefined));
  }

  /**
   * Waits until the queue is empty or `timeoutMs` passed; then stops retrying (what is left is
   * counted as failed).
   */
  async flush(timeoutMs: number): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<void>((r) => (timer = setTimeout(r, timeoutMs)));
    await Promise.race([this.#running ?? Promise.resolve(), timeout]);
    clearTimeout(timer);
    this.#stopped = true;
    this.stats.failed += this.#queue.length;
    this.#queue.length = 0;
    await this.#running;
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0 && !this.#stopped) {
      const alert = this.#queue[0];
      const error = await this.#deliver(alert);
      if (this.#queue[0] === alert) this.#queue.shift();
      if (error === undefined) {
        this.stats.sent++;
      } else if (!this.#stopped) {
        this.stats.failed++;
        this.#onError?.(`${this.#label}: ${error}`);
      }
    }
  }

  /** One alert, with retries: `undefined` when delivered, else why not. */
  async #deliver(alert: unknown): Promise<string | undefined> {
    const body = JSON.stringify(alert);
    let why = "";
    for (let attempt = 0; attempt <= this.#o.retries && !this.#stopped; attempt++) {
      if (attempt > 0) this.stats.retries++;
      let wait = this.#o.backoffMs * 2 ** attempt;
      try {
        const res = await fetch(this.#url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body,
          signal: AbortSignal.timeout(this.#o.timeoutMs),
        });
        await res.body?.cancel();
        if (res.ok) return undefined;
        why = `HTTP ${res.status}`;
        if (res.status < 500 && res.status !== 429) return why;
        const after = Number(res.headers.get("retry-after"));
        if (res.status === 429 && after >= 0) wait = Math.min(after * 1000, this.#o.maxRetryWaitMs);
      } catch (e) {
        why = (e as Error).name === "TimeoutError" ? "timed out" : "connection failed";
      }
      // wait in short steps, so a flush that gives up is not held by a long backoff
      for (let t = 0; t < wait && attempt < this.#o.retries && !this.#stopped; t += 50) {
        await sleep(Math.min(50, wait - t));
      }
    }
    return `${why} after ${this.#o.retries + 1} attempts`;
  }
}
