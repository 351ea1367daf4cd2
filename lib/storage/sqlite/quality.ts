/**
 * The data-quality ledger in SQLite (`data_quality_issues`), and its resolution: when data
 * arrives that fills a recorded gap (as many bars stored in `[ts, tsEnd)` as were missing) or
 * that is newer than a recorded staleness, the entry is marked resolved — when, and by which run
 * — and stays in the ledger as history. Only open entries count for `backtest --strict`.
 * @module
 */
import { type Interval, intervalMs, isInterval, nextBarTs } from "../../core/time.ts";
import type {
  QualityFilter,
  QualityIssue,
  QualityStore,
  StoredQualityIssue,
} from "../quality_store.ts";
import type { SqliteDb } from "./db.ts";
import { optNum, optStr, type Row } from "./rows.ts";
import { VISIBLE } from "./visibility.ts";

/** The stored series a ledger entry is about. */
export type LedgerTarget =
  | { table: "candles"; source: string; subject: string; interval: string }
  | { table: "macro"; source: string; subject: string };

/** The quality concern of the SQLite store. */
export class SqliteQuality implements QualityStore {
  readonly #db: SqliteDb;

  /** The ledger of `db`. */
  constructor(db: SqliteDb) {
    this.#db = db;
  }

  async recordQualityIssues(
    issues: readonly QualityIssue[],
    runId?: number,
  ): Promise<{ inserted: number }> {
    if (issues.length === 0) return { inserted: 0 };
    return await this.#db.write(() => {
      const inserted = this.#upsertIssues(issues, runId);
      // A gap or staleness recorded again (or late) may already be covered by stored data.
      for (const [target, range] of touchedSeries(this.#db, issues)) {
        resolveLedger(this.#db, target, range, runId);
      }
      return { inserted };
    });
  }

  listQualityIssues(filter: QualityFilter = {}): Promise<StoredQualityIssue[]> {
    const state = filter.state ?? "open";
    const rows = this.#db.read(
      `SELECT * FROM data_quality_issues
       WHERE (?1 IS NULL OR subject = ?1) AND (?2 IS NULL OR source = ?2) AND (?3 IS NULL OR kind = ?3)
         AND (?4 = 'all' OR (?4 = 'open') = (resolved_at IS NULL))
       ORDER BY subject, kind, ts LIMIT ?5`,
    ).all(
      filter.subject ?? null,
      filter.source ?? null,
      filter.kind ?? null,
      state,
      filter.limit ?? -1,
    ) as Row[];
    return Promise.resolve(rows.map(toIssue));
  }

  #upsertIssues(issues: readonly QualityIssue[], runId?: number): number {
    const stmt = this.#db.stmt(
      `INSERT INTO data_quality_issues
         (source, subject, interval, kind, ts, ts_end, missing_bars, field, detail, location, run_id,
          first_seen, last_seen)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (source, subject, interval, kind, IFNULL(ts, -1), field)
       DO UPDATE SET last_seen = excluded.last_seen, detail = excluded.detail,
                     ts_end = excluded.ts_end, location = excluded.location,
                     missing_bars = excluded.missing_bars`,
    );
    const exists = this.#db.stmt(
      `SELECT 1 FROM data_quality_issues WHERE source = ? AND subject = ? AND interval = ? AND kind = ?
         AND IFNULL(ts, -1) = ? AND field = ?`,
    );
    const now = this.#db.now();
    let inserted = 0;
    for (const i of issues) {
      const interval = i.interval ?? "";
      const field = i.field ?? "";
      if (!exists.get(i.source, i.subject, interval, i.kind, i.ts ?? -1, field)) inserted++;
      stmt.run(
        i.source,
        i.subject,
        interval,
        i.kind,
        i.ts ?? null,
        i.tsEnd ?? null,
        i.missingBars ?? null,
        field,
        i.detail,
        i.location ?? null,
        runId ?? null,
        now,
        now,
      );
    }
    return inserted;
  }
}

/**
 * Inside a write block: resolves the open gaps of `target` overlapping `range` that the stored
 * data now fills, and its open staleness entries older than its newest stored time. Returns how
 * many entries it resolved.
 */
