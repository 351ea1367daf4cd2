/**
 * Structured logging: JSON lines to a file (`logs/mts.log` by default) and readable text on
 * standard error when it is a terminal.
 *
 * Both sinks redact: fields whose names look secret (`apiKey`, `password`, …) are replaced, and
 * every text — the message and each string field — goes through the configured redactor, which
 * removes the values of the configured secrets wherever they appear (a server may echo a key in
 * its error body). The terminal sink also escapes control characters, so a message carrying an
 * id or a server response cannot rewrite the terminal.
 * @module
 */
import { escapeControls } from "../core/text.ts";

/** Severity levels, lowest first. */
export type LogLevel = "debug" | "info" | "warn" | "error";

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const SECRET_KEY = /key|secret|token|password|authorization/i;

/** Where log records go. */
export interface LogOptions {
  /** Records below this level are dropped. */
  level: LogLevel;
  /** JSON-lines file; `undefined` disables file logging. */
  file?: string;
  /** Text to stderr: `auto` only when stderr is a terminal. */
  console: "auto" | "always" | "never";
  /** Removes configured secrets from every text logged (see `lib/config/redact.ts`). */
  redact?: (text: string) => string;
  /** Where terminal lines go (default standard error; tests capture them). */
  writeConsole?: (line: string) => void;
}

let options: LogOptions = { level: "info", console: "never" };
let fileHandle: Deno.FsFile | undefined;
let stderrIsTty = false;
const encoder = new TextEncoder();

/** Sets the log level and sinks for the whole process. Creates the log file's directory. */
export function configureLogging(opts: Partial<LogOptions>): void {
  closeLogging();
  options = { level: "info", console: "never", ...opts };
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

/** Redacts one value: strings through the redactor, arrays and objects element by element. */
function redactValue(v: unknown, redact: (t: string) => string): unknown {
  if (typeof v === "string") return redact(v);
  if (Array.isArray(v)) return v.map((x) => redactValue(x, redact));
  if (v && typeof v === "object" && !(v instanceof Date)) {
    return redactFields(v as Record<string, unknown>, redact);
  }
  return v;
}

function redactFields(
  fields: Record<string, unknown>,
  redact: (t: string) => string,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) {
    out[k] = SECRET_KEY.test(k) && v !== undefined && v !== null
      ? "(redacted)"
      : redactValue(v, redact);
  }
  return out;
}

/** A logger bound to a component name. */
export interface Logger {
  /** Detail for debugging a run. */
  debug(msg: string, fields?: Record<string, unknown>): void;
  /** What a run did. */
  info(msg: string, fields?: Record<string, unknown>): void;
  /** Something went wrong but the run goes on. */
  warn(msg: string, fields?: Record<string, unknown>): void;
  /** The run (or a part of it) failed. */
  error(msg: string, fields?: Record<string, unknown>): void;
}

function consoleLine(
  time: string,
  level: LogLevel,
  component: string,
  msg: string,
  fields?: Record<string, unknown>,
): string {
  const extra = fields && Object.keys(fields).length
    ? " " +
      Object.entries(fields).map(([k, v]) =>
        `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`
      )
        .join(" ")
    : "";
  const text = escapeControls(`${msg}${extra}`, { singleLine: true });
  return `${time.slice(11, 19)} ${level.toUpperCase().padEnd(5)} [${component}] ${text}\n`;
}

function write(level: LogLevel, component: string, msg: string, fields?: Record<string, unknown>) {
  if (RANK[level] < RANK[options.level]) return;
  const time = new Date().toISOString();
  const redact = options.redact ?? ((t: string) => t);
  const safeMsg = redact(msg);
  const safe = fields ? redactFields(fields, redact) : undefined;
  if (fileHandle) {
    // JSON.stringify escapes control characters itself: the file stays one record per line
    const rec = { time, level, component, msg: safeMsg, ...(safe ?? {}) };
    fileHandle.writeSync(encoder.encode(JSON.stringify(rec) + "\n"));
  }
  if (options.console === "always" || (options.console === "auto" && stderrIsTty)) {
    const line = consoleLine(time, level, component, safeMsg, safe);
    if (options.writeConsole) options.writeConsole(line);
    else Deno.stderr.writeSync(encoder.encode(line));
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
