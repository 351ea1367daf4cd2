/**
 * Runs `deno task <name>` end-to-end against a throw-away database under data/.
 * @module
 */

/** Repository root. */
export const ROOT = new URL("../../", import.meta.url).pathname;
/** Shared reference data (absent in a user's clone). */
export const REFERENCE = new URL("../../../shared/reference/", import.meta.url).pathname;

/** True when the reference folder exists. */
export function haveReference(): boolean {
  try {
    Deno.statSync(REFERENCE);
    return true;
  } catch {
    return false;
  }
}

/** A temporary database directory under data/ and a runner bound to it. */
export function taskEnv() {
  const dir = `data/test-${crypto.randomUUID().slice(0, 8)}`;
  Deno.mkdirSync(`${ROOT}${dir}`, { recursive: true });
  const env = { DATABASE_PATH: `${dir}/mts.db`, LOG_FILE: "", NO_COLOR: "1" };
  return {
    dir,
    async run(task: string, args: string[]) {
      const out = await new Deno.Command("deno", {
        args: ["task", "-q", task, ...args],
        cwd: ROOT,
        env,
        stdout: "piped",
        stderr: "piped",
      }).output();
      const dec = new TextDecoder();
      return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
    },
    cleanup() {
      Deno.removeSync(`${ROOT}${dir}`, { recursive: true });
    },
  };
}
