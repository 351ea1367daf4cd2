/**
 * The detector beside a stream in the same process: `deno task stream --arbitrage` and plain
 * `deno task arbitrage` (which runs the stream's live run itself). The detector follows the cache
 * the stream publishes to (memory or Redis), subscribed before the stream's first book, and stops
 * when the stream stops (open opportunities then close as `stopped`).
 * @module
 */
import type { Cache } from "../storage/cache.ts";
import type { ArbitrageAlert } from "../streams/arbitrage/alert.ts";
import type { ArbitrageDetector } from "../streams/arbitrage/detector.ts";
import type { DetectorOptions } from "../streams/arbitrage/settings.ts";
import { type ArbitrageOutcome, type ArbitrageWiring, runArbitrage } from "./arbitrage_service.ts";

/** How to run the detector beside a stream. */
export interface BesideOptions {
  /** The cache the stream publishes its books to; not closed here. */
  readonly cache: Cache;
  /** Detector options; `symbols` should be the stream's (the channels are subscribed up front). */
  readonly detector: DetectorOptions;
  /**
   * `stream` for a live stream, `data` for a replay: time is the stream's publish points (the
   * recorded ones in a replay), so a replay of a live run's recording gives its alerts.
   */
  readonly clock: "wall" | "data" | "stream";
  /** Record opportunities in SQLite. */
  readonly store: boolean;
  /** Each alert. */
  readonly onAlert: (alert: ArbitrageAlert, detector: ArbitrageDetector) => void;
  /** A sink or message problem (already redacted). */
  readonly onProblem: (message: string) => void;
}

/**
 * Starts the detector on `o.cache`, waits until it is subscribed, runs `stream`, then stops the
 * detector and waits for its sinks. A failing stream still stops the detector first.
 */
export async function detectBeside<T>(
  w: ArbitrageWiring,
  o: BesideOptions,
  stream: () => Promise<T>,
): Promise<{ result: T; outcome: ArbitrageOutcome }> {
  const stop = new AbortController();
  let ready!: () => void;
  const subscribed = new Promise<void>((resolve) => ready = resolve);
  const detecting = runArbitrage(w, {
    mode: "cache",
    cache: o.cache,
    clock: o.clock,
    detector: o.detector,
    store: o.store,
    signal: stop.signal,
    onAlert: o.onAlert,
    onProblem: o.onProblem,
    onReady: ready,
  });
  // a detector that cannot start (bad settings, missing permission) fails before the stream runs
  await Promise.race([subscribed, detecting]);
  let result: T;
  try {
    result = await stream();
  } catch (e) {
    stop.abort();
    await detecting.catch(() => {});
    throw e;
  }
  stop.abort();
  return { result, outcome: await detecting };
}
