/**
 * The data-quality ledger in PostgreSQL (`data_quality_issues`), with the same resolution rules
 * as SQLite (`../sqlite/quality.ts`): a gap is resolved once as many bars are stored in
 * `[ts, tsEnd)` as were missing, a staleness once newer data is stored; resolved entries stay.
 * @module
 */
import type {
  QualityFilter,
  QualityIssue,
  QualityStore,
  StoredQualityIssue,
} from "../quality_store.ts";
import { barsIn, type LedgerTarget } from "../sqlite/quality.ts";
import { optNum, optStr, type Row } from "../sqlite/rows.ts";
import type { PgDb, Sql } from "./db.ts";

/** The quality concern of the PostgreSQL store. */
export class PgQuality implements QualityStore {
  readonly #db: PgDb;

  /** The ledger of `db`. */
  constructor(db: PgDb) {
    this.#db = db;
  }

  recordQualityIssues(
    issues: readonly QualityIssue[],
    runId?: number,
  ): Promise<{ inserted: number }> {
    if (issues.length === 0) return Promise.resolve({ inserted: 0 });
    return this.#db.transaction(async () => {
      const sql = await this.#db.sql();
      const now = this.#db.now();
      let inserted = 0;
      for (const i of issues) {
        const [r] = await sql`
          INSERT INTO data_quality_issues AS d
            (source, subject, interval, kind, ts, ts_end, missing_bars, field, detail, location,
             run_id, first_seen, last_seen)
          VALUES (${i.source}, ${i.subject}, ${i.interval ?? ""}, ${i.kind}, ${i.ts ?? null},
                  ${i.tsEnd ?? null}, ${i.missingBars ?? null}, ${i.field ?? ""}, ${i.detail},
                  ${i.location ?? null}, ${runId ?? null}, ${now}, ${now})
          ON CONFLICT (source, subject, interval, kind, COALESCE(ts, -1), field)
          DO UPDATE SET last_seen = excluded.last_seen, detail = excluded.detail,
                        ts_end = excluded.ts_end, location = excluded.location,
                        missing_bars = excluded.missing_bars
          RETURNING (xmax = 0) AS fresh`;
        if (r.fresh) inserted++;
      }
      // A gap or staleness recorded again (or late) may already be covered by stored data.
      for (const [target, range] of await touchedSeries(sql, issues)) {
        await resolveLedgerPg(this.#db, target, range, runId);
      }
      return { inserted };
    });
  }

  async listQualityIssues(filter: QualityFilter = {}): Promise<StoredQualityIssue[]> {
    const sql = await this.#db.sql();
    const state = filter.state ?? "open";
    const rows = await sql`
      SELECT * FROM data_quality_issues
      WHERE (${filter.subject ?? null}::text IS NULL OR subject = ${filter.subject ?? null})
        AND (${filter.source ?? null}::text IS NULL OR source = ${filter.source ?? null})
        AND (${filter.kind ?? null}::text IS NULL OR kind = ${filter.kind ?? null})
        AND (${state} = 'all' OR (${state} = 'open') = (resolved_at IS NULL))
      ORDER BY subject COLLATE "C", kind COLLATE "C", ts NULLS FIRST, id
      LIMIT ${filter.limit ?? null}`;
    return rows.map(toIssue);
  }
}

/**
 * Inside a unit of work: resolves the open gaps of `target` overlapping `range` that the stored
 * data now fills, and its open staleness entries older than its newest stored time.
 */
export async function resolveLedgerPg(
  db: PgDb,
  target: LedgerTarget,
  range: { from: number; to: number },
  runId?: number,
): Promise<number> {
  const sql = await db.sql();
  const now = db.now();
  const interval = target.table === "candles" ? target.interval : null;
  const gaps = await sql`
    SELECT id, ts, ts_end, missing_bars, interval FROM data_quality_issues
    WHERE resolved_at IS NULL AND kind = 'gap' AND source = ${target.source}
      AND subject = ${target.subject} AND (${interval}::text IS NULL OR interval = ${interval})
      AND ts IS NOT NULL AND ts_end IS NOT NULL AND ts <= ${range.to} AND ts_end > ${range.from}`;
  let resolved = 0;
  for (const g of gaps) {
    const from = Number(g.ts), to = Number(g.ts_end);
    const expected = optNum(g.missing_bars) ?? barsIn(from, to, String(g.interval));
    if (await storedIn(sql, target, from, to) >= expected) {
      await sql`UPDATE data_quality_issues SET resolved_at = ${now},
                  resolved_by_run = ${runId ?? null} WHERE id = ${Number(g.id)}`;
      resolved++;
    }
  }
  const newest = await newestStored(sql, target);
  if (newest !== undefined) {
    const r = await sql`
      UPDATE data_quality_issues SET resolved_at = ${now}, resolved_by_run = ${runId ?? null}
      WHERE resolved_at IS NULL AND kind = 'stale' AND source = ${target.source}
        AND subject = ${target.subject} AND (${interval}::text IS NULL OR interval = ${interval})
        AND ts < ${newest}`;
    resolved += r.count;
  }
  return resolved;
}

