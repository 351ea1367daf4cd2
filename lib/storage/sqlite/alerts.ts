/**
 * Price alerts in SQLite (`price_alerts`).
 * @module
 */
import type { AlertStore, PriceAlert } from "../alert_store.ts";
import type { SqliteDb } from "./db.ts";
import { optNum, type Row } from "./rows.ts";

/** The price-alert concern of the SQLite store. */
export class SqliteAlerts implements AlertStore {
  readonly #db: SqliteDb;

  /** Alerts of `db`. */
  constructor(db: SqliteDb) {
    this.#db = db;
  }

  async saveAlert(a: PriceAlert): Promise<number> {
    return await this.#db.write(() =>
      Number(
        this.#db.stmt(
          `INSERT INTO price_alerts (created_at, subject, kind, condition, threshold, reference_price, note)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        ).run(
          a.createdAt,
          a.subject,
          a.kind,
          a.condition,
          a.threshold,
          a.referencePrice ?? null,
          a.note ?? null,
        ).lastInsertRowid,
      )
    );
  }

  listAlerts(options: { active?: boolean } = {}): Promise<PriceAlert[]> {
    const rows = this.#db.read(
      `SELECT * FROM price_alerts WHERE (?1 = 0 OR triggered_at IS NULL) ORDER BY id DESC`,
    ).all(options.active ? 1 : 0) as Row[];
    return Promise.resolve(rows.map((r) => ({
      id: Number(r.id),
      createdAt: Number(r.created_at),
      subject: String(r.subject),
      kind: String(r.kind) as PriceAlert["kind"],
      condition: String(r.condition) as PriceAlert["condition"],
      threshold: Number(r.threshold),
      referencePrice: optNum(r.reference_price),
      note: r.note === null ? undefined : String(r.note),
      triggeredAt: optNum(r.triggered_at),
      triggeredPrice: optNum(r.triggered_price),
    })));
  }

  async deleteAlert(id: number): Promise<boolean> {
    return await this.#db.write(() =>
      Number(this.#db.stmt(`DELETE FROM price_alerts WHERE id = ?`).run(id).changes) > 0
    );
  }

  async markAlertTriggered(id: number, atMs: number, price: number): Promise<boolean> {
    return await this.#db.write(() =>
      Number(
        this.#db.stmt(
          `UPDATE price_alerts SET triggered_at = ?, triggered_price = ?
           WHERE id = ? AND triggered_at IS NULL`,
        ).run(atMs, price, id).changes,
      ) > 0
    );
  }
}
