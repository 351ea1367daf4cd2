/**
 * Keeps the project's promises to users checkable: every task is documented, least-privilege and
 * able to read every configuration variable; the README mentions every task and variable.
 */
import assert from "node:assert/strict";
import { VARIABLE_NAMES } from "../lib/config/variables.ts";

const root = new URL("../", import.meta.url);
const denoJson = JSON.parse(await Deno.readTextFile(new URL("deno.json", root)));
const tasks = denoJson.tasks as Record<string, { description: string; command: string }>;
const readme = await Deno.readTextFile(new URL("README.md", root));
/** The README plus every page of the manual under docs/. */
const manual = [
  readme,
  ...[...Deno.readDirSync(new URL("docs/", root))]
    .filter((e) => e.name.endsWith(".md"))
    .map((e) => Deno.readTextFileSync(new URL(`docs/${e.name}`, root))),
].join("\n");
const TOOLING = new Set(["test", "check", "bench", "compile"]);

Deno.test("every task has a description and runs a script in tasks/", () => {
  for (const [name, t] of Object.entries(tasks)) {
    assert.ok(t.description?.length > 10, `task ${name} needs a description`);
    if (TOOLING.has(name)) continue;
    assert.match(t.command, new RegExp(`tasks/${name}\\.ts`), `task ${name} runs tasks/${name}.ts`);
  }
});

Deno.test("every task may read every configuration variable, and nothing more", () => {
  for (const [name, t] of Object.entries(tasks)) {
    if (TOOLING.has(name)) continue;
    const m = /--allow-env=(\S+)/.exec(t.command);
    assert.ok(m, `task ${name} must name its variables with --allow-env=`);
    const allowed = new Set(m[1].split(","));
    const missing = VARIABLE_NAMES.filter((v) => !allowed.has(v));
    assert.deepEqual(missing, [], `task ${name} cannot read ${missing.join(", ")}`);
    assert.doesNotMatch(
      t.command,
      /--allow-all|\s-A\s|--allow-run|--allow-ffi/,
      `task ${name} asks too much`,
    );
    assert.match(t.command, /--allow-write=[\w,./-]+/, `task ${name} limits writes`);
  }
});

Deno.test("the README names every task and the manual documents every variable", () => {
  for (const name of Object.keys(tasks)) {
    assert.ok(readme.includes(`deno task ${name}`), `README lacks 'deno task ${name}'`);
  }
  for (const v of VARIABLE_NAMES) assert.ok(manual.includes(v), `README and docs/ lack ${v}`);
});

Deno.test("every file under tasks/ is a task in deno.json", () => {
  for (const e of Deno.readDirSync(new URL("tasks/", root))) {
    if (!e.name.endsWith(".ts")) continue;
    const name = e.name.replace(/\.ts$/, "");
    assert.ok(tasks[name], `tasks/${e.name} has no deno.json task`);
  }
});
