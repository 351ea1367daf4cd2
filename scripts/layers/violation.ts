/**
 * A broken layer rule, as every check reports it: where (file and line), which rule, a one-line
 * message, and a line-free `key` that the temporary allowlist matches.
 * @module
 */

/** The rules the layer check enforces; docs/architecture.md explains each. */
export type RuleId =
  | "layer-import"
  | "npm-package"
  | "node-module"
  | "inline-dependency"
  | "import-cycle"
  | "module-error"
  | "unknown-area"
  | "purity"
  | "dynamic-import"
  | "edge-only-api"
  | "function-length";

/** One violation. `file` is relative to the checked root, with `/` separators. */
export interface Violation {
  readonly rule: RuleId;
  readonly file: string;
  /** 1-based line of the offending import, call or opening brace. */
  readonly line: number;
  /** What is wrong and what the rule allows, in one line. */
  readonly message: string;
  /**
   * What the allowlist matches besides rule and file, independent of line numbers: the imported
   * file or package, the function's name, the API used, or a cycle's members.
   */
  readonly key: string;
}

/** `file:line: rule: message` — the form editors and terminals link to. */
export function formatViolation(v: Violation): string {
  return `${v.file}:${v.line}: ${v.rule}: ${v.message}`;
}

/** Sorts violations by file, then line, then rule, for stable output. */
export function byLocation(a: Violation, b: Violation): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || cmp(a.rule, b.rule);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
