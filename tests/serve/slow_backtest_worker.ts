/** The test's backtest worker: the shipped strategies plus `slow_burn` (slow_strategy.ts). */
import { type BacktestWorkerPort, serveBacktests } from "../../lib/services/backtest_pool.ts";
import { TEST_STRATEGIES } from "./slow_strategy.ts";

serveBacktests(TEST_STRATEGIES, self as unknown as BacktestWorkerPort);
