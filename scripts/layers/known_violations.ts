/**
 * KNOWN_VIOLATIONS — the one temporary allowlist of the layer check.
 *
 * Each entry names one violation that exists on `main` today and that another package of issues
 * 14/15 is removing: the rule, the file, and the line-free key the check reports (the function's
 * name, the imported file, the API, or a cycle's members). The check fails on any violation not
 * listed here, and on any entry that no longer matches anything — so once the fixes are merged,
 * the check itself says which entries to delete, until this list is empty.
 * @module
 */
import type { RuleId } from "./violation.ts";

/** One allowed violation: rule + file + key must equal a reported violation's. */
export interface KnownViolation {
  readonly rule: RuleId;
  readonly file: string;
  readonly key: string;
  /** Who removes it, and how. */
  readonly why: string;
}

/**
 * Violations allowed until the packages that remove them are merged. Empty: every rule holds on
 * the tree. Add an entry only with a `why` naming who removes it; the check reports it as stale
 * once it no longer occurs.
 */
export const KNOWN_VIOLATIONS: readonly KnownViolation[] = [];