export function resolveLedger(
  db: SqliteDb,
  target: LedgerTarget,
  range: { from: number; to: number },
  runId?: number,
): number {
  const now = db.now();
  const resolve = db.stmt(
    "UPDATE data_quality_issues SET resolved_at = ?, resolved_by_run = ? WHERE id = ?",
  );
  let resolved = 0;
  const gaps = db.stmt(
    `SELECT id, ts, ts_end, missing_bars, interval FROM data_quality_issues
     WHERE resolved_at IS NULL AND kind = 'gap' AND source = ? AND subject = ?
       AND (?3 IS NULL OR interval = ?3) AND ts IS NOT NULL AND ts_end IS NOT NULL
       AND ts <= ?4 AND ts_end > ?5`,
  ).all(
    target.source,
    target.subject,
    target.table === "candles" ? target.interval : null,
    range.to,
    range.from,
  ) as Row[];
  for (const g of gaps) {
    const from = Number(g.ts), to = Number(g.ts_end);
    const expected = optNum(g.missing_bars) ?? barsIn(from, to, String(g.interval));
    if (storedIn(db, target, from, to) >= expected) {
      resolve.run(now, runId ?? null, Number(g.id));
      resolved++;
    }
  }
  const newest = newestStored(db, target);
  if (newest !== undefined) {
    const stale = db.stmt(
      `UPDATE data_quality_issues SET resolved_at = ?, resolved_by_run = ?
       WHERE resolved_at IS NULL AND kind = 'stale' AND source = ? AND subject = ?
         AND (?5 IS NULL OR interval = ?5) AND ts < ?`,
    ).run(
      now,
      runId ?? null,
      target.source,
      target.subject,
      target.table === "candles" ? target.interval : null,
      newest,
    );
    resolved += Number(stale.changes);
  }
  return resolved;
}

/**
 * Bars of `interval` starting in `[from, to)`: what a gap expects when the finding did not say
 * how many bars were missing. `Infinity` (never resolved by count) for an unknown interval.
 */
export function barsIn(from: number, to: number, interval: string): number {
  if (!isInterval(interval) || to <= from) return Infinity;
  if (interval !== "1M") return Math.ceil((to - from) / intervalMs(interval as Interval));
  let n = 0;
  for (let t = from; t < to; t = nextBarTs(t, "1M")) n++;
  return n;
}

function storedIn(db: SqliteDb, target: LedgerTarget, from: number, to: number): number {
  const r = target.table === "candles"
    ? db.stmt(
      `SELECT COUNT(*) AS n FROM candles
       WHERE source = ? AND asset = ? AND interval = ? AND ts >= ? AND ts < ? AND ${VISIBLE}`,
    ).get(target.source, target.subject, target.interval, from, to)
    : db.stmt(
      `SELECT COUNT(DISTINCT ts) AS n FROM macro_observations
       WHERE series = ? AND source = ? AND ts >= ? AND ts < ?`,
    ).get(target.subject, target.source, from, to);
  return Number((r as Row).n);
}

function newestStored(db: SqliteDb, target: LedgerTarget): number | undefined {
  const r = target.table === "candles"
    ? db.stmt(
      `SELECT MAX(ts) AS t FROM candles
       WHERE source = ? AND asset = ? AND interval = ? AND ${VISIBLE}`,
    ).get(target.source, target.subject, target.interval)
    : db.stmt(`SELECT MAX(ts) AS t FROM macro_observations WHERE series = ? AND source = ?`)
      .get(target.subject, target.source);
  return optNum((r as Row).t);
}

/** The series whose gaps or staleness `issues` record, with the time range they touch. */
function touchedSeries(
  db: SqliteDb,
  issues: readonly QualityIssue[],
): Map<LedgerTarget, { from: number; to: number }> {
  const byKey = new Map<string, { target: LedgerTarget; from: number; to: number }>();
  for (const i of issues) {
    if ((i.kind !== "gap" && i.kind !== "stale") || i.ts === undefined) continue;
    const k = `${i.source}\u0000${i.subject}\u0000${i.interval ?? ""}`;
    let e = byKey.get(k);
    if (!e) {
      e = { target: targetOf(db, i), from: i.ts, to: i.tsEnd ?? i.ts };
      byKey.set(k, e);
    }
    e.from = Math.min(e.from, i.ts);
    e.to = Math.max(e.to, i.tsEnd ?? i.ts);
  }
  return new Map([...byKey.values()].map((e) => [e.target, { from: e.from, to: e.to }]));
}

/** A finding with an interval is about candles when such a candle series is stored. */
function targetOf(db: SqliteDb, i: QualityIssue): LedgerTarget {
  if (i.interval) {
    const hasCandles = db.stmt(
      "SELECT 1 FROM candles WHERE source = ? AND asset = ? AND interval = ? LIMIT 1",
    ).get(i.source, i.subject, i.interval);
    if (hasCandles) {
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