async function storedIn(sql: Sql, t: LedgerTarget, from: number, to: number): Promise<number> {
  const [r] = t.table === "candles"
    ? await sql`SELECT COUNT(*)::bigint AS n FROM candles
        WHERE source = ${t.source} AND asset = ${t.subject} AND interval = ${t.interval}
          AND ts >= ${from} AND ts < ${to}`
    : await sql`SELECT COUNT(DISTINCT ts)::bigint AS n FROM macro_observations
        WHERE series = ${t.subject} AND source = ${t.source} AND ts >= ${from} AND ts < ${to}`;
  return Number(r.n);
}

async function newestStored(sql: Sql, t: LedgerTarget): Promise<number | undefined> {
  // ORDER BY … LIMIT 1 reads one index entry however stale the statistics are; MAX(ts) right
  // after a large import into a new series (statistics still saying "empty") was planned as a
  // scan of the whole series: 200 ms per 500,000 rows
  const [r] = t.table === "candles"
    ? await sql`SELECT ts AS t FROM candles
        WHERE source = ${t.source} AND asset = ${t.subject} AND interval = ${t.interval}
        ORDER BY ts DESC LIMIT 1`
    : await sql`SELECT ts AS t FROM macro_observations
        WHERE series = ${t.subject} AND source = ${t.source} ORDER BY ts DESC LIMIT 1`;
  return r === undefined ? undefined : optNum(r.t);
}

/** The series whose gaps or staleness `issues` record, with the time range they touch. */
async function touchedSeries(
  sql: Sql,
  issues: readonly QualityIssue[],
): Promise<Map<LedgerTarget, { from: number; to: number }>> {
  const byKey = new Map<string, { issue: QualityIssue; from: number; to: number }>();
  for (const i of issues) {
    if ((i.kind !== "gap" && i.kind !== "stale") || i.ts === undefined) continue;
    const k = `${i.source}\u0000${i.subject}\u0000${i.interval ?? ""}`;
    let e = byKey.get(k);
    if (!e) {
      e = { issue: i, from: i.ts, to: i.tsEnd ?? i.ts };
      byKey.set(k, e);
    }
    e.from = Math.min(e.from, i.ts);
    e.to = Math.max(e.to, i.tsEnd ?? i.ts);
  }
  const out = new Map<LedgerTarget, { from: number; to: number }>();
  for (const e of byKey.values()) {
    out.set(await targetOf(sql, e.issue), { from: e.from, to: e.to });
  }
  return out;
}

/** A finding with an interval is about candles when such a candle series is stored. */
async function targetOf(sql: Sql, i: QualityIssue): Promise<LedgerTarget> {
  if (i.interval) {
    const rows = await sql`SELECT 1 FROM candles WHERE source = ${i.source}
      AND asset = ${i.subject} AND interval = ${i.interval} LIMIT 1`;
    if (rows.length > 0) {
      return { table: "candles", source: i.source, subject: i.subject, interval: i.interval };
    }
  }
  return { table: "macro", source: i.source, subject: i.subject };
}

function toIssue(r: Row): StoredQualityIssue {
  return {
    id: Number(r.id),
    source: String(r.source),
    subject: String(r.subject),
    interval: String(r.interval) || undefined,
    kind: String(r.kind),
    ts: optNum(r.ts),
    tsEnd: optNum(r.ts_end),
    missingBars: optNum(r.missing_bars),
    field: String(r.field) || undefined,
    detail: String(r.detail),
    location: optStr(r.location),
    runId: optNum(r.run_id),
    firstSeen: Number(r.first_seen),
    lastSeen: Number(r.last_seen),
    resolvedAt: optNum(r.resolved_at),
    resolvedByRun: optNum(r.resolved_by_run),
  };
}
