/**
 * The one edge every task goes through. A task declares its name, help text, flags and body;
 * {@link defineTask} turns that into `main(args)`:
 *
 * 1. strict flag parsing (`--help` and `--json` are added to every task; list flags take
 *    space-separated values) — a mistake is one line and exit code 2;
 * 2. `--help` prints the help text and exits 0, before any configuration is read;
 * 3. configuration (environment + `.env`), logging (JSON lines to `LOG_FILE`, text on a terminal
 *    unless `--json`) and the redactor of configured secrets are set up;
 * 4. the body runs with a lazily opened store (a task that only reads a CSV creates no
 *    database) — PostgreSQL with `DATABASE_URL`, else the SQLite file (`openStore`) — which is
 *    closed afterwards, and — without `--json` — with `console` output escaped for the terminal
 *    (`guardTerminalOutput` in `output.ts`);
 * 5. any error becomes one line, `mts <task>: <reason>`, and exit code 2 (usage) or 1.
 *
 * Tasks keep `export function main(args)` and `if (import.meta.main) Deno.exit(await main(…))`.
 * @module
 */
import { loadConfig, type ResolvedConfig } from "../config/config.ts";
import { createRedactor, type Redactor, redactorFor } from "../config/redact.ts";
import { ConfigError } from "../core/errors.ts";
import { closeLogging, configureLogging, getLogger } from "../log/logger.ts";
import { openStore } from "../storage/open_store.ts";
import type { Store } from "../storage/store.ts";
import { type FlagOptions, type FlagValues, parseFlags } from "./args.ts";
import { guardTerminalOutput } from "./output.ts";
import { reportError } from "./report_error.ts";

/** What a task body gets besides its flags. */
export interface TaskContext {
  /** The resolved configuration. */
  readonly config: ResolvedConfig;
  /** Opens the store on first use (tasks that only read a CSV never create a database). */
  readonly store: () => Store;
  /** Removes every configured secret from a text (for anything shown, logged or stored). */
  readonly redact: Redactor;
}

/** Flags every task has. */
const COMMON_FLAGS = {
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

type AllFlags<O extends FlagOptions> = O & typeof COMMON_FLAGS;

/** A task body's view: its parsed flags, `--json`, and the {@link TaskContext}. */
export interface TaskRun<O extends FlagOptions> extends TaskContext {
  /** The parsed flags (raw strings; the body reads them with the parsers of `flags.ts`). */
  readonly flags: FlagValues<AllFlags<O>>;
  /** Arguments that are not flags (only when the task allows them). */
  readonly positionals: readonly string[];
  /** True with `--json`: one JSON document on stdout, nothing else. */
  readonly json: boolean;
}

/** The declaration {@link defineTask} takes. */
export interface TaskDefinition<O extends FlagOptions> {
  /** The task's name, as in `deno task <name>` (and in every message). */
  readonly name: string;
  /** The text `--help` prints. */
  readonly help: string;
  /** The task's own flags (`--json` and `--help` are added). */
  readonly flags: O;
  /** Flags whose values may be space-separated: `--assets a b`. */
  readonly lists?: readonly (keyof O & string)[];
  /** Accept arguments that are not flags (default: refused). */
  readonly positionals?: boolean;
  /** True when standard output carries data for a machine (as with `--json`): no log text. */
  readonly machineOutput?: (flags: FlagValues<AllFlags<O>>) => boolean;
  /** The work; resolves to the exit code. */
  readonly run: (run: TaskRun<O>) => Promise<number>;
}

/**
 * Turns a task declaration into its `main(args)` (see the module documentation).
 *
 * @example
 * ```ts
 * import { defineTask } from "./task.ts";
 * import { intFlag } from "./flags.ts";
 * const main = defineTask({
 *   name: "hello",
 *   help: "Usage: deno task hello [--times N]",
 *   flags: { times: { type: "string" } },
 *   run: ({ flags }) => {
 *     const times = intFlag(flags.times, "times", { min: 1, max: 9, fallback: 1 });
 *     for (let i = 0; i < times; i++) console.log("hello");
 *     return Promise.resolve(0);
 *   },
 * });
 * ```
 */
export function defineTask<O extends FlagOptions>(
  def: TaskDefinition<O>,
): (args: string[]) => Promise<number> {
  return async (args) => {
    let parsed;
    try {
      parsed = parseFlags(args, { ...def.flags, ...COMMON_FLAGS } as AllFlags<O>, {
        lists: def.lists,
        positionals: def.positionals,
      });
    } catch (e) {
      return reportError(def.name, e, createRedactor([]));
    }
    const flags = parsed.values;
    // inside this generic function TypeScript cannot see the common flags in `flags`
    const common = flags as { help?: boolean; json?: boolean };
    if (common.help) {
      console.log(def.help);
      return 0;
    }
    const json = common.json === true;
    const positionals = parsed.positionals;
    return await runTask(def.name, (ctx) => def.run({ ...ctx, flags, positionals, json }), {
      machineOutput: json || (def.machineOutput?.(flags) ?? false),
    });
  };
}

/** Opens the log file, turning a file the task may not write into a one-line config error. */
function startLogging(config: ResolvedConfig, redact: Redactor, machineOutput: boolean): void {
  try {
    configureLogging({
      level: config.logLevel,
      file: config.logFile,
      console: machineOutput ? "never" : "auto",
      redact,
    });
  } catch (e) {
    throw new ConfigError(
      `LOG_FILE: cannot write ${config.logFile} (${(e as Error).message}); ` +
        "set LOG_FILE to a file under logs/, or empty to disable file logging",
      "LOG_FILE",
    );
  }
}

/**
 * Runs a task body with config, logging, redactor and store set up, and maps errors to exit
 * codes: 2 for usage errors, 1 for everything else, each with a one-line reason on stderr.
 */
export async function runTask(
  name: string,
  body: (ctx: TaskContext) => Promise<number>,
  options: { machineOutput?: boolean } = {},
): Promise<number> {
  let store: Store | undefined;
  const unguard = options.machineOutput ? () => {} : guardTerminalOutput();
  // Until the configuration is read, only pattern-based redaction (key=…, URL passwords) applies.
  let redact = createRedactor([]);
  try {
    const config = loadConfig();
    redact = redactorFor(config);
    startLogging(config, redact, options.machineOutput ?? false);
    getLogger(name).debug("start", { environment: config.environment });
    const ctx: TaskContext = {
      config,
      store: () => (store ??= openStore(config)),
      redact,
    };
    return await body(ctx);
  } catch (e) {
    return reportError(name, e, redact);
  } finally {
    try {
      await store?.close();
    } catch { /* closing must not change the exit code */ }
    closeLogging();
    unguard();
  }
}
