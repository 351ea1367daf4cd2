/**
 * Task output. Machine output: `--json` prints exactly one JSON document on standard output.
 * Human output: while a task runs without `--json`, {@link guardTerminalOutput} escapes terminal
 * control characters in everything it prints through `console`, so no file name, id, cell or
 * server text reaches the terminal raw, whichever table or message carries it.
 * @module
 */
import { escapeControls } from "../core/text.ts";

/** True when standard output is a terminal (tables and progress), false for pipes and files. */
export function stdoutIsTerminal(): boolean {
  return Deno.stdout.isTerminal();
}

/**
 * Writes a value as pretty JSON on stdout; non-finite numbers become `null`. JSON escapes
 * control characters itself, so untrusted text in `value` cannot reach the terminal raw.
 */
export function printJson(value: unknown): void {
  console.log(
    JSON.stringify(value, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? null : v), 2),
  );
}

const GUARDED = ["log", "info", "warn", "error", "debug"] as const;

/**
 * Until the returned function is called, `console.log`/`info`/`warn`/`error`/`debug` escape
 * terminal control characters (ESC, bell, CR, C1, bidi overrides; tabs and newlines kept) in
 * their string arguments. `runTask` installs it for every human-output run.
 */
export function guardTerminalOutput(): () => void {
  const saved = GUARDED.map((k) => [k, console[k]] as const);
  for (const [k, original] of saved) {
    console[k] = (...args: unknown[]) =>
      original.apply(console, args.map((a) => (typeof a === "string" ? escapeControls(a) : a)));
  }
  return () => {
    for (const [k, original] of saved) console[k] = original;
  };
}
