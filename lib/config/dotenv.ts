/**
 * The `.env` file: read by the config layer itself (not Deno's `--env-file`), so that a missing
 * file is silent and harmless — no warning on every run, no failure under `npx` — while a broken
 * line is an error that says `file:line`. Variables set in the shell win over the file.
 *
 * Syntax (the dotenv subset mts documents): `NAME=value`, optionally prefixed with `export `;
 * blank lines and lines starting with `#` are ignored; an unquoted value ends at ` #`; values may
 * be wrapped in single quotes (taken literally) or double quotes (`\n`, `\t`, `\"`, `\\` escapes).
 * @module
 */
import { ConfigError } from "../core/errors.ts";

/** One `NAME=value` assignment and the line it came from. */
export interface DotenvEntry {
  /** The variable's name. */
  readonly name: string;
  /** Its value, unquoted. */
  readonly value: string;
  /** 1-based line number in the file. */
  readonly line: number;
}

const LINE = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/;
const ESCAPES: Record<string, string> = { n: "\n", r: "\r", t: "\t", '"': '"', "\\": "\\" };

function unquote(raw: string, where: string): string {
  if (raw.startsWith("'")) {
    const end = raw.indexOf("'", 1);
    if (end < 0) throw new ConfigError(`${where}: unterminated single quote`);
    return raw.slice(1, end);
  }
  if (raw.startsWith('"')) {
    let out = "";
    for (let i = 1; i < raw.length; i++) {
      const c = raw[i];
      if (c === '"') return out;
      if (c === "\\" && i + 1 < raw.length) out += ESCAPES[raw[++i]] ?? `\\${raw[i]}`;
      else out += c;
    }
    throw new ConfigError(`${where}: unterminated double quote`);
  }
  return raw.replace(/\s+#.*$/, "").trim();
}

/**
 * Parses `.env` text into its assignments, in file order. A line that is not an assignment,
 * a comment or blank is a {@link ConfigError} naming `file:line`.
 *
 * @example
 * ```ts
 * import { parseDotenv } from "./dotenv.ts";
 * parseDotenv("# keys\nFRED_API_KEY=abc # mine\n", ".env");
 * // [{ name: "FRED_API_KEY", value: "abc", line: 2 }]
 * ```
 */
export function parseDotenv(text: string, file: string): DotenvEntry[] {
  const out: DotenvEntry[] = [];
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const where = `${file}:${i + 1}`;
    const m = LINE.exec(line);
    // the line itself is not echoed: it may hold a secret
    if (!m) throw new ConfigError(`${where}: expected NAME=value or a # comment`);
    out.push({ name: m[1], value: unquote(m[2], where), line: i + 1 });
  });
  return out;
}

/**
 * Reads and parses `path`. A missing file, or one the task was not granted (`--allow-read`), is
 * no file: `[]`. Anything else that prevents reading it (a directory, no OS permission, bad
 * UTF-8) is a {@link ConfigError}.
 */
export function readDotenv(path: string): DotenvEntry[] {
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound || e instanceof Deno.errors.NotCapable) return [];
    throw new ConfigError(`Cannot read ${path}: ${(e as Error).message}`);
  }
  return parseDotenv(text, path);
}
