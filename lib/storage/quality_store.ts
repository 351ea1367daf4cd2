/**
 * The data-quality ledger: findings about stored series (gaps, duplicates, missing values, stale
 * series, invalid payloads, …). Entries that later data makes moot (a gap filled, a stale series
 * updated) are resolved, not deleted, so the history stays.
 * @module
 */

/** One data-quality finding. */
export interface QualityIssue {
  /** Source of the series. */
  source: string;
  /** Asset or macro series. */
  subject: string;
  /** Bar interval of the series, when it has one. */
  interval?: string;
  /** gap, duplicate, conflicting_duplicate, missing_value, bad_row, stale, invalid_payload, … */
  kind: string;
  /** Affected time, UTC ms (the first missing bar for gaps). */
  ts?: number;
  /** End of a gap (exclusive), UTC ms. */
  tsEnd?: number;
  /**
   * For gaps: how many bars are missing in `[ts, tsEnd)`. The gap is resolved once that many
   * bars are stored there; when absent, every bar of the interval in the range is expected.
   */
  missingBars?: number;
  /** Field concerned, when one is. */
  field?: string;
  /** What is wrong, for a human. */
  detail: string;
  /** `file:line` or endpoint. */
  location?: string;
}

/** A stored quality issue. */
export interface StoredQualityIssue extends QualityIssue {
  /** Ledger id. */
  id: number;
  /** Run that first recorded it. */
  runId?: number;
  /** When it was first recorded, UTC ms. */
  firstSeen: number;
  /** When it was last recorded, UTC ms. */
  lastSeen: number;
  /** When data arrived that resolved it, UTC ms; absent while it is open. */
  resolvedAt?: number;
  /** Run whose data resolved it (absent when resolved by a write outside a run). */
  resolvedByRun?: number;
}

/** Filter of {@link QualityStore.listQualityIssues}. */
export interface QualityFilter {
  /** Asset or macro series. */
  subject?: string;
  /** Source of the series. */
  source?: string;
  /** Issue kind. */
  kind?: string;
  /** Open issues only (default), resolved ones only, or all. */
  state?: "open" | "resolved" | "all";
  /** At most this many. */
  limit?: number;
}

/** The data-quality ledger. */
export interface QualityStore {
  /**
   * Records quality issues; an issue already recorded only has its `lastSeen` refreshed. A gap
   * or staleness that the stored data already covers is recorded as resolved.
   */
  recordQualityIssues(
    issues: readonly QualityIssue[],
    runId?: number,
  ): Promise<{ inserted: number }>;
  /** Stored issues (open ones unless `state` says otherwise), by subject, kind and time. */
  listQualityIssues(filter?: QualityFilter): Promise<StoredQualityIssue[]>;
}
