/** Helpers of the optimiser tests: CSV files under data/test-<random>/ and the spawned task. */
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const DAY = 86_400_000;

/** A fresh directory under data/ (the task may write there), removed after `fn`. */
export async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = `${ROOT}data/test-opt-${crypto.randomUUID().slice(0, 8)}`;
  Deno.mkdirSync(dir, { recursive: true });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/**
 * Writes daily OHLCV bars from `start` (YYYY-MM-DD): each bar opens at the previous close (the
 * first at its own close), high / low are the larger / smaller of open and close.
 */
export function writeBars(path: string, start: string, closes: readonly number[]): void {
  const t0 = Date.parse(`${start}T00:00:00Z`);
  const lines = ["date,open,high,low,close,volume"];
  closes.forEach((c, i) => {
    const o = i === 0 ? c : closes[i - 1];
    const day = new Date(t0 + i * DAY).toISOString().slice(0, 10);
    lines.push(`${day},${o},${Math.max(o, c)},${Math.min(o, c)},${c},1000`);
  });
  Deno.writeTextFileSync(path, lines.join("\n") + "\n");
}

/** The output of a spawned task. */
export interface TaskOut {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `deno task <name> <args>` as a user would (its deno.json permission set). With `--data`
 * and no `--asset`, the file's asset is named `test` (a test file's name says nothing).
 */
export async function task(name: string, args: string[], dir: string): Promise<TaskOut> {
  const asset = args.includes("--data") && !args.includes("--asset") ? ["--asset", "test"] : [];
  const out = await new Deno.Command("deno", {
    args: ["task", "-q", name, ...args, ...asset],
    cwd: ROOT,
    env: { DATABASE_PATH: `${dir}/mts.db`, LOG_FILE: "", NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** Runs `deno task optimize … --json` and parses its document (failing loudly otherwise). */
export async function optimizeJson(args: string[], dir: string) {
  const r = await task("optimize", [...args, "--json"], dir);
  if (r.code !== 0) throw new Error(`optimize exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}
