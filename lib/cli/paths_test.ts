import assert from "node:assert/strict";
import { resolve } from "node:path";
import { UsageError } from "../core/errors.ts";
import { inputFile, outputPath } from "./paths.ts";

// The production permission sets grant writes to data/, logs/ and reports/ of the project.
const granted = ["data", "logs", "reports"].map((d) => resolve(d));
const canWrite = (p: string) => granted.some((g) => p === g || p.startsWith(g + "/"));
const opts = { task: "backtest", dataDir: "data", canWrite };

Deno.test("an output path under data/ or reports/ resolves to an absolute path", () => {
  assert.equal(outputPath("out", "reports/run1", opts), resolve("reports/run1"));
  assert.equal(outputPath("out", "data/x/y.csv", opts), resolve("data/x/y.csv"));
  assert.equal(outputPath("out", "-", { ...opts, allowStdout: true }), "-");
});

Deno.test("any other output path is one usage error naming the flag, the path and the way to allow it", () => {
  assert.throws(
    () => outputPath("dir", "/outside/backups", { ...opts, task: "export" }),
    (e: unknown) => {
      assert.ok(e instanceof UsageError);
      assert.equal(
        e.message,
        '--dir: expected a path under data/ or reports/, got "/outside/backups" (to write ' +
          "elsewhere, grant it: deno run -P=export --allow-write=data,reports,logs,/outside/backups " +
          "tasks/export.ts …)",
      );
      return true;
    },
  );
  assert.throws(() => outputPath("out", "reportsX/a", opts), /--out: expected a path under/);
  assert.throws(() => outputPath("out", "-", opts), /--out: expected a path under/);
  assert.throws(() => outputPath("out", "", opts), /--out: expected a path under/);
});

Deno.test("a path the task was granted explicitly (e.g. deno run -A) is accepted", () => {
  assert.equal(outputPath("out", "/tmp/x", { ...opts, canWrite: () => true }), "/tmp/x");
});

Deno.test("inputFile: a missing file, a folder and an unreadable place are usage errors naming the flag and the path", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/rec.jsonl`, "{}\n");
    assert.equal(await inputFile("replay", "a recording", `${dir}/rec.jsonl`), `${dir}/rec.jsonl`);
    await assert.rejects(
      inputFile("replay", "a recording", `${dir}/missing.jsonl`),
      (e) =>
        e instanceof UsageError &&
        e.message === `--replay: expected a recording, got "${dir}/missing.jsonl" (no such file)`,
    );
    await assert.rejects(
      inputFile("replay", "a recording", dir),
      (e) => e instanceof UsageError && e.message.endsWith("(not a file)"),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "inputFile: outside the readable folders the error says how to allow it, not Deno's text",
  permissions: { read: ["."] },
  fn: async () => {
    await assert.rejects(
      inputFile("replay", "a recording", "/nonexistent-outside/rec.jsonl"),
      (e) =>
        e instanceof UsageError && e.message.includes("outside the folders this task may read") &&
        e.message.includes("--allow-read=") && !e.message.includes("run again with"),
    );
  },
});
