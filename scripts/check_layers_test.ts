/**
 * The layer check against probe modules written into a temporary project tree: each probe breaks
 * one rule and must fail the check with its file, line and rule; a module full of look-alikes
 * (names in comments, strings, regexes, properties and types) must pass; and the real tree passes
 * with only the temporary allowlist.
 */
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { main } from "./check_layers.ts";
import { checkTree } from "./layers/check.ts";
import type { KnownViolation } from "./layers/known_violations.ts";
import { formatViolation, type RuleId, type Violation } from "./layers/violation.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

/** The probes: path → lines. Comments name the line each expected violation is on. */
const PROBES: Record<string, string[]> = {
  "lib/engine/engine.ts": ["export const runBacktest = () => 1;"],
  "lib/core/probe_engine.ts": [
    "// core must not depend on the engine",
    'import { runBacktest } from "../engine/engine.ts";', // 2: layer-import
    "export const x = runBacktest();",
  ],
  "lib/engine/probe_redis.ts": [
    "/* a pure module reaching for a database client */",
    'import Redis from "ioredis";', // 2: npm-package
    "export const r = Redis;",
  ],
  "lib/signals/probe_clock.ts": [
    "export function stamp(): string {",
    "  return Date();", // 2: purity Date()
    "}",
  ],
  "lib/report/probe_now.ts": ["const clock = Date.now;", "export const t = clock();"], // 1
  "lib/indicators/probe_new_date.ts": [
    "export const a = new Date();", // 1: purity new Date()
    "export const b = new Date;", // 2: purity new Date()
  ],
  "strategies/probe_random.ts": ["export const pick = () => Math.random();"], // 1
  "lib/core/probe_deno.ts": [
    "export async function load(p: string) {",
    "  return await Deno.readTextFile(p);", // 2: purity Deno.readTextFile
    "}",
  ],
  "lib/engine/probe_fetch.ts": ["export const get = (u: string) => fetch(u);"], // 1
  "lib/sample/probe_console.ts": ["export function say(s: string) {", "  console.log(s);", "}"],
  "lib/report/probe_performance.ts": ["export const t = () => performance.now();"], // 1
  "lib/signals/probe_global.ts": ["export const f = globalThis.fetch;"], // 1: purity globalThis
  "lib/engine/probe_meta.ts": ["export const here = import.meta.url;"], // 1: purity import.meta
  "lib/core/probe_extends.ts": [
    "interface Opened { open(): void }",
    "export class Socket extends WebSocket implements Opened { open() {} }", // 2: purity
  ],
  "lib/indicators/probe_node_fs.ts": ['import { readFileSync } from "node:fs";', "export {};"],
  "lib/engine/probe_node_random.ts": [
    'import { createHash, randomBytes } from "node:crypto";', // 1: node-module randomBytes
    "export const h = () => createHash('sha256').update(randomBytes(4)).digest('hex');",
  ],
  "lib/storage/store.ts": ["export interface Store { x: number }"],
  "lib/clients/probe/client.ts": [
    'import type { Store } from "../../storage/store.ts";', // 1: layer-import (rule 3)
    "export type S = Store;",
  ],
  "lib/clients/api.ts": ["export const api = 1;"],
  "lib/storage/probe_clients.ts": ['import { api } from "../clients/api.ts";', "export { api };"],
  "tasks/t.ts": ["export const t = 1;"],
  "tasks/probe_task_import.ts": ['import { t } from "./t.ts";', "export { t };"], // 1
  "lib/services/probe_tasks.ts": ['import { t } from "../../tasks/t.ts";', "export { t };"],
  "tests/helper.ts": ["export const h = 1;"],
  "lib/services/probe_tests.ts": ['import { h } from "../../tests/helper.ts";', "export { h };"],
  "strategies/s.ts": ["export const s = 1;"],
  "lib/signals/probe_strategies.ts": ['import { s } from "../../strategies/s.ts";', "export {s};"],
  "lib/config/config.ts": ["export const c = 1;"],
  "lib/engine/probe_config.ts": ['import { c } from "../config/config.ts";', "export { c };"],
  "lib/services/cycle_a.ts": ['import { b } from "./cycle_b.ts";', "export const a = b + 1;"],
  "lib/services/cycle_b.ts": [
    "export const b = 1;",
    'import type { a } from "./cycle_a.ts";', // a type-only import closes the cycle
    "export type A = typeof a;",
  ],
  "lib/services/probe_long.ts": [
    "export function tooLong(): number {", // 1: function-length, 101 lines
    ...Array.from({ length: 99 }, (_, i) => `  const v${i} = ${i};`),
    "}",
    "export function fine(): number {", // exactly 100 lines: allowed
    ...Array.from({ length: 98 }, (_, i) => `  const w${i} = ${i};`),
    "}",
  ],
  "lib/newarea/x.ts": ["export const x = 1;"], // 1: unknown-area
  // the scheduler's planning is a pure area inside the IO area lib/scheduler
  "lib/scheduler/plan/probe_timer.ts": [
    "export const later = (f: () => void) => setTimeout(f, 1);",
  ],
  "lib/scheduler/plan/probe_store.ts": [
    'import type { Store } from "../../storage/store.ts";', // 1: layer-import
    "export type S = Store;",
  ],
  "lib/services/probe_inline.ts": ['import { z } from "npm:zod@4";', "export const s = z;"],
  "lib/services/probe_exit.ts": ["export function stop() {", "  Deno.exit(3);", "}"], // 2
  "lib/storage/probe_env.ts": ['export const home = Deno.env.get("HOME");'], // 1: edge-only-api
  "lib/services/probe_dynamic.ts": [
    "export async function load(name: string) {",
    "  return await import(name);", // 2: dynamic-import
    "}",
  ],
  "lib/services/probe_missing.ts": ['import "./missing.ts";'], // 1: module-error
  "lib/core/thing_test.ts": [
    // Tests may do anything: no violation from this file.
    'import { runBacktest } from "../engine/engine.ts";',
    "console.log(Date.now(), Deno.cwd(), runBacktest());",
  ],
};

