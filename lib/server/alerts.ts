/**
 * User price alerts: evaluated whenever new prices arrive — a new or changed latest close in the
 * store (written by `collect`, `schedule` or `import` in any process sharing the database; the
 * watcher polls the series summaries, and checks at once when a collection run's `run_finished`
 * event arrives) and every relayed book (`stream`, through the cache): a book alert on its mid
 * price, and an asset alert on the mid of a live spot book of the asset's symbol (`symbolOf`:
 * bitcoin → BTCUSDT, on Binance or Bybit, whichever moves first). An alert fires once: the store marks it (atomically, so two servers on one
 * database do not both fire it) and the hub publishes it on the `alerts` channel.
 * @module
 */
import type { AlertCondition, PriceAlert, Store } from "../storage/store.ts";
import { pickSource } from "../storage/store.ts";
import type { PublishedBook } from "../streams/published.ts";
import type { Hub } from "./hub.ts";

/** True when `price` fires an alert with this condition. */
export function alertFires(
  a: { condition: AlertCondition; threshold: number; referencePrice?: number },
  price: number,
): boolean {
  if (!Number.isFinite(price)) return false;
  if (a.condition === "above") return price >= a.threshold;
  if (a.condition === "below") return price <= a.threshold;
  const ref = a.referencePrice;
  return ref !== undefined && ref > 0 && Math.abs(price / ref - 1) >= a.threshold;
}

/** The mid price of a book (best bid and ask), or undefined when a side is empty. */
export function midPrice(b: Pick<PublishedBook, "bids" | "asks">): number | undefined {
  const bid = b.bids[0]?.[0], ask = b.asks[0]?.[0];
  return bid !== undefined && ask !== undefined ? (bid + ask) / 2 : undefined;
}

/** The book subject of an alert: `binance:spot:BTCUSDT`. */
export function bookSubject(b: Pick<PublishedBook, "exchange" | "market" | "symbol">): string {
  return `${b.exchange}:${b.market}:${b.symbol}`;
}

/** The latest stored close of an asset (daily bars, preferred source), or undefined. */
export async function latestClose(store: Store, asset: string): Promise<number | undefined> {
  const series = (await store.listSeries()).filter((s) => s.asset === asset && s.interval === "1d");
  const source = pickSource(series.map((s) => s.source));
  const s = series.find((x) => x.source === source);
  if (!s) return undefined;
  const [last] = await store.getCandles({ source: s.source, asset, interval: "1d" }, {
    from: s.lastTs,
  });
  return last?.close;
}

/** Options of {@link AlertWatcher}. */
export interface AlertWatcherOptions {
  /** How often the store's series are checked for new prices, ms (default 5000). */
  readonly pollMs?: number;
  readonly now?: () => number;
  /** Told of an evaluation that failed (the database was busy, …). */
  readonly onError?: (e: Error) => void;
  /**
   * The exchange symbol of an asset (`bitcoin` → `BTCUSDT`): asset alerts are also evaluated
   * on the mid price of the live spot books of that symbol. Unset: only on stored closes.
   */
  readonly symbolOf?: (asset: string) => string | undefined;
}

/** Watches prices and fires alerts. */
export class AlertWatcher {
  readonly #store: Store;
  readonly #hub: Hub;
  readonly #o: AlertWatcherOptions;
  /** Per asset: the series' `updatedAt` / `lastTs` last seen. */
  readonly #seen = new Map<string, string>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #busy: Promise<void> = Promise.resolve();

  /** A watcher over `store` publishing on `hub`; call {@link start}. */
  constructor(store: Store, hub: Hub, options: AlertWatcherOptions = {}) {
    this.#store = store;
    this.#hub = hub;
    this.#o = options;
  }

  /** Remembers the current series (so old prices fire nothing) and starts polling. */
  async start(): Promise<void> {
    await this.#changedAssets();
    this.#timer = setInterval(() => void this.check(), this.#o.pollMs ?? 5_000);
  }

  /** Stops polling; resolves once a running check is done. */
  async stop(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    await this.#busy;
  }

  /** Checks the store for new prices now and fires the alerts they meet. */
  check(): Promise<void> {
    this.#busy = this.#busy.then(async () => {
      try {
        const assets = await this.#changedAssets();
        if (!assets.length) return;
        const active = (await this.#store.listAlerts({ active: true })).filter((a) =>
          a.kind === "prices" && assets.includes(a.subject)
        );
        for (const asset of new Set(active.map((a) => a.subject))) {
          const price = await latestClose(this.#store, asset);
          if (price === undefined) continue;
          for (const a of active.filter((x) => x.subject === asset)) await this.#fire(a, price);
        }
      } catch (e) {
        this.#o.onError?.(e as Error);
      }
    });
    return this.#busy;
  }

  /** Evaluates the book alerts of a relayed book, and the asset alerts of its symbol (spot). */
  onBook(book: PublishedBook): void {
    if (book.state !== "live") return;
    const mid = midPrice(book);
    if (mid === undefined) return;
    const subject = bookSubject(book);
    const symbolOf = book.market === "spot" ? this.#o.symbolOf : undefined;
    this.#busy = this.#busy.then(async () => {
      try {
        const active = (await this.#store.listAlerts({ active: true })).filter((a) =>
          a.kind === "book"
            ? a.subject === subject
            : a.kind === "prices" && symbolOf?.(a.subject) === book.symbol
        );
        for (const a of active) await this.#fire(a, mid);
      } catch (e) {
        this.#o.onError?.(e as Error);
      }
    });
  }

  async #fire(a: PriceAlert, price: number): Promise<void> {
    if (!alertFires(a, price)) return;
    const at = this.#o.now?.() ?? Date.now();
    if (!await this.#store.markAlertTriggered(a.id!, at, price)) return;
    this.#hub.publish("alerts", "alert", {
      ...a,
      triggeredAt: new Date(at).toISOString(),
      triggeredPrice: price,
      createdAt: new Date(a.createdAt).toISOString(),
    });
  }

  async #changedAssets(): Promise<string[]> {
    const changed: string[] = [];
    for (const s of await this.#store.listSeries()) {
      const mark = `${s.source}:${s.lastTs}:${s.updatedAt}`;
      const key = `${s.asset}@${s.interval}:${s.source}`;
      if (this.#seen.get(key) !== mark) {
        if (this.#seen.has(key) || this.#timer !== undefined) changed.push(s.asset);
        this.#seen.set(key, mark);
      }
    }
    return [...new Set(changed)];
  }
}
