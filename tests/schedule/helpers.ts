/**
 * Helpers for the scheduler's end-to-end tests: a throwaway data directory, the environment that
 * points every API at the local fake market, and `deno task schedule` spawned with its own
 * permission set plus loopback, its stdout read line by line as it comes.
 * @module
 */
import { SqliteStore } from "../../lib/storage/sqlite_store.ts";
import { taskArgs } from "../helpers/task_permissions.ts";

/** The project root (tasks run from there, as `deno task` does). */
export const ROOT = new URL("../../", import.meta.url).pathname;

/** A throwaway data directory under data/ with its database; `cleanup` removes it. */
export function sandbox(prefix = "test-schedule") {
  const dir = `data/${prefix}-${crypto.randomUUID().slice(0, 8)}`;
  return {
    dir,
    env: { DATABASE_PATH: `${dir}/mts.db`, DATA_DIR: dir, LOG_FILE: "", NO_COLOR: "1" },
    open: () => SqliteStore.open(`${ROOT}${dir}/mts.db`),
    cleanup: () => Deno.remove(`${ROOT}${dir}`, { recursive: true }).catch(() => {}),
  };
}

/** Every API base URL at the fake market `url`, no keys, short timeouts. */
export function marketEnv(url: string): Record<string, string> {
  return {
    COINGECKO_BASE_URL: `${url}/api/v3`,
    COINGECKO_PRO_BASE_URL: `${url}/api/v3`,
    BINANCE_BASE_URL: url,
    FRED_BASE_URL: `${url}/fred`,
    CBOE_VIX_URL: `${url}/cboe/VIX_History.csv`,
    COINGECKO_API_KEY: "",
    FRED_API_KEY: "",
    REDIS_URL: "",
    HTTP_TIMEOUT_MS: "20000",
    HTTP_BACKOFF_BASE_MS: "50",
    COLLECT_ASSETS: "bitcoin,ethereum",
    // the public plan's 10 calls/min would space the two assets' requests 6 s apart
    COINGECKO_RATE_LIMIT_PER_MIN: "6000",
  };
}

/** A running `deno task schedule`: its stdout lines so far, and a way to wait for more. */
export class ScheduleProcess {
  readonly child: Deno.ChildProcess;
  /** Every complete stdout line so far. */
  readonly lines: string[] = [];
  #stderr = "";
  readonly #reading: Promise<void>;
  readonly #errReading: Promise<void>;
  #waiters: (() => void)[] = [];

  constructor(args: string[], env: Record<string, string>) {
    this.child = new Deno.Command("deno", {
      args: [...taskArgs("schedule", { loopback: true }), ...args],
      cwd: ROOT,
      env,
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#reading = this.#read();
    this.#errReading = this.#readErr();
  }

  async #readErr(): Promise<void> {
    for await (const chunk of this.child.stderr.pipeThrough(new TextDecoderStream())) {
      this.#stderr += chunk;
    }
  }

  async #read(): Promise<void> {
    let buf = "";
    for await (const chunk of this.child.stdout.pipeThrough(new TextDecoderStream())) {
      buf += chunk;
      let i;
      while ((i = buf.indexOf("\n")) >= 0) {
        this.lines.push(buf.slice(0, i));
        buf = buf.slice(i + 1);
      }
      this.#waiters.splice(0).forEach((w) => w());
    }
    this.#waiters.splice(0).forEach((w) => w());
  }

  /** Standard error so far. */
  get stderr(): string {
    return this.#stderr;
  }

  /** The stdout lines parsed as JSON. */
  json(): Record<string, unknown>[] {
    return this.lines.filter((l) => l.trim()).map((l) => JSON.parse(l));
  }

  /** Waits until `ok(lines)` holds (checked on every new line), failing after `ms`. */
  async waitFor(ok: (lines: readonly string[]) => boolean, what: string, ms = 60_000) {
    const deadline = Date.now() + ms;
    while (!ok(this.lines)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; stderr: ${this.#stderr}`);
      let timer: ReturnType<typeof setTimeout> | undefined;
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        timer = setTimeout(resolve, Math.min(left, 1_000));
      });
      clearTimeout(timer);
    }
  }

  /** Waits for the process to end and its output to be read; returns its exit code. */
  async exit(): Promise<number> {
    const status = await this.child.status;
    await this.#reading;
    await this.#errReading;
    return status.code;
  }
}

/** Runs `deno task schedule …` to its end. */
export async function runSchedule(args: string[], env: Record<string, string>) {
  const p = new ScheduleProcess(args, env);
  const code = await p.exit();
  return { code, stdout: p.lines.join("\n"), stderr: p.stderr, lines: p.lines };
}

/** The keys of a finished run's line, in the order `--json` prints them. */
export const FINISHED_KEYS = [
  "job",
  "slot",
  "start",
  "end",
  "outcome",
  "catchUp",
  "missedSlots",
  "attempts",
];