/** Expected violations: [file, line, rule, text the message must contain]. */
const EXPECTED: [string, number, RuleId, string][] = [
  ["lib/core/probe_engine.ts", 2, "layer-import", "lib/core may not import lib/engine"],
  ["lib/engine/probe_redis.ts", 2, "npm-package", "lib/engine may not use npm package ioredis"],
  ["lib/signals/probe_clock.ts", 2, "purity", "Date() returns the current time"],
  ["lib/report/probe_now.ts", 1, "purity", "Date.now() reads the clock"],
  ["lib/indicators/probe_new_date.ts", 1, "purity", "new Date() without arguments"],
  ["lib/indicators/probe_new_date.ts", 2, "purity", "new Date() without arguments"],
  ["strategies/probe_random.ts", 1, "purity", "Math.random()"],
  ["lib/core/probe_deno.ts", 2, "purity", "Deno.readTextFile: Deno.* is IO"],
  ["lib/engine/probe_fetch.ts", 1, "purity", "fetch: fetch() is network IO"],
  ["lib/sample/probe_console.ts", 2, "purity", "console: console is output"],
  ["lib/report/probe_performance.ts", 1, "purity", "performance.* reads a clock"],
  ["lib/signals/probe_global.ts", 1, "purity", "globalThis reaches the IO globals"],
  ["lib/engine/probe_meta.ts", 1, "purity", "import.meta"],
  ["lib/core/probe_extends.ts", 2, "purity", "WebSocket is network IO"],
  ["lib/indicators/probe_node_fs.ts", 1, "node-module", "may not use module node:fs"],
  ["lib/engine/probe_node_random.ts", 1, "node-module", "randomBytes from node:crypto"],
  ["lib/clients/probe/client.ts", 1, "layer-import", "DESIGN import rule 3"],
  ["lib/storage/probe_clients.ts", 1, "layer-import", "lib/storage may not import lib/clients"],
  ["tasks/probe_task_import.ts", 1, "layer-import", "nothing imports tasks"],
  ["lib/services/probe_tasks.ts", 1, "layer-import", "nothing imports tasks"],
  ["lib/services/probe_tests.ts", 1, "layer-import", "library code never imports tests"],
  ["lib/signals/probe_strategies.ts", 1, "layer-import", "lib/ never imports strategies/"],
  ["lib/engine/probe_config.ts", 1, "layer-import", "lib/engine may not import lib/config"],
  [
    "lib/services/cycle_a.ts",
    1,
    "import-cycle",
    "lib/services/cycle_a.ts → lib/services/cycle_b.ts → lib/services/cycle_a.ts",
  ],
  ["lib/services/probe_long.ts", 1, "function-length", "tooLong is 101 lines long"],
  ["lib/newarea/x.ts", 1, "unknown-area", "lib/newarea has no row in the layer table"],
  ["lib/scheduler/plan/probe_timer.ts", 1, "purity", "setTimeout: timers depend on the clock"],
  [
    "lib/scheduler/plan/probe_store.ts",
    1,
    "layer-import",
    "lib/scheduler/plan may not import lib/storage",
  ],
  ["lib/services/probe_inline.ts", 1, "inline-dependency", 'imports "npm:zod@4" directly'],
  ["lib/services/probe_exit.ts", 2, "edge-only-api", "Deno.exit in lib/services"],
  ["lib/storage/probe_env.ts", 1, "edge-only-api", "Deno.env in lib/storage"],
  ["lib/services/probe_dynamic.ts", 2, "dynamic-import", "computed specifier"],
  ["lib/services/probe_missing.ts", 1, "module-error", "Module not found"],
];

