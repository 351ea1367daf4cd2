/**
 * mts — the public library surface. Strategies are plugins: the shipped ones live in
 * `strategies/mod.ts` (`STRATEGIES`), which this module does not re-export; write your own with
 * {@link defineStrategy} and register them with {@link createRegistry}.
 * @module
 */
export * from "./core/time.ts";
export * from "./core/candle.ts";
export * from "./core/signal.ts";
export * from "./core/strategy.ts";
export * from "./core/errors.ts";
export * from "./core/provenance.ts";
export type * from "./core/order.ts";
export type * from "./core/events.ts";
export {
  annualReturn,
  annualVolatility,
  calmarRatio,
  maxDrawdown,
  type Metrics,
  type RatioOptions,
  sharpeRatio,
  sortinoRatio,
} from "./engine/metrics.ts";
export {
  type BacktestOptions,
  type BacktestResult,
  ENGINE_VERSION,
  type EquityCurve,
  type PipelineContext,
  runBacktest,
  type SignalPipeline,
} from "./engine/engine.ts";
export type { DataSummary, Manifest } from "./engine/manifest.ts";
export {
  type AssetSeries,
  completeCloseOnly,
  type MacroInput,
  macroInput,
  NEXT_UTC_MIDNIGHT,
  type PublicationRule,
  publicationTime,
  seriesFromCandles,
} from "./engine/feed.ts";
export { FLAT_PORTFOLIO, Market, type MarketData, type PortfolioView } from "./engine/market.ts";
export { compareMeans, MeanPair, RollingMean } from "./indicators/rolling_mean.ts";
export {
  evaluateStrategy,
  explainingStrategy,
  fired,
  firedSignals,
  notFired,
} from "./signals/evaluation.ts";
export { type RiskManagement, stopsOf } from "./signals/params.ts";
export { createRegistry, type StrategyRegistry } from "./signals/registry.ts";
export { defineStrategy, type StrategyDefinition, type StrategySpec } from "./signals/define.ts";
export {
  deepMerge,
  type ParamIssue,
  type ParamParseResult,
  type ParamProblem,
  type Params,
  type ParamSchema,
  type ParamsOf,
  resolveParams,
  StrategyParamsError,
} from "./signals/params.ts";
export { loadConfig, redactConfig, resolveConfig } from "./config/config.ts";
export type {
  ConfigLogLevel,
  Environment,
  LoadConfigOptions,
  ResolvedConfig,
} from "./config/config.ts";
export { VARIABLES, type VariableSpec } from "./config/variables.ts";
export type * from "./storage/store.ts";
export type { LeaderLock } from "./storage/leader_lock.ts";
export { SqliteStore, type SqliteStoreOptions } from "./storage/sqlite_store.ts";
export { PostgresStore, type PostgresStoreOptions } from "./storage/postgres_store.ts";
export { openStore, type StoreConfig } from "./storage/open_store.ts";
export {
  type SchedulerHandle,
  type SchedulerOptions,
  type SchedulerStatus,
  startScheduler,
  type StopOptions,
} from "./scheduler/runner.ts";
export type { JobResult, JobRunContext, JobRunner, ScheduledJob } from "./scheduler/job.ts";
export type { JobView } from "./scheduler/status.ts";
export {
  type Cadence,
  cronCadence,
  type CronTimes,
  everyCadence,
} from "./scheduler/plan/cadence.ts";
export {
  type FinishedEvent,
  type JobOutcome,
  jsonLine,
  type LeaderEvent,
  type SchedulerEvent,
  type SkippedEvent,
  type SkipReason,
  type StartedEvent,
} from "./scheduler/plan/events.ts";
export { DEFAULT_SETTINGS, type JobSpec, type ScheduleSettings } from "./scheduler/plan/resolve.ts";
export type {
  FundingObservation,
  FundingQuery,
  FundingSource,
  FundingStore,
} from "./storage/funding_store.ts";
export {
  backfillFunding,
  FUNDING_EXCHANGES,
  type FundingBackfillOptions,
  type FundingBackfillReport,
  type FundingClients,
  type FundingExchange,
  type FundingItemReport,
} from "./services/funding_backfill.ts";
export type { ApiClientEvent, ApiClientMonitor } from "./services/api_clients.ts";
export type { AttemptOutcome, ClientObservation, NetEvent } from "./net/resilient_client.ts";
export type { BreakerState } from "./net/circuit_breaker.ts";
export { type FundingGap, settlementIntervals } from "./core/funding.ts";
export type { FundingHistoryClient, FundingRateRow } from "./clients/funding.ts";
export {
  deflatedSharpeRatio,
  type DsrInput,
  expandGrid,
  expectedMaxSharpe,
  type GridSpace,
  minTrackRecordLength,
  normalCdf,
  normalQuantile,
  type Objective,
  parseConstraint,
  type PboResult,
  probabilisticSharpeRatio,
  probabilityOfBacktestOverfitting,
  type RandomSpace,
  rankTrials,
  sampleMoments,
  sampleSpace,
  trialStatistics,
  walkForwardWindows,
} from "./research/mod.ts";
export { type OptimizeJob, type OptimizeResult, runOptimization } from "./services/optimizer.ts";
export {
  type ExecuteHooks,
  inlineExecutor,
  runTrial,
  runTrials,
  type TrialBatch,
  type TrialDataset,
  type TrialExecutor,
  type TrialOutcome,
  type TrialSpec,
} from "./services/trials.ts";
export { workerPoolExecutor } from "./services/worker_pool.ts";
export { storedExecutor, trialKey } from "./services/stored_trials.ts";
export type { StoredTrial, TrialStore } from "./storage/trial_store.ts";
export type {
  BookFilter,
  BookResyncRecord,
  BookSnapshotRecord,
  BookStore,
} from "./storage/book_store.ts";
export type {
  Constraint,
  Constraints,
  Duration,
  ExpectedMaxSharpeInput,
  MetricName,
  MinTrlInput,
  Params as TrialParams,
  ParamValue,
  PboOptions,
  PsrInput,
  RangeSpec,
  SampleMoments,
  SampleOptions as SpaceSampleOptions,
  WalkForwardOptions,
  WalkForwardWindow,
  WindowRange,
} from "./research/mod.ts";
export { METRIC_NAMES } from "./research/mod.ts";
export type { ParamStability, WalkForwardSummary } from "./research/walk_forward_summary.ts";
export type {
  PboSummary,
  TrialStatistics,
  TrialStatisticsInput,
} from "./research/trial_statistics.ts";
export type {
  BacktestDeps,
  BacktestJob,
  RunInput,
  RunSettings,
} from "./services/backtest_runner.ts";
export type { Progress, Search } from "./services/optimizer_plan.ts";
export type { TrialRow } from "./services/optimizer.ts";
export type {
  WalkForwardResult,
  WalkForwardWindowResult,
} from "./services/optimizer_walk_forward.ts";
export type { StoredExecutor, StoredExecutorOptions } from "./services/stored_trials.ts";
export type { TrialExec } from "./services/trials.ts";
export type { WorkerPoolOptions } from "./services/worker_pool.ts";
export type { RiskLimits } from "./signals/risk.ts";
export type { AlertCondition, AlertStore, PriceAlert } from "./storage/alert_store.ts";
