/**
 * The shared edge of every task: argument parsing with clear errors, config and logging setup,
 * opening the store, and turning errors into a one-line reason and an exit code.
 * @module
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { loadConfig, type ResolvedConfig } from "../config/config.ts";
import {
  ConfigError,
  DataError,
  DataGapError,
  RateLimitError,
  UsageError,
} from "../core/errors.ts";
import { closeLogging, configureLogging, getLogger } from "../log/logger.ts";
import { SqliteStore } from "../storage/sqlite_store.ts";
import type { Store } from "../storage/store.ts";

type Options = NonNullable<ParseArgsConfig["options"]>;

/**
 * Parses `args` strictly against `options`; unknown flags and missing values become a
 * {@link UsageError} that names the flag.
 */
export function parseFlags<O extends Options>(
  args: string[],
  options: O,
  allowPositionals = false,
) {
  // parseArgs treats "-5" after "--capital" as a flag; join negative numbers to their option.
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const name = a.startsWith("--") ? a.slice(2) : undefined;
    const next = args[i + 1];
    if (
      name && !name.includes("=") && options[name]?.type === "string" && next !== undefined &&
      /^-\d|^-\.\d/.test(next)
    ) {
      joined.push(`${a}=${next}`);
      i++;
    } else {
      joined.push(a);
    }
  }
  try {
    return parseArgs({ args: joined, options, strict: true, allowPositionals });
  } catch (e) {
    throw new UsageError(
      (e as Error).message.replace(/^.*?: /, "").replace(/\. To specify.*$/, ""),
    );
  }
}

/** What a task gets once the edge is set up. */
export interface TaskContext {
  config: ResolvedConfig;
  /** Opens the store lazily (tasks that only read a CSV never create a database). */
  store(): Store;
}

/**
 * Runs a task body with config, logging and store set up, and maps errors to exit codes:
 * 2 for usage errors, 1 for everything else, each with a one-line reason on stderr.
 */
export async function runTask(
  name: string,
  body: (ctx: TaskContext) => Promise<number>,
  options: { json?: boolean } = {},
): Promise<number> {
  let store: Store | undefined;
  try {
    const config = loadConfig();
    configureLogging({
      level: config.logLevel,
      file: config.logFile,
      console: options.json ? "never" : "auto",
    });
    getLogger(name).debug("start", { environment: config.environment });
    const ctx: TaskContext = {
      config,
      store: () => (store ??= SqliteStore.open(config.databasePath, { origin: "DATABASE_PATH" })),
    };
    return await body(ctx);
  } catch (e) {
    return reportError(name, e);
  } finally {
    store?.close();
    closeLogging();
  }
}

/** Prints `mts <task>: <reason>` and returns the exit code for `e`. */
export function reportError(name: string, e: unknown): number {
  const err = e instanceof Error ? e : new Error(String(e));
  const known = err instanceof UsageError || err instanceof ConfigError ||
    err instanceof DataError ||
    err instanceof DataGapError || err instanceof RateLimitError || err instanceof RangeError;
  const msg = known ? err.message : `${err.name}: ${err.message}`;
  console.error(`mts ${name}: ${msg}`);
  if (err instanceof UsageError) console.error(`Run 'deno task ${name} --help' for usage.`);
  try {
    getLogger(name).error(err.message, { error: err.name });
  } catch { /* logging is best effort on the error path */ }
  return err instanceof UsageError ? 2 : 1;
}

/** True when standard output is a terminal (tables and progress), false for pipes and files. */
export function stdoutIsTerminal(): boolean {
  return Deno.stdout.isTerminal();
}

/** Writes a value as pretty JSON on stdout; non-finite numbers become `null`. */
export function printJson(value: unknown): void {
  console.log(
    JSON.stringify(value, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? null : v), 2),
  );
}

/**
 * Resolves a path the user typed. `deno task` runs commands from the project root, so a relative
 * path is taken relative to the directory the user ran the task from (`INIT_CWD`), when known.
 */
export function resolveUserPath(path: string): string {
  if (path.startsWith("/") || /^[A-Za-z]:[\\/]/.test(path)) return path;
  let base: string | undefined;
  try {
    base = Deno.env.get("INIT_CWD");
  } catch { /* no permission: fall back to the current directory */ }
  return base ? `${base.replace(/\/+$/, "")}/${path}` : path;
}

/**
 * Reads a whole-number flag: `fallback` when absent, otherwise an integer in [min, max], or a
 * {@link UsageError} that names the flag, the range and what was given.
 */
export function intFlag(
  value: string | undefined,
  flag: string,
  range: { min: number; max: number; fallback: number },
): number {
  if (value === undefined) return range.fallback;
  const n = value.trim() === "" ? NaN : Number(value);
  if (!Number.isInteger(n) || n < range.min || n > range.max) {
    throw new UsageError(
      `--${flag}: expected a whole number from ${range.min} to ${range.max}, got "${value}"`,
    );
  }
  return n;
}
