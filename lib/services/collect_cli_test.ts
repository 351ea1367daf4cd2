import assert from "node:assert/strict";
import { TerminalProgress } from "./collect_cli.ts";

Deno.test("progress escapes control characters in labels and server messages", () => {
  const out: string[] = [];
  const p = new TerminalProgress(true, (t) => out.push(t));
  p.collect({ type: "item", index: 0, total: 1, label: "csv:evil\u001b]0;pwned\u0007" });
  p.net({ type: "retry", url: "http://x", attempt: 1, waitMs: 1000, reason: "HTTP 503\u001b[2J" });
  p.done();
  const text = out.join("");
  // the only escape sequences left are progress's own line clears
  // deno-lint-ignore no-control-regex
  assert.equal(text.replaceAll("\r\u001b[2K", "").search(/[\u0000-\u0008\u000b-\u001f]/), -1);
  assert.match(out[0], /\[1\/1\] csv:evil\\x1b\]0;pwned\\x07 …$/);
  assert.match(out[1], /\(retry 1 in 1 s \(HTTP 503\\x1b\[2J\)\)$/);
});

Deno.test("disabled progress writes nothing", () => {
  const out: string[] = [];
  const p = new TerminalProgress(false, (t) => out.push(t));
  p.collect({ type: "note", label: "a", message: "b" });
  p.done();
  assert.deepEqual(out, []);
});

Deno.test({
  name: "the first Ctrl-C aborts the run; a second one ends the process at once",
  ignore: Deno.build.os === "windows",
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "mts-sigint-" });
    try {
      const script = `${dir}/hang.ts`;
      const module = new URL("./collect_cli.ts", import.meta.url).href;
      await Deno.writeTextFile(
        script,
        `import { interruptSignal } from "${module}";
const i = interruptSignal();
i.signal.addEventListener("abort", () => console.log("aborted"));
console.log("ready");
setInterval(() => {}, 1000); // a run that does not finish after the abort
`,
      );
      const child = new Deno.Command("deno", {
        args: ["run", "-q", script],
        stdout: "piped",
        stderr: "null",
      }).spawn();
      const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
      let buffered = "";
      const next = async (): Promise<string | undefined> => {
        while (!buffered.includes("\n")) {
          const { value, done } = await lines.read();
          if (done) return undefined;
          buffered += value;
        }
        const i = buffered.indexOf("\n");
        const line = buffered.slice(0, i);
        buffered = buffered.slice(i + 1);
        return line.trim();
      };
      assert.equal(await next(), "ready");
      child.kill("SIGINT");
      assert.equal(await next(), "aborted");
      child.kill("SIGINT");
      const status = await child.status;
      assert.equal(status.signal, "SIGINT", `ended by the second SIGINT (code ${status.code})`);
      lines.releaseLock();
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