/** Look-alikes that a naive scan would flag; none of them breaks a rule. */
const CLEAN: Record<string, string[]> = {
  "lib/engine/engine.ts": ["export const runBacktest = () => 1;"],
  // the IO runner of lib/scheduler may use timers and its pure planning
  "lib/scheduler/plan/next.ts": ["export const next = (t: number, p: number) => t + p;"],
  "lib/scheduler/runner.ts": [
    'import { next } from "./plan/next.ts";',
    "export const arm = (f: () => void) => setTimeout(f, next(0, 1));",
  ],
  "lib/engine/lookalikes.ts": [
    'import { createHash } from "node:crypto";',
    'import { z } from "zod";',
    "// Deno.readTextFile(), fetch(url), console.log and Date.now() in a comment",
    "/* new Date() and Math.random() in a block comment */",
    'const text = "Deno.exit(1); fetch(x); console.log(); Date(); performance.now()";',
    "const tpl = `${text} Date.now() ${1 + 1} console.error`;",
    "const re = /Deno\\.env|fetch\\(|new Date\\(\\)/g;",
    "const obj = { fetch: 1, console: 2, Deno: 3, random: () => 4 };",
    "const performance = { now: () => 5 };",
    "class Clock { now() { return obj.random(); } }",
    "export const t = Date.UTC(2024, 0, 1) + new Date(0).getTime() + obj.fetch;",
    "export const u = performance.now() + new Clock().now() + Number(re.test(tpl));",
    "export type Env = typeof Deno.env;",
    "interface Console { log(): void }",
    "export class Quiet implements Console { log() {} }",
    "export const schema = z.number();",
    "export const h = createHash('sha256').update('x').digest('hex');",
    "export function exactly100(): number {",
    ...Array.from({ length: 98 }, (_, i) => `  const w${i} = ${i};`),
    "}",
  ],
};

async function writeTree(files: Record<string, string[]>): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "mts_layers_" });
  const imports = { zod: "npm:zod@^4.6.7", ioredis: "npm:ioredis@^5.9.2" };
  await Deno.writeTextFile(join(dir, "deno.json"), JSON.stringify({ imports, lock: false }));
  for (const [rel, lines] of Object.entries(files)) {
    await Deno.mkdir(dirname(join(dir, rel)), { recursive: true });
    await Deno.writeTextFile(join(dir, rel), lines.join("\n") + "\n");
  }
  return dir;
}

