/**
 * `deno task serve` as a subprocess (its permission set plus loopback, for port 0 and the tests'
 * fixture servers), and `promtool check metrics` over an exposition text.
 * @module
 */
import { taskArgs } from "../helpers/task_permissions.ts";
import { ROOT } from "../schedule/helpers.ts";
import { SECRET } from "./helpers.ts";

/** Spawns the serve task; resolves once it printed where it listens. */
export async function spawnServe(env: Record<string, string>, extra: string[] = []) {
  const child = new Deno.Command("deno", {
    args: [...taskArgs("serve", { loopback: true }), "--port", "0", "--json", ...extra],
    cwd: ROOT,
    env: { API_SECRET_KEY: SECRET, REDIS_URL: "", ...env },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buf = "";
  while (!buf.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += value;
  }
  const rest = (async () => {
    let text = buf.slice(buf.indexOf("\n") + 1);
    while (true) {
      const { value, done } = await reader.read();
      if (done) return text;
      text += value;
    }
  })();
  const stderr = new Response(child.stderr).text();
  let url: string;
  try {
    url = JSON.parse(buf.split("\n")[0]).listening;
  } catch {
    child.kill("SIGKILL");
    throw new Error(`serve did not start: ${buf} ${await stderr}`);
  }
  return { child, url, rest, stderr };
}

/** `promtool check metrics` over `text`: its exit code and output. */
export async function promtool(text: string): Promise<{ code: number; output: string }> {
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command("promtool", {
      args: ["check", "metrics"],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  } catch {
    throw new Error("promtool not found: apt-get install prometheus (it ships promtool)");
  }
  const w = child.stdin.getWriter();
  await w.write(new TextEncoder().encode(text));
  await w.close();
  const out = await child.output();
  const dec = new TextDecoder();
  return { code: out.code, output: dec.decode(out.stdout) + dec.decode(out.stderr) };
}
