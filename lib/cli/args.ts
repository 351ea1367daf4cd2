/**
 * Strict command-line parsing for every task: `node:util` `parseArgs` in strict mode, plus the two
 * habits of the seed's argparse CLI — space-separated list flags (`--assets bitcoin ethereum`
 * means `--assets bitcoin,ethereum`) and negative numbers as values (`--risk-free -0.01`).
 * Mistakes become a {@link UsageError} that names the flag.
 * @module
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "../core/errors.ts";
import { safeEcho } from "../core/text.ts";
import { closestName } from "../config/suggest.ts";

/** Flag declarations, as `node:util` `parseArgs` takes them. */
export type FlagOptions = NonNullable<ParseArgsConfig["options"]>;

type Parsed<O extends FlagOptions> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O; strict: true; allowPositionals: true }>
>;

/** The parsed values of `O`: strings, booleans or arrays by each flag's declaration. */
export type FlagValues<O extends FlagOptions> = Parsed<O>["values"];

/** Options for {@link parseFlags}. */
export interface ParseFlagsOptions {
  /** Flags (names without dashes) whose space-separated values join into one `a,b` value. */
  readonly lists?: readonly string[];
  /** Accept arguments that are not flags (default: refused). */
  readonly positionals?: boolean;
}

/**
 * Rewrites `args` so that the words after a list flag (up to the next argument that starts with
 * `-`) join into one comma-separated value, and a negative number after a string flag stays its
 * value: `["--assets", "a", "b", "--capital", "-5"]` becomes `["--assets=a,b", "--capital=-5"]`.
 * Everything after `--` is kept as it is.
 */
export function normalizeArgs(
  args: readonly string[],
  options: FlagOptions,
  lists: readonly string[] = [],
): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--") {
      out.push(...args.slice(i));
      break;
    }
    const eq = a.indexOf("=");
    const name = a.startsWith("--") ? a.slice(2, eq > 0 ? eq : undefined) : undefined;
    if (name === undefined || options[name]?.type !== "string") {
      out.push(a);
      continue;
    }
    const values = eq > 0 ? [a.slice(eq + 1)] : [];
    if (lists.includes(name)) {
      while (i + 1 < args.length && !args[i + 1].startsWith("-")) values.push(args[++i]);
    } else if (eq < 0 && /^-\.?\d/.test(args[i + 1] ?? "")) {
      values.push(args[++i]);
    }
    out.push(values.length ? `--${name}=${values.join(",")}` : a);
  }
  return out;
}

/**
 * Parses `args` strictly against `options`: unknown flags, missing values, values given to
 * boolean flags and (unless allowed) positional arguments are a {@link UsageError} naming the
 * flag, with the closest known flag suggested for a typo.
 *
 * @example
 * ```ts
 * import { parseFlags } from "./args.ts";
 * const { values } = parseFlags(["--assets", "a", "b"], { assets: { type: "string" } }, {
 *   lists: ["assets"],
 * });
 * values.assets; // "a,b"
 * ```
 */
export function parseFlags<O extends FlagOptions>(
  args: readonly string[],
  options: O,
  opts: ParseFlagsOptions = {},
): { values: FlagValues<O>; positionals: string[] } {
  try {
    const r = parseArgs({
      args: normalizeArgs(args, options, opts.lists),
      options,
      strict: true,
      allowPositionals: opts.positionals ?? false,
    });
    return { values: r.values as FlagValues<O>, positionals: r.positionals };
  } catch (e) {
    throw new UsageError(usageMessage(e as Error & { code?: string }, options));
  }
}

function usageMessage(e: Error & { code?: string }, options: FlagOptions): string {
  const quoted = /'([^']+)'/.exec(e.message)?.[1] ?? "";
  const flag = quoted.split(" ")[0];
  switch (e.code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION": {
      const near = closestName(flag.replace(/^-+/, ""), Object.keys(options));
      return `${safeEcho(flag)}: unknown flag${near ? ` (did you mean --${near}?)` : ""}`;
    }
    case "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL":
      return `unexpected argument "${safeEcho(quoted)}" (flags start with --)`;
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
      return /does not take an argument/.test(e.message)
        ? `${flag}: takes no value`
        : `${flag}: expected a value`;
    default:
      return safeEcho(e.message);
  }
}
