/**
 * Entry script of an optimisation worker (`deno task optimize --workers N` starts N of them):
 * serves trials with the shipped strategies. Like a task, it is an edge that hands
 * `strategies/mod.ts` to the library (`lib/` never imports strategies).
 * @module
 */
import { serveTrials, type WorkerPort } from "../lib/services/trial_worker.ts";
import { STRATEGIES } from "../strategies/mod.ts";

serveTrials(STRATEGIES, self as unknown as WorkerPort);
