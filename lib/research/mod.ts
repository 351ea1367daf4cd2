/**
 * Research statistics and planning, all pure: the normal distribution, sample moments, the
 * probabilistic / deflated Sharpe ratios, minimum track record length, the probability of
 * backtest overfitting (CSCV), walk-forward windows and parameter search spaces. Conventions and
 * formulas: docs/research.md.
 * @module
 */
export { normalCdf, normalQuantile } from "./normal.ts";
export { type SampleMoments, sampleMoments } from "./moments.ts";
export {
  minTrackRecordLength,
  type MinTrlInput,
  probabilisticSharpeRatio,
  type PsrInput,
} from "./probabilistic_sharpe.ts";
export {
  deflatedSharpeRatio,
  type DsrInput,
  EULER_MASCHERONI,
  expectedMaxSharpe,
  type ExpectedMaxSharpeInput,
} from "./deflated_sharpe.ts";
export { type PboOptions, type PboResult, probabilityOfBacktestOverfitting } from "./pbo.ts";
export { binomial } from "./combinations.ts";
export { addDuration, addMonths, type Duration, parseDuration } from "./duration.ts";
export {
  type WalkForwardOptions,
  type WalkForwardWindow,
  walkForwardWindows,
  type WindowRange,
} from "./walk_forward.ts";
export { type Constraint, type Params, type ParamValue, parseConstraint } from "./constraint.ts";
export {
  type Constraints,
  expandGrid,
  type GridSpace,
  type RandomSpace,
  type RangeSpec,
  type SampleOptions,
  sampleSpace,
} from "./space.ts";
export {
  DEFAULT_OBJECTIVE,
  ineligibility,
  isMetricName,
  METRIC_NAMES,
  type MetricName,
  type Objective,
  objectiveValue,
  rankTrials,
} from "./objective.ts";
export {
  equityReturns,
  type PboSummary,
  type TrialStatistics,
  trialStatistics,
  type TrialStatisticsInput,
} from "./trial_statistics.ts";
export {
  type ParamStability,
  summariseWalkForward,
  type WalkForwardSummary,
  type WindowOutcome,
} from "./walk_forward_summary.ts";