Deno.test("the layer check fails on each probe violation, naming file, line and rule", async (t) => {
  const dir = await writeTree(PROBES);
  try {
    const { violations, files } = await checkTree(dir, []);
    assert.equal(files.length, Object.keys(PROBES).length);
    for (const [file, line, rule, text] of EXPECTED) {
      await t.step(`${rule} in ${file}:${line}`, () => {
        const v = violations.find((x) => x.file === file && x.line === line && x.rule === rule);
        const seen = violations.filter((x) => x.file === file).map(formatViolation);
        assert.ok(v, `no ${rule} at ${file}:${line}; found: ${seen.join(" | ") || "nothing"}`);
        assert.ok(v.message.includes(text), `message lacks "${text}": ${v.message}`);
        assert.ok(formatViolation(v).startsWith(`${file}:${line}: ${rule}: `));
      });
    }
    await t.step("nothing else is reported (tests, the 100-line function, helpers)", () => {
      const expected = (v: Violation) =>
        EXPECTED.some(([f, l, r]) => f === v.file && l === v.line && r === v.rule);
      assert.deepEqual(violations.filter((v) => !expected(v)).map(formatViolation), []);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("names in comments, strings, regexes, properties and types do not trip the check", async () => {
  const dir = await writeTree(CLEAN);
  try {
    const { violations } = await checkTree(dir, []);
    assert.deepEqual(violations.map(formatViolation), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("KNOWN_VIOLATIONS lets exactly its entries pass and reports entries that match nothing", async () => {
  const dir = await writeTree({
    "lib/engine/engine.ts": ["export const runBacktest = () => 1;"],
    "lib/core/probe_engine.ts": ['import { runBacktest } from "../engine/engine.ts";'],
    "lib/report/probe_now.ts": ["export const t = Date.now();"],
  });
  const entry = (rule: RuleId, file: string, key: string): KnownViolation => ({
    rule,
    file,
    key,
    why: "test",
  });
  try {
    const r = await checkTree(dir, [
      entry("layer-import", "lib/core/probe_engine.ts", "lib/engine/engine.ts"),
      entry("function-length", "lib/core/probe_engine.ts", "gone"),
    ]);
    assert.deepEqual(r.allowed.map((v) => [v.file, v.rule]), [
      ["lib/core/probe_engine.ts", "layer-import"],
    ]);
    assert.deepEqual(r.violations.map((v) => [v.file, v.rule]), [
      ["lib/report/probe_now.ts", "purity"],
    ]);
    assert.deepEqual(r.stale.map((k) => k.key), ["gone"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("check_layers exits 1 on violations, 0 on a clean tree, 2 on a bad flag", async () => {
  const bad = await writeTree({ "lib/core/x.ts": ["export const t = Date.now();"] });
  const good = await writeTree(CLEAN);
  const log = console.log, error = console.error;
  const lines: string[] = [];
  console.log = console.error = (...a: unknown[]) => void lines.push(a.join(" "));
  try {
    assert.equal(await main(["--root", bad]), 1);
    assert.ok(lines.some((l) => l.startsWith("lib/core/x.ts:1: purity: Date.now()")), lines[0]);
    assert.equal(await main(["--root", good]), 0);
    assert.equal(await main(["--bogus"]), 2);
  } finally {
    console.log = log;
    console.error = error;
    await Deno.remove(bad, { recursive: true });
    await Deno.remove(good, { recursive: true });
  }
});

Deno.test("the project passes the layer check, allowing only the listed known violations", async () => {
  const { violations, stale, files } = await checkTree(ROOT);
  assert.deepEqual(violations.map(formatViolation), []);
  assert.deepEqual(stale, [], "delete the stale KNOWN_VIOLATIONS entries");
  assert.ok(files.includes("lib/engine/engine.ts") && files.length > 100);
});
