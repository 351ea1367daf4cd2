/**
 * lib/research is pure (DESIGN.md rule 1): no IO, no clock, no console, no unseeded randomness,
 * and it imports only itself and the pure areas below it (core, sample, indicators, signals,
 * engine, report — the optimiser's objective reads the engine's metrics), as the layer check's
 * table (scripts/layers/rules.ts) also says.
 */
import assert from "node:assert/strict";

const dir = new URL("./", import.meta.url);
const FORBIDDEN: [RegExp, string][] = [
  [/\bDeno\./, "Deno.*"],
  [/\bfetch\s*\(/, "fetch()"],
  [/\bconsole\./, "console"],
  [/\bDate\.now\s*\(/, "Date.now()"],
  [/\bnew Date\(\s*\)/, "new Date() (reads the clock)"],
  [/\bMath\.random\s*\(/, "Math.random()"],
  [/\bperformance\.now\s*\(/, "performance.now()"],
];

Deno.test("lib/research modules do no IO, read no clock and import only pure areas", () => {
  const problems: string[] = [];
  for (const e of Deno.readDirSync(dir)) {
    if (!e.name.endsWith(".ts") || e.name.endsWith("_test.ts")) continue;
    const src = Deno.readTextFileSync(new URL(e.name, dir))
      .replace(/\/\*[\s\S]*?\*\//g, "")
      .replace(/(^|[^:])\/\/.*$/gm, "$1");
    for (const [re, what] of FORBIDDEN) if (re.test(src)) problems.push(`${e.name}: uses ${what}`);
    for (const m of src.matchAll(/from\s*["']([^"']+)["']/g)) {
      if (!/^\.\/|^\.\.\/(core|sample|indicators|signals|engine|report)\//.test(m[1])) {
        problems.push(`${e.name}: imports ${m[1]}`);
      }
    }
  }
  assert.deepEqual(problems, []);
});
