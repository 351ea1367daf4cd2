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

/** Violations allowed until the packages that remove them are merged; empty it then. */
export const KNOWN_VIOLATIONS: readonly KnownViolation[] = [
  // Issue 15, "one strategy data layer" / "enforce the layer rules": the registry stops importing
  // its plugins; strategies register from strategies/mod.ts.
  ...[
    "strategies/buy_hold.ts",
    "strategies/sma_cross.ts",
    "strategies/vix_correlation.ts",
    "strategies/mean_reversion.ts",
  ].map((key) => ({
    rule: "layer-import" as const,
    file: "lib/signals/registry.ts",
    key,
    why: "strategy data layer package: lib/ must not import strategies/",
  })),
  {
    rule: "import-cycle",
    file: "lib/signals/registry.ts",
    key: "lib/signals/registry.ts ↔ strategies/buy_hold.ts ↔ strategies/mean_reversion.ts ↔ " +
      "strategies/sma_cross.ts ↔ strategies/vix_correlation.ts",
    why: "strategy data layer package: registry ↔ strategies cycle",
  },
  {
    rule: "import-cycle",
    file: "lib/services/demo.ts",
    key: "lib/services/demo.ts ↔ lib/services/demo_strategies.ts",
    why: "issue 15: demo.ts ↔ demo_strategies.ts cycle",
  },
  // Issue 15, "small functions": each is being split into named steps by its package.
  ...([
    ["lib/report/html.ts", "renderHtml"],
    ["lib/services/backtest_runner.ts", "runBacktestJob"],
    ["lib/services/collector.ts", "collectPrices"],
    ["lib/services/macro_collector.ts", "collectMacro"],
    ["lib/services/signal_runner.ts", "runSignals"],
    ["lib/services/status.ts", "collectionStatus"],
    ["lib/signals/aggregate.ts", "aggregateSignals"],
    ["lib/signals/risk.ts", "RiskManager.apply"],
  ] as const).map(([file, key]) => ({
    rule: "function-length" as const,
    file,
    key,
    why: "issue 15: functions over 100 lines are being split",
  })),
];
