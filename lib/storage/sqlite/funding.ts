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
import type { SqliteDb } from "./db.ts";
import type { Row } from "./rows.ts";

const DECIMAL = /^-?\d+(\.\d+)?$/;
const SOURCES: ReadonlySet<string> = new Set(["ws", "rest"]);

/** Why `o` (at index `i`) cannot be stored, or `undefined`. */
export function fundingProblem(o: FundingObservation): string | undefined {
  if (!o.exchange || !o.symbol) return "exchange and symbol must not be empty";
  if (o.market !== "perp") return `market must be "perp", got ${JSON.stringify(o.market)}`;
  if (!SOURCES.has(o.source)) return `source must be ws or rest, got ${JSON.stringify(o.source)}`;
  if (typeof o.rate !== "string" || !DECIMAL.test(o.rate)) {
    return `rate must be a decimal string, got ${JSON.stringify(o.rate)}`;
  }
  if (o.markPrice !== null && (typeof o.markPrice !== "string" || !DECIMAL.test(o.markPrice))) {
    return `markPrice must be a decimal string or null, got ${JSON.stringify(o.markPrice)}`;
  }
  for (const k of ["fundingTimeMs", "observedAtMs", "receivedAtMs"] as const) {
    if (!Number.isSafeInteger(o[k]) || o[k] < 1e11) return `${k} must be UTC ms, got ${o[k]}`;
  }
  if (o.intervalHours !== null && !(Number.isInteger(o.intervalHours) && o.intervalHours >= 1)) {
    return `intervalHours must be a whole number of hours >= 1 or null, got ${o.intervalHours}`;
  }
  return undefined;
}

function toObservation(r: Row): FundingObservation {
  return {
    exchange: String(r.exchange),
    market: "perp",
    symbol: String(r.symbol),
    fundingTimeMs: Number(r.funding_time),
    observedAtMs: Number(r.observed_at),
    rate: String(r.rate),
    markPrice: r.mark_price === null ? null : String(r.mark_price),
    intervalHours: r.interval_hours === null ? null : Number(r.interval_hours),
    source: String(r.source) as FundingSource,
    receivedAtMs: Number(r.received_at),
  };
}

/** The funding concern of the SQLite store. */
export class SqliteFunding implements FundingStore {
  readonly #db: SqliteDb;

  /** Funding rates of `db`. */
  constructor(db: SqliteDb) {
    this.#db = db;
  }

  async recordFunding(observations: readonly FundingObservation[]): Promise<FundingWriteResult> {
    observations.forEach((o, i) => {
      const problem = fundingProblem(o);
      if (problem) {
        throw new RangeError(
          `Cannot record funding observation [${i}] (${o.exchange} ${o.symbol} ${o.fundingTimeMs}): ${problem}`,
        );
      }
    });
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
