/**
 * Macro observations in SQLite (`macro_observations`): a changed value becomes a new revision
 * with its vintage, so point-in-time queries see what was known then. Macro series are small
 * (decades of daily values are thousands of rows), so a write is one transaction.
 * @module
 */
import type { MacroObservation } from "../../core/candle.ts";
import type {
  MacroQuery,
  MacroSeriesSummary,
  MacroStore,
  MacroUpsertResult,
} from "../macro_store.ts";
import type { WriteOptions } from "../price_store.ts";
import type { SqliteDb } from "./db.ts";
import { resolveLedger } from "./quality.ts";
import type { Row } from "./rows.ts";

/** Macro sources in order of preference when a query names none (`sample` last). */
const MACRO_SOURCE_ORDER = ["fred", "cboe", "csv"];

/** The macro concern of the SQLite store. */
export class SqliteMacro implements MacroStore {
  readonly #db: SqliteDb;

  /** Macro observations of `db`. */
  constructor(db: SqliteDb) {
    this.#db = db;
  }

  async upsertMacro(
    series: string,
    source: string,
    observations: readonly MacroObservation[],
    vintage: number,
    options: WriteOptions = {},
  ): Promise<MacroUpsertResult> {
    for (const o of observations) {
      if (!Number.isFinite(o.value)) {
        throw new RangeError(`Cannot store ${series} at ${o.ts}: value ${o.value} is not finite`);
      }
    }
    return await this.#db.write(() => {
      const result = this.#upsert(series, source, observations, vintage);
      if (observations.length > 0) {
        const ts = observations.map((o) => o.ts);
        resolveLedger(
          this.#db,
          { table: "macro", source, subject: series },
          { from: Math.min(...ts), to: Math.max(...ts) },
          options.runId,
        );
      }
      return result;
    });
  }

  getMacro(series: string, options: MacroQuery = {}): Promise<MacroObservation[]> {
    const source = options.source ?? this.#preferredSource(series);
    if (source === undefined) return Promise.resolve([]);
    const rows = this.#db.read(
      `SELECT m.ts, m.value FROM macro_observations m
       WHERE m.series = ?1 AND m.source = ?2 AND m.ts >= ?3 AND m.ts <= ?4 AND m.vintage <= ?5
         AND m.revision = (SELECT MAX(revision) FROM macro_observations x
                           WHERE x.series = m.series AND x.source = m.source AND x.ts = m.ts
                             AND x.vintage <= ?5)
       ORDER BY m.ts`,
    ).all(
      series,
      source,
      options.from ?? Number.MIN_SAFE_INTEGER,
      options.to ?? Number.MAX_SAFE_INTEGER,
      options.asOfVintage ?? Number.MAX_SAFE_INTEGER,
    ) as Row[];
    return Promise.resolve(rows.map((r) => ({ ts: Number(r.ts), value: Number(r.value) })));
  }

  listMacroSeries(): Promise<MacroSeriesSummary[]> {
    const rows = this.#db.read(
      `SELECT series, source, COUNT(DISTINCT ts) AS n, MIN(ts) AS first, MAX(ts) AS last,
              MAX(vintage) AS vintage, SUM(revision > 0) AS revisions
       FROM macro_observations GROUP BY series, source ORDER BY series, source`,
    ).all() as Row[];
    return Promise.resolve(rows.map((r) => ({
      series: String(r.series),
      source: String(r.source),
      count: Number(r.n),
      firstTs: Number(r.first),
      lastTs: Number(r.last),
      lastVintage: Number(r.vintage),
      revisions: Number(r.revisions),
    })));
  }

  #upsert(
    series: string,
    source: string,
    observations: readonly MacroObservation[],
    vintage: number,
  ): MacroUpsertResult {
    const latest = this.#db.stmt(
      `SELECT revision, value FROM macro_observations
       WHERE series = ? AND source = ? AND ts = ? ORDER BY revision DESC LIMIT 1`,
    );
    const insert = this.#db.stmt(
      `INSERT INTO macro_observations (series, source, ts, revision, value, vintage) VALUES (?, ?, ?, ?, ?, ?)`,
    );
    const result: MacroUpsertResult = { inserted: 0, revised: 0, unchanged: 0 };
    for (const o of observations) {
      const prev = latest.get(series, source, o.ts) as Row | undefined;
      if (!prev) {
        insert.run(series, source, o.ts, 0, o.value, vintage);
        result.inserted++;
      } else if (Number(prev.value) !== o.value) {
        insert.run(series, source, o.ts, Number(prev.revision) + 1, o.value, vintage);
        result.revised++;
      } else {
        result.unchanged++;
      }
    }
    return result;
  }

  #preferredSource(series: string): string | undefined {
    const rows = this.#db.read("SELECT DISTINCT source FROM macro_observations WHERE series = ?")
      .all(series) as Row[];
    const rank = (s: string) => {
      if (s === "sample") return 1_000;
      const i = MACRO_SOURCE_ORDER.indexOf(s);
      return i === -1 ? 10 : i;
    };
    return rows.map((r) => String(r.source)).sort((a, b) =>
      rank(a) - rank(b) || a.localeCompare(b)
    )[0];
  }
}
