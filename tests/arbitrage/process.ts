/**
 * `deno task arbitrage` spawned with its own permission set plus loopback, from the project root,
 * its stdout read line by line as it comes.
 * @module
 */
import { taskArgs } from "../helpers/task_permissions.ts";

/** The project root. */
export const ROOT = new URL("../../", import.meta.url).pathname;

/** A running task. */
export class ArbitrageProcess {
  readonly child: Deno.ChildProcess;
  readonly lines: string[] = [];
  stderr = "";
  readonly #done: Promise<unknown>;

  constructor(args: string[], env: Record<string, string>) {
    this.child = new Deno.Command("deno", {
      args: [...taskArgs("arbitrage", { loopback: true }), ...args],
      cwd: ROOT,
      env: { LOG_FILE: "", NO_COLOR: "1", ...env },
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#done = Promise.all([this.#read(), this.#readErr()]);
  }

  async #read() {
    let buf = "";
    for await (const chunk of this.child.stdout.pipeThrough(new TextDecoderStream())) {
      buf += chunk;
      let i;
      while ((i = buf.indexOf("\n")) >= 0) {
        this.lines.push(buf.slice(0, i));
        buf = buf.slice(i + 1);
      }
    }
  }

  async #readErr() {
    for await (const chunk of this.child.stderr.pipeThrough(new TextDecoderStream())) {
      this.stderr += chunk;
    }
  }

  /** JSON lines so far. */
  events(): Record<string, unknown>[] {
    return this.lines.filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
  }

  /** Waits until `pred` holds for some line (polling), or fails after `ms`. */
  async waitFor(
    pred: (e: Record<string, unknown>) => boolean,
    ms = 20_000,
    poke?: () => Promise<void>,
  ) {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      const hit = this.events().find(pred);
      if (hit) return hit;
      await poke?.();
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out; stdout:\n${this.lines.join("\n")}\nstderr:\n${this.stderr}`);
  }

  /** Waits for the exit; the code and all output. */
  async exit(): Promise<{ code: number; stdout: string; stderr: string }> {
    const s = await this.child.status;
    await this.#done;
    return { code: s.code, stdout: this.lines.join("\n"), stderr: this.stderr };
  }
}

/** Runs the task to its end. */
export function runTask(args: string[], env: Record<string, string>) {
  return new ArbitrageProcess(args, env).exit();
}
