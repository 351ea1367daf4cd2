/**
 * Paths the user types: input files taken relative to the directory the task was started from,
 * and one rule for every output flag (`--out`, `--dir`, `--record`, …): an output path must lie
 * where the task may write — with `deno task`, under the data directory or `reports/` — and
 * anything else is a usage error that names the flag and the path and says how to allow it,
 * instead of a raw permission error half-way through the work.
 * @module
 */
import { resolve } from "node:path";
import { safeEcho } from "../core/text.ts";
import { badFlag } from "./flags.ts";
import { invocationDir } from "../config/config.ts";

/**
 * Resolves a path the user typed. `deno task` runs commands from the project root, so a relative
 * path is taken relative to the directory the user ran the task from (`INIT_CWD`), when known.
 */
export function resolveUserPath(path: string): string {
  if (path.startsWith("/") || /^[A-Za-z]:[\\/]/.test(path)) return path;
  const base = invocationDir();
  return base ? `${base.replace(/\/+$/, "")}/${path}` : path;
}

/**
 * Resolves the input file a flag names and checks that it exists and may be read: a usage error
 * naming the flag and the path otherwise — "no such file", or, outside the folders the task's
 * permission set may read, how to allow it (not Deno's raw permission text).
 */
export async function inputFile(flag: string, expected: string, path: string): Promise<string> {
  const full = resolveUserPath(path);
  if (Deno.permissions.querySync({ name: "read", path: full }).state !== "granted") {
    badFlag(
      flag,
      expected,
      path,
      'outside the folders this task may read; run it with deno run -P=<task> --allow-read=<that path> tasks/<task>.ts, or add the path to the task\'s "read" list in deno.json',
    );
  }
  try {
    const info = await Deno.stat(full);
    if (!info.isFile) badFlag(flag, expected, path, "not a file");
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) badFlag(flag, expected, path, "no such file");
    throw e;
  }
  return full;
}

/** True when this process may write `path` (asked without prompting). */
export function mayWrite(path: string): boolean {
  return Deno.permissions.querySync({ name: "write", path }).state === "granted";
}

/** Options for {@link outputPath}. */
export interface OutputPathOptions {
  /** The task, for the hint (`deno run -P=<task> … tasks/<task>.ts`). */
  readonly task: string;
  /** The configured data directory (`DATA_DIR`). */
  readonly dataDir: string;
  /** `-` means standard output and is returned as is. */
  readonly allowStdout?: boolean;
  /** Write permission check (tests replace it). */
  readonly canWrite?: (absolutePath: string) => boolean;
}

/**
 * The absolute path for an output flag's value, or a usage error (exit 2) when the task may not
 * write there. The folders named in the message are those the task may write among the data
 * directory, `reports/` and `logs/`.
 *
 * @example
 * ```ts
 * import { outputPath } from "./paths.ts";
 * outputPath("out", "reports/run1", { task: "backtest", dataDir: "data", canWrite: () => true });
 * ```
 */
export function outputPath(flag: string, path: string, o: OutputPathOptions): string {
  if (o.allowStdout && path === "-") return path;
  const canWrite = o.canWrite ?? mayWrite;
  const abs = resolve(resolveUserPath(path));
  if (path.trim() !== "" && canWrite(abs)) return abs;
  const granted = [o.dataDir, "reports", "logs"].filter((d) => canWrite(resolve(d)));
  const shown = granted.filter((d) => d !== "logs").map((d) => `${d.replace(/\/+$/, "")}/`);
  const where = shown.length ? `under ${shown.join(" or ")}` : "where this task may write";
  badFlag(
    flag,
    `a path ${where}${o.allowStdout ? " (or - for standard output)" : ""}`,
    path,
    `to write elsewhere, grant it: deno run -P=${o.task} --allow-write=${
      [...granted, safeEcho(abs, 1000)].join(",")
    } tasks/${o.task}.ts …`,
  );
}
