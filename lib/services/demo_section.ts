/**
 * The shape of a demo section: what each section gets and returns. Sections live in their own
 * modules and the demo (`demo.ts`) lists them, so no section module imports the demo.
 * @module
 */
import type { ResolvedConfig } from "../config/config.ts";
import type { StrategyRegistry } from "../signals/registry.ts";
import type { Store } from "../storage/store.ts";
import type { SampleLoadResult } from "./sample_loader.ts";

/** What every section gets. */
export interface DemoContext {
  store: Store;
  config: ResolvedConfig;
  /** The strategies the demo may run (the shipped ones: `STRATEGIES` of `strategies/mod.ts`). */
  registry: StrategyRegistry;
  /** `--days`: how many recent days a section should show or look back over. */
  days: number;
  /** Result of loading the sample market. */
  sample: SampleLoadResult;
}

/** One section's output: human text and machine data. */
export interface DemoSectionResult {
  /** Plain text (tables) for the terminal, without the title. */
  text: string;
  /** JSON-ready data for `--json`. */
  data: unknown;
}

/** A part of the demo. */
export interface DemoSection {
  /** Stable id (the key in `--json`). */
  id: string;
  /** Heading on the terminal. */
  title: string;
  /** Produces the section from the loaded sample market. */
  run(ctx: DemoContext): Promise<DemoSectionResult>;
}
