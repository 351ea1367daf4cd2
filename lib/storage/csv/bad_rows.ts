/**
 * What happens to a row that cannot be used: by default the import fails on it with
 * `file:line` and the reason; with `--skip-bad-rows` it is listed and recorded as a `bad_row`
 * quality issue, and reading goes on.
 * @module
 */
import { DataError } from "../../core/errors.ts";
import type { QualityIssue } from "../store.ts";

/** A row that could not be used. */
export interface BadRow {
  /** 1-based line of the record's first line. */
  line: number;
  /** Why the row cannot be used. */
  reason: string;
}

/** Collects bad rows, or throws on the first one. */
export class BadRows {
  /** The bad rows, in file order (only with `skip`). */
  readonly rows: BadRow[] = [];
  /** One `bad_row` issue per bad row. */
  readonly issues: QualityIssue[] = [];

  /** Reports to `file`; `skip` records instead of throwing; issues carry `issueBase`. */
  constructor(
    readonly file: string,
    readonly skip: boolean,
    readonly issueBase: { source: string; subject: string },
  ) {}

  /** Throws a DataError at `file:line`, or records the row when skipping. */
  report(line: number, reason: string, ts?: number): void {
    if (!this.skip) throw new DataError(reason, `${this.file}:${line}`);
    this.rows.push({ line, reason });
    this.issues.push({
      ...this.issueBase,
      kind: "bad_row",
      ts: ts !== undefined && Number.isFinite(ts) ? ts : undefined,
      field: `line ${line}`,
      detail: `line ${line} skipped: ${reason}`,
      location: `${this.file}:${line}`,
    });
  }
}
