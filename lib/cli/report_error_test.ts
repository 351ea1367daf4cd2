import assert from "node:assert/strict";
import { ConfigError, UsageError } from "../core/errors.ts";
import { reportError } from "./report_error.ts";

function capture(fn: () => number): { code: number; lines: string[] } {
  const lines: string[] = [];
  const orig = console.error;
  console.error = (...a: unknown[]) => lines.push(a.join(" "));
  try {
    return { code: fn(), lines };
  } finally {
    console.error = orig;
  }
}

Deno.test("a usage error is one line and exit 2; anything else exit 1", () => {
  const usage = capture(() => reportError("demo", new UsageError("--days: expected …")));
  assert.equal(usage.code, 2);
  assert.deepEqual(usage.lines, ["mts demo: --days: expected … (see --help)"]);
  const config = capture(() => reportError("demo", new ConfigError("LOG_LEVEL: expected …")));
  assert.equal(config.code, 1);
  assert.deepEqual(config.lines, ["mts demo: LOG_LEVEL: expected …"]);
  const other = capture(() => reportError("demo", new TypeError("boom")));
  assert.deepEqual([other.code, other.lines], [1, ["mts demo: TypeError: boom"]]);
});

Deno.test("the reason is redacted, control characters escaped and newlines kept off the line", () => {
  const secret = "CG-very-secret-key";
  const redact = (t: string) => t.replaceAll(secret, "***");
  const r = capture(() =>
    reportError("collect", new Error(`HTTP 401: key ${secret}\u001b[2J\nsecond`), redact)
  );
  assert.deepEqual(r.lines, ["mts collect: Error: HTTP 401: key ***\\x1b[2J\\nsecond"]);
});

Deno.test("a permission error says where permissions are defined, without Deno's flag advice", () => {
  const e = new Deno.errors.NotCapable(
    'Requires write access to "/tmp/x", run again with the --allow-write flag',
  );
  const r = capture(() => reportError("export", e));
  assert.equal(r.code, 1);
  assert.deepEqual(r.lines, [
    'mts export: write access to "/tmp/x" is not granted by this task\'s permission set in ' +
    'deno.json (see docs/configuration.md, "Permissions")',
  ]);
});
