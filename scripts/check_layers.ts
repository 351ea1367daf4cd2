/**
 * The layer check of `deno task check`: the module graph against the layer table, no import
 * cycles, purity of the pure layers, edge-only Deno APIs, and no function in `lib/` over 100
 * lines. Rules and how they are enforced: docs/architecture.md, "Layers and how they are checked".
 *
 *   deno run --allow-read=. --allow-run=deno scripts/check_layers.ts [--root dir] [--verbose]
 *
 * Exit 0 when clean, 1 on violations (one `file:line: rule: message` line each), 2 on bad flags.
 * @module
 */
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { checkTree } from "./layers/check.ts";
import { KNOWN_VIOLATIONS } from "./layers/known_violations.ts";
import { formatViolation } from "./layers/violation.ts";

/** The project this script belongs to: its allowlist applies to it alone. */
const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

const HELP = `Usage: check_layers.ts [--root <dir>] [--verbose]
  --root <dir>  project to check (default: the current directory); KNOWN_VIOLATIONS
                applies only to this project
  --verbose     also list the violations KNOWN_VIOLATIONS still allows`;

/** Runs the check; returns the exit code. */
export async function main(args: string[]): Promise<number> {
  let flags;
  try {
    flags = parseArgs({
      args,
      options: {
        root: { type: "string", default: "." },
        verbose: { type: "boolean", default: false },
        help: { type: "boolean", default: false },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (e) {
    console.error(`check_layers: ${(e as Error).message} (see --help)`);
    return 2;
  }
  if (flags.help) {
    console.log(HELP);
    return 0;
  }
  let result;
  try {
    const known = resolve(flags.root) === PROJECT_ROOT ? KNOWN_VIOLATIONS : [];
    result = await checkTree(flags.root, known);
  } catch (e) {
    console.error(`check_layers: ${(e as Error).message}`);
    return 1;
  }
  return report(result, flags.verbose);
}

function report(result: Awaited<ReturnType<typeof checkTree>>, verbose: boolean): number {
  const { files, violations, allowed, stale } = result;
  for (const v of violations) console.error(formatViolation(v));
  for (const k of stale) {
    console.error(
      `scripts/layers/known_violations.ts: stale-entry: ${k.rule} ${k.file} "${k.key}" no longer ` +
        "occurs: delete this KNOWN_VIOLATIONS entry",
    );
  }
  if (verbose) { for (const v of allowed) console.log(`allowed: ${formatViolation(v)}`); }
  const note = allowed.length
    ? `; ${allowed.length} known violation(s) still allowed by KNOWN_VIOLATIONS ` +
      "(scripts/layers/known_violations.ts, temporary; --verbose lists them)"
    : "";
  if (violations.length || stale.length) {
    console.error(
      `layer check: ${violations.length} violation(s), ${stale.length} stale allowlist ` +
        `entr${stale.length === 1 ? "y" : "ies"} in ${files.length} files${note}`,
    );
    return 1;
  }
  console.log(`layer check: ok (${files.length} files${note})`);
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
