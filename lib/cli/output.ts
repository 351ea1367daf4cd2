/**
 * Machine output: `--json` prints exactly one JSON document on standard output.
 * @module
 */

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
