/**
 * The price-alert concern of the store: user alerts on an asset's stored price or a streamed
 * book's mid price, each firing once.
 * @module
 */

/** When an alert fires: at or above / at or below a price, or a move of a fraction either way. */
export type AlertCondition = "above" | "below" | "move";

/** A stored price alert. */
export interface PriceAlert {
  /** Alert id (absent before it is stored). */
  id?: number;
  /** UTC ms. */
  createdAt: number;
  /** Asset id (stored prices, e.g. `bitcoin`), or the book `exchange:market:SYMBOL`. */
  subject: string;
  /** `prices` (the store's latest close) or `book` (a streamed book's mid price). */
  kind: "prices" | "book";
  /** When it fires: above or below the threshold, or a move of that fraction. */
  condition: AlertCondition;
  /** The price (`above`, `below`) or the fraction (`move`: 0.05 = 5 %). */
  threshold: number;
  /** The price a `move` is measured from (the latest price when the alert was made). */
  referencePrice?: number;
  /** A note the user gave. */
  note?: string;
  /** When it fired, UTC ms. */
  triggeredAt?: number;
  /** The price that fired it. */
  triggeredPrice?: number;
}

/** Stored price alerts. */
export interface AlertStore {
  /** Stores a new alert and returns its id. */
  saveAlert(alert: PriceAlert): Promise<number>;
  /** Alerts, newest first; `active` only those that have not fired. */
  listAlerts(options?: { active?: boolean }): Promise<PriceAlert[]>;
  /** Removes an alert; false when there was none. */
  deleteAlert(id: number): Promise<boolean>;
  /**
   * Marks an alert fired, once: false when it was already fired or deleted (by another process
   * sharing the database, for example).
   */
  markAlertTriggered(id: number, atMs: number, price: number): Promise<boolean>;
}
