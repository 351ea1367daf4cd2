/**
 * Entry script of an API backtest worker (`deno task serve` starts up to API_BACKTEST_WORKERS
 * of them): runs the engine part of `POST /backtest` with the shipped strategies. Like a task,
 * it is an edge that hands `strategies/mod.ts` to the library (`lib/` never imports strategies).
 * @module
 */
import { type BacktestWorkerPort, serveBacktests } from "../lib/services/backtest_pool.ts";
import { STRATEGIES } from "../strategies/mod.ts";

serveBacktests(STRATEGIES, self as unknown as BacktestWorkerPort);
