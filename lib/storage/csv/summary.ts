/**
 * Summaries of quality issues for the end of an import: counts per kind and the first examples.
 * @module
 */
import type { QualityIssue } from "../store.ts";

/** Issues of one kind. */
export interface IssueKindSummary {
  /** The issue kind (`gap`, `bad_row`, …). */
  kind: string;
  /** Issues of this kind. */
  count: number;
  /** The first few issues' details, with their location when known. */
  examples: string[];
}

const ORDER = [
  "bad_row",
  "conflicting_duplicate",
  "duplicate",
  "out_of_order",
  "gap",
  "missing_value",
  "partial_bar",
  "off_schedule",
  "close_only",
  "inconsistent_ohlc",
];

/** Groups issues by kind (most serious kinds first), keeping up to `examples` details each. */
export function summariseIssues(
  issues: readonly QualityIssue[],
  examples = 3,
): IssueKindSummary[] {
  const byKind = new Map<string, IssueKindSummary>();
  for (const i of issues) {
    let s = byKind.get(i.kind);
    if (!s) byKind.set(i.kind, s = { kind: i.kind, count: 0, examples: [] });
    s.count++;
    if (s.examples.length < examples) {
      s.examples.push(i.location ? `${i.detail} [${i.location}]` : i.detail);
    }
  }
  const rank = (k: string) => (ORDER.indexOf(k) === -1 ? ORDER.length : ORDER.indexOf(k));
  return [...byKind.values()].sort((a, b) =>
    rank(a.kind) - rank(b.kind) || a.kind.localeCompare(b.kind)
  );
}
