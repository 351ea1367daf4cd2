/**
 * Macro observations in PostgreSQL (`macro_observations`), with the point-in-time rules of the
 * SQLite store: a changed value becomes a new revision with its vintage, and a query `asOfVintage`
 * sees only what was known then. Writers of one series take its advisory lock, so that two
 * processes revising the same dates number their revisions one after the other.
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
import { numArray, type PgDb } from "./db.ts";
import { resolveLedgerPg } from "./quality.ts";

/** Macro sources in order of preference when a query names none (`sample` last). */
const MACRO_SOURCE_ORDER = ["fred", "cboe", "csv"];

/** The macro concern of the PostgreSQL store. */
export class PgMacro implements MacroStore {
  readonly #db: PgDb;

  /** Macro observations of `db`. */
  constructor(db: PgDb) {
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
    return await this.#db.transaction(async () => {
      const sql = await this.#db.sql();
      await this.#db.lockKey(sql, `macro\u001f${series}\u001f${source}`);
      const result: MacroUpsertResult = { inserted: 0, revised: 0, unchanged: 0 };
      if (observations.length === 0) return result;
      const latest = new Map<number, { revision: number; value: number }>();
      const rows = await sql`
        SELECT DISTINCT ON (ts) ts, revision, value FROM macro_observations
        WHERE series = ${series} AND source = ${source}
          AND ts = ANY(${numArray(observations.map((o) => o.ts))}::bigint[])
        ORDER BY ts, revision DESC`;
      for (const r of rows) {
        latest.set(Number(r.ts), { revision: Number(r.revision), value: Number(r.value) });
      }
      const ts: number[] = [], revision: number[] = [], value: number[] = [];
      for (const o of observations) {
        const prev = latest.get(o.ts);
        if (prev && prev.value === o.value) {
          result.unchanged++;
          continue;
        }
        const next = prev ? prev.revision + 1 : 0;
        if (prev) result.revised++;
        else result.inserted++;
        latest.set(o.ts, { revision: next, value: o.value });
        ts.push(o.ts);
        revision.push(next);
        value.push(o.value);
      }
      if (ts.length > 0) {
        await sql`
          INSERT INTO macro_observations (series, source, ts, revision, value, vintage)
          SELECT ${series}, ${source}, u.*, ${vintage}::bigint
          FROM unnest(${numArray(ts)}::bigint[], ${numArray(revision)}::int[], ${
          numArray(value)
        }::float8[]) AS u`;
      }
      const all = observations.map((o) => o.ts);
      await resolveLedgerPg(
        this.#db,
        { table: "macro", source, subject: series },
        { from: Math.min(...all), to: Math.max(...all) },
        options.runId,
      );
      return result;
    });
  }

  async getMacro(series: string, options: MacroQuery = {}): Promise<MacroObservation[]> {
    const source = options.source ?? await this.#preferredSource(series);
    if (source === undefined) return [];
    const sql = await this.#db.sql();
    const rows = await sql`
      SELECT DISTINCT ON (ts) ts, value FROM macro_observations
      WHERE series = ${series} AND source = ${source}
        AND ts >= ${options.from ?? Number.MIN_SAFE_INTEGER}
        AND ts <= ${options.to ?? Number.MAX_SAFE_INTEGER}
        AND vintage <= ${options.asOfVintage ?? Number.MAX_SAFE_INTEGER}
      ORDER BY ts, revision DESC`;
    return rows.map((r) => ({ ts: Number(r.ts), value: Number(r.value) }));
  }

  async listMacroSeries(): Promise<MacroSeriesSummary[]> {
    const sql = await this.#db.sql();
    const rows = await sql`
      SELECT series, source, COUNT(DISTINCT ts)::bigint AS n, MIN(ts) AS first, MAX(ts) AS last,
             MAX(vintage) AS vintage, COUNT(*) FILTER (WHERE revision > 0)::bigint AS revisions
      FROM macro_observations GROUP BY series, source
      ORDER BY series COLLATE "C", source COLLATE "C"`;
    return rows.map((r) => ({
      series: String(r.series),
      source: String(r.source),
      count: Number(r.n),
      firstTs: Number(r.first),
      lastTs: Number(r.last),
      lastVintage: Number(r.vintage),
      revisions: Number(r.revisions),
    }));
  }

  async #preferredSource(series: string): Promise<string | undefined> {
    const sql = await this.#db.sql();
    const rows = await sql`SELECT DISTINCT source FROM macro_observations
                           WHERE series = ${series}`;
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
