/**
 * Price alerts in PostgreSQL (`price_alerts`).
 * @module
 */
import type { AlertStore, PriceAlert } from "../alert_store.ts";
import { optNum, optStr } from "../sqlite/rows.ts";
import type { PgDb } from "./db.ts";

/** The price-alert concern of the PostgreSQL store. */
export class PgAlerts implements AlertStore {
  readonly #db: PgDb;

  /** Alerts of `db`. */
  constructor(db: PgDb) {
    this.#db = db;
  }

  async saveAlert(a: PriceAlert): Promise<number> {
    const sql = await this.#db.sql();
    const [r] = await sql`
      INSERT INTO price_alerts (created_at, subject, kind, condition, threshold, reference_price,
        note)
      VALUES (${a.createdAt}, ${a.subject}, ${a.kind}, ${a.condition}, ${a.threshold},
        ${a.referencePrice ?? null}, ${a.note ?? null})
      RETURNING id`;
    return Number(r.id);
  }

  async listAlerts(options: { active?: boolean } = {}): Promise<PriceAlert[]> {
    const sql = await this.#db.sql();
    const rows = await sql`
      SELECT * FROM price_alerts WHERE (${options.active ?? false}::boolean = false
        OR triggered_at IS NULL) ORDER BY id DESC`;
    return rows.map((r) => ({
      id: Number(r.id),
      createdAt: Number(r.created_at),
      subject: String(r.subject),
      kind: String(r.kind) as PriceAlert["kind"],
      condition: String(r.condition) as PriceAlert["condition"],
      threshold: Number(r.threshold),
      referencePrice: optNum(r.reference_price),
      note: optStr(r.note),
      triggeredAt: optNum(r.triggered_at),
      triggeredPrice: optNum(r.triggered_price),
    }));
  }

  async deleteAlert(id: number): Promise<boolean> {
    const sql = await this.#db.sql();
    const r = await sql`DELETE FROM price_alerts WHERE id = ${id}`;
    return r.count > 0;
  }

  async markAlertTriggered(id: number, atMs: number, price: number): Promise<boolean> {
    const sql = await this.#db.sql();
    const r = await sql`
      UPDATE price_alerts SET triggered_at = ${atMs}, triggered_price = ${price}
      WHERE id = ${id} AND triggered_at IS NULL`;
    return r.count > 0;
  }
}
