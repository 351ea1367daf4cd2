/**
 * Funding rates in SQLite (`funding_rates`, one row per exchange, market, symbol, source, funding
 * time and observation time). The rate and mark are stored as the wire's decimal text — the value
 * read back is the string that was recorded, character for character; a REAL copy of the rate
 * (`rate_real`) exists only for SQL aggregates.
 * @module
 */
import type {
  FundingKey,
  FundingObservation,
  FundingQuery,
  FundingSource,
  FundingStore,
  FundingWriteResult,
} from "../funding_store.ts";
import { checkFunding, toObservation } from "../funding_rows.ts";
import type { SqliteDb } from "./db.ts";
import type { Row } from "./rows.ts";

/** The funding concern of the SQLite store. */
export class SqliteFunding implements FundingStore {
  readonly #db: SqliteDb;

  /** Funding rates of `db`. */
  constructor(db: SqliteDb) {
    this.#db = db;
  }

  async recordFunding(observations: readonly FundingObservation[]): Promise<FundingWriteResult> {
    checkFunding(observations);
    if (observations.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
    return await this.#db.write(() => {
      const find = this.#db.stmt(
        `SELECT rate, mark_price, interval_hours FROM funding_rates WHERE exchange = ? AND market = ?
           AND symbol = ? AND source = ? AND funding_time = ? AND observed_at = ?`,
      );
      const insert = this.#db.stmt(
        `INSERT INTO funding_rates (exchange, market, symbol, source, funding_time, observed_at,
           rate, rate_real, mark_price, interval_hours, received_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      const update = this.#db.stmt(
        `UPDATE funding_rates SET rate = ?, rate_real = ?, mark_price = ?, interval_hours = ?,
           received_at = ? WHERE exchange = ? AND market = ? AND symbol = ? AND source = ?
           AND funding_time = ? AND observed_at = ?`,
      );
      let inserted = 0, updated = 0, unchanged = 0;
      for (const o of observations) {
        const key = [o.exchange, o.market, o.symbol, o.source, o.fundingTimeMs, o.observedAtMs];
        const seen = find.get(...key) as Row | undefined;
        if (!seen) {
          insert.run(
            ...key,
            o.rate,
            Number(o.rate),
            o.markPrice,
            o.intervalHours,
            o.receivedAtMs,
          );
          inserted++;
        } else if (
          seen.rate === o.rate && seen.mark_price === o.markPrice &&
          (seen.interval_hours === null ? null : Number(seen.interval_hours)) === o.intervalHours
        ) {
          unchanged++;
        } else {
          update.run(o.rate, Number(o.rate), o.markPrice, o.intervalHours, o.receivedAtMs, ...key);
          updated++;
        }
      }
      return { inserted, updated, unchanged };
    });
  }

  listFunding(q: FundingQuery): Promise<FundingObservation[]> {
    const rows = this.#db.read(
      `SELECT * FROM funding_rates WHERE exchange = ?1 AND market = ?2 AND symbol = ?3
         AND (?4 IS NULL OR source = ?4) AND (?5 IS NULL OR funding_time >= ?5)
         AND (?6 IS NULL OR funding_time <= ?6)
       ORDER BY funding_time, observed_at, source LIMIT ?7`,
    ).all(
      q.exchange,
      q.market ?? "perp",
      q.symbol,
      q.source ?? null,
      q.fromMs ?? null,
      q.toMs ?? null,
      q.limit ?? -1,
    ) as Row[];
    return Promise.resolve(rows.map(toObservation));
  }

  latestFunding(
    filter: { readonly exchange?: string; readonly source?: FundingSource } = {},
  ): Promise<FundingObservation[]> {
    // The newest row per perpetual: no other row of it has a later (funding_time, observed_at).
    const rows = this.#db.read(
      `SELECT f.* FROM funding_rates f
       WHERE (?1 IS NULL OR f.exchange = ?1) AND (?2 IS NULL OR f.source = ?2)
         AND NOT EXISTS (
           SELECT 1 FROM funding_rates g
           WHERE g.exchange = f.exchange AND g.market = f.market AND g.symbol = f.symbol
             AND (?2 IS NULL OR g.source = ?2)
             AND (g.funding_time > f.funding_time OR (g.funding_time = f.funding_time
               AND (g.observed_at > f.observed_at
                 OR (g.observed_at = f.observed_at AND g.source > f.source)))))
       ORDER BY f.exchange, f.market, f.symbol`,
    ).all(filter.exchange ?? null, filter.source ?? null) as Row[];
    return Promise.resolve(rows.map(toObservation));
  }

  lastFunding(
    key: FundingKey,
    source: FundingSource = "rest",
  ): Promise<FundingObservation | undefined> {
    const row = this.#db.read(
      `SELECT * FROM funding_rates WHERE exchange = ? AND market = ? AND symbol = ? AND source = ?
       ORDER BY funding_time DESC, observed_at DESC LIMIT 1`,
    ).get(key.exchange, key.market ?? "perp", key.symbol, source) as Row | undefined;
    return Promise.resolve(row ? toObservation(row) : undefined);
  }
}
