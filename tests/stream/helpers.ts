/**
 * Shared setup of the stream tests: the three simulated markets, the environment that points the
 * task at them, and running `tasks/stream.ts` as a subprocess with the tests' own permissions.
 * @module
 */
import { SimExchange, type SimOptions } from "../helpers/exchange_sim.ts";

/** The simulated exchanges of one test. */
export interface Sims {
  readonly spot: SimExchange;
  readonly perp: SimExchange;
  readonly bybit: SimExchange;
  close(): Promise<void>;
}

/** Starts the three markets with the same symbols. */
export function startSims(
  symbols: readonly string[],
  o: Partial<Omit<SimOptions, "kind" | "symbols">> = {},
): Sims {
  const spot = new SimExchange({ kind: "binance-spot", symbols, ...o });
  const perp = new SimExchange({ kind: "binance-perp", symbols, ...o, seed: (o.seed ?? 7) + 1 });
  const bybit = new SimExchange({ kind: "bybit", symbols, ...o, seed: (o.seed ?? 7) + 2 });
  return {
    spot,
    perp,
    bybit,
    close: async () => {
      await Promise.all([spot.close(), perp.close(), bybit.close()]);
    },
  };
}

/** Environment pointing every endpoint at the simulators, with a throwaway database. */
export function simEnv(s: Sims, dir: string): Record<string, string> {
  return {
    BINANCE_BASE_URL: s.spot.url,
    BINANCE_WS_URL: s.spot.wsUrl,
    BINANCE_FUTURES_BASE_URL: s.perp.url,
    BINANCE_FUTURES_WS_URL: s.perp.wsUrl,
    BYBIT_BASE_URL: s.bybit.url,
    BYBIT_WS_URL: s.bybit.wsUrl,
    DATABASE_PATH: `${dir}/mts.db`,
    DATA_DIR: dir,
    LOG_FILE: "",
    REDIS_URL: "",
    NO_COLOR: "1",
  };
}

/** Runs `deno task stream` (the task script) with `args`; resolves with its output. */
/** SIGTERM `thenMs` after `when()` first holds (checked every 50 ms, for at most `maxMs`). */
export interface SignalWhen {
  readonly when: () => boolean;
  readonly thenMs: number;
  readonly maxMs?: number;
}

export async function runStream(
  args: string[],
  env: Record<string, string>,
  signalAfter?: number | SignalWhen,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const cmd = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-q",
      "--allow-net=127.0.0.1",
      "--allow-env",
      "--allow-read",
      "--allow-write",
      new URL("../../tasks/stream.ts", import.meta.url).pathname,
      ...args,
    ],
    env,
    stdout: "piped",
    stderr: "piped",
    cwd: new URL("../../", import.meta.url).pathname,
  });
  const child = cmd.spawn();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const term = () => {
    try {
      child.kill("SIGTERM");
    } catch { /* ended */ }
  };
  if (typeof signalAfter === "number") timer = setTimeout(term, signalAfter);
  else if (signalAfter !== undefined) {
    // a process that starts slowly on a loaded machine is signalled once it is really running
    const until = Date.now() + (signalAfter.maxMs ?? 30_000);
    const poll = () => {
      if (signalAfter.when() || Date.now() > until) timer = setTimeout(term, signalAfter.thenMs);
      else timer = setTimeout(poll, 50);
    };
    poll();
  }
  const out = await child.output();
  clearTimeout(timer);
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}
