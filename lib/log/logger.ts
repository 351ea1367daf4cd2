/**
 * Structured logging: JSON lines to a file (`logs/mts.log` by default) and readable text on
 * standard error when it is a terminal. Fields whose names look secret are redacted.
 * @module
 */

/** Severity levels, lowest first. */
export type LogLevel = "debug" | "info" | "warn" | "error";

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const SECRET_KEY = /key|secret|token|password|authorization/i;

/** Where log records go. */
export interface LogOptions {
  level: LogLevel;
  /** JSON-lines file; `undefined` disables file logging. */
  file?: string;
  /** Text to stderr: `auto` only when stderr is a terminal. */
  console: "auto" | "always" | "never";
}

let options: LogOptions = { level: "info", console: "never" };
let fileHandle: Deno.FsFile | undefined;
let stderrIsTty = false;
const encoder = new TextEncoder();

/** Sets the log level and sinks for the whole process. Creates the log file's directory. */
export function configureLogging(opts: Partial<LogOptions>): void {
  closeLogging();
  options = { ...options, ...opts };
  stderrIsTty = Deno.stderr.isTerminal();
  if (options.file) {
    const dir = options.file.replace(/[/\\][^/\\]*$/, "");
    if (dir && dir !== options.file) Deno.mkdirSync(dir, { recursive: true });
    fileHandle = Deno.openSync(options.file, { append: true, create: true });
  }
}

/** Flushes and closes the log file. */
export function closeLogging(): void {
  fileHandle?.close();
  fileHandle = undefined;
}

function redact(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) {
    out[k] = SECRET_KEY.test(k) && v !== undefined && v !== null ? "(redacted)" : v;
  }
  return out;
}

/** A logger bound to a component name. */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

function write(level: LogLevel, component: string, msg: string, fields?: Record<string, unknown>) {
  if (RANK[level] < RANK[options.level]) return;
  const time = new Date().toISOString();
  const safe = fields ? redact(fields) : undefined;
  if (fileHandle) {
    const rec = { time, level, component, msg, ...(safe ?? {}) };
    fileHandle.writeSync(encoder.encode(JSON.stringify(rec) + "\n"));
  }
  if (options.console === "always" || (options.console === "auto" && stderrIsTty)) {
    const extra = safe && Object.keys(safe).length
      ? " " +
        Object.entries(safe).map(([k, v]) =>
          `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`
        ).join(" ")
      : "";
    Deno.stderr.writeSync(
      encoder.encode(
        `${time.slice(11, 19)} ${level.toUpperCase().padEnd(5)} [${component}] ${msg}${extra}\n`,
      ),
    );
  }
}

/** Returns a logger for `component` (e.g. `collector`, `importer`). */
export function getLogger(component: string): Logger {
  return {
    debug: (m, f) => write("debug", component, m, f),
    info: (m, f) => write("info", component, m, f),
    warn: (m, f) => write("warn", component, m, f),
    error: (m, f) => write("error", component, m, f),
  };
}
