/**
 * Funding rates in PostgreSQL (`funding_rates`), with the SQLite store's rules
 * (`../sqlite/funding.ts`): rate and mark are stored as the wire's decimal text, read back
 * character for character; `rate_real` is a double copy for SQL aggregates only.
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
import type { PgDb } from "./db.ts";

/** The funding concern of the PostgreSQL store. */
export class PgFunding implements FundingStore {
  readonly #db: PgDb;

  /** Funding rates of `db`. */
  constructor(db: PgDb) {
    this.#db = db;
  }

  async recordFunding(observations: readonly FundingObservation[]): Promise<FundingWriteResult> {
    checkFunding(observations);
    if (observations.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
    return await this.#db.transaction(async () => {
      const sql = await this.#db.sql();
      let inserted = 0, updated = 0, unchanged = 0;
      for (const o of observations) {
        const [r] = await sql`
          INSERT INTO funding_rates AS f (exchange, market, symbol, source, funding_time,
            observed_at, rate, rate_real, mark_price, interval_hours, received_at)
          VALUES (${o.exchange}, ${o.market}, ${o.symbol}, ${o.source}, ${o.fundingTimeMs},
            ${o.observedAtMs}, ${o.rate}, ${Number(o.rate)}, ${o.markPrice}, ${o.intervalHours},
            ${o.receivedAtMs})
          ON CONFLICT (exchange, market, symbol, source, funding_time, observed_at)
          DO UPDATE SET rate = excluded.rate, rate_real = excluded.rate_real,
            mark_price = excluded.mark_price, interval_hours = excluded.interval_hours,
            received_at = excluded.received_at
          WHERE f.rate IS DISTINCT FROM excluded.rate
             OR f.mark_price IS DISTINCT FROM excluded.mark_price
             OR f.interval_hours IS DISTINCT FROM excluded.interval_hours
          RETURNING (xmax = 0) AS fresh`;
        if (!r) unchanged++;
        else if (r.fresh) inserted++;
        else updated++;
      }
      return { inserted, updated, unchanged };
    });
  }

  async listFunding(q: FundingQuery): Promise<FundingObservation[]> {
    const sql = await this.#db.sql();
    const source = q.source ?? null, from = q.fromMs ?? null, to = q.toMs ?? null;
    const rows = await sql`
      SELECT * FROM funding_rates WHERE exchange = ${q.exchange} AND market = ${q.market ?? "perp"}
        AND symbol = ${q.symbol} AND (${source}::text IS NULL OR source = ${source})
        AND (${from}::bigint IS NULL OR funding_time >= ${from})
        AND (${to}::bigint IS NULL OR funding_time <= ${to})
      ORDER BY funding_time, observed_at, source COLLATE "C" LIMIT ${q.limit ?? null}`;
    return rows.map(toObservation);
  }

  async latestFunding(
    filter: { readonly exchange?: string; readonly source?: FundingSource } = {},
  ): Promise<FundingObservation[]> {
    const sql = await this.#db.sql();
    const exchange = filter.exchange ?? null, source = filter.source ?? null;
    // the newest row per perpetual, ties on time broken by the greater source, as in SQLite
    const rows = await sql`
      SELECT DISTINCT ON (exchange, market, symbol) * FROM funding_rates
      WHERE (${exchange}::text IS NULL OR exchange = ${exchange})
        AND (${source}::text IS NULL OR source = ${source})
      ORDER BY exchange, market, symbol, funding_time DESC, observed_at DESC,
        source COLLATE "C" DESC`;
    // listed by exchange, market and symbol in byte order, as SQLite sorts them
    const k = (o: FundingObservation) => `${o.exchange}\u0000${o.market}\u0000${o.symbol}`;
    return rows.map(toObservation).sort((a, b) => k(a) < k(b) ? -1 : k(a) > k(b) ? 1 : 0);
  }

  async lastFunding(
    key: FundingKey,
    source: FundingSource = "rest",
  ): Promise<FundingObservation | undefined> {
    const sql = await this.#db.sql();
    const [row] = await sql`
      SELECT * FROM funding_rates WHERE exchange = ${key.exchange}
        AND market = ${key.market ?? "perp"} AND symbol = ${key.symbol} AND source = ${source}
      ORDER BY funding_time DESC, observed_at DESC LIMIT 1`;
    return row ? toObservation(row) : undefined;
  }
}
