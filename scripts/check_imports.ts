/**
 * Enforces the import rules of DESIGN.md:
 * 1. lib/core, lib/indicators, lib/signals, lib/engine, lib/report, lib/sample and strategies/ are pure (no Deno.*, fetch,
 *    console, Date.now, new Date() without arguments, Math.random).
 * 2. engine and signals never import clients, storage, services, config or tasks.
 * 3. clients and storage import core (and net, log), never each other.
 * 4. nothing imports tasks (tests may).
 * 5. library code never imports tests.
 * Test files (`*_test.ts`) are tests, so none of these rules bind them.
 * @module
 */
import { join, relative, resolve } from "node:path";

const PURE = ["core", "indicators", "signals", "engine", "report", "sample", "strategies"];
const ROOT = resolve(".");

function* walk(dir: string): Generator<string> {
  for (const e of Deno.readDirSync(dir)) {
    const p = join(dir, e.name);
    if (e.isDirectory) yield* walk(p);
    else if (e.name.endsWith(".ts")) yield p;
  }
}

/** Area of a path: `lib/<area>`, `tasks`, `tests`, … */
function area(path: string): string {
  const rel = relative(ROOT, path).split(/[\\/]/);
  if (rel[0] === "strategies") return "lib/strategies";
  return rel[0] === "lib" ? `lib/${rel.length > 2 ? rel[1] : "mod"}` : rel[0];
}

const FORBIDDEN_CALLS: [RegExp, string][] = [
  [/\bDeno\./, "Deno.*"],
  [/\bfetch\s*\(/, "fetch()"],
  [/\bconsole\./, "console"],
  [/\bDate\.now\s*\(/, "Date.now()"],
  [/\bnew Date\(\s*\)/, "new Date() (reads the clock)"],
  [/\bMath\.random\s*\(/, "Math.random() (use a seeded generator)"],
  [/\bperformance\.now\s*\(/, "performance.now()"],
];

function stripComments(src: string): string {
  return src.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:])\/\/.*$/gm, "$1");
}

const problems: string[] = [];
for (const dir of ["lib", "strategies", "tasks", "scripts"]) {
  try {
    Deno.statSync(dir);
  } catch {
    continue;
  }
  for (const file of walk(dir)) {
    const rel = relative(ROOT, file);
    const isTest = /_test\.ts$/.test(file);
    const from = area(file);
    const src = stripComments(Deno.readTextFileSync(file));
    const imports = [
      ...src.matchAll(
        /(?:import|export)[^"']*?from\s*["']([^"']+)["']|import\s*\(\s*["']([^"']+)["']\s*\)/g,
      ),
    ]
      .map((m) => m[1] ?? m[2]);
    for (const spec of imports) {
      if (!spec.startsWith(".")) continue;
      const target = area(resolve(join(file, ".."), spec));
      const say = (why: string) => problems.push(`${rel}: imports ${spec} — ${why}`);
      if (isTest) continue;
      if (target === "tests" && from !== "tests") say("library code never imports tests (rule 5)");
      if (target === "tasks") say("nothing imports tasks (rule 4)");
      const name = from.replace("lib/", "");
      const tname = target.replace("lib/", "");
      if (PURE.includes(name) && !PURE.includes(tname)) {
        say(
          `lib/${name} is pure and may import only ${
            PURE.map((p) => "lib/" + p).join(", ")
          } (rules 1–2)`,
        );
      }
      if (
        (name === "clients" || name === "storage") && !["core", "net", "log", name].includes(tname)
      ) {
        say(`lib/${name} may import only lib/core, lib/net and lib/log (rule 3)`);
      }
    }
    if (!isTest && from.startsWith("lib/") && PURE.includes(from.slice(4))) {
      const lines = src.split("\n");
      lines.forEach((line, i) => {
        for (const [re, what] of FORBIDDEN_CALLS) {
          if (re.test(line)) {
            problems.push(`${rel}:${i + 1}: uses ${what} in a pure module (rule 1)`);
          }
        }
      });
      for (const spec of imports) {
        if (/^(node:|npm:ioredis)/.test(spec) && !/^node:assert/.test(spec)) {
          problems.push(`${rel}: imports ${spec} — pure modules do no IO (rule 1)`);
        }
      }
    }
  }
}

if (problems.length) {
  console.error(
    `Import rules broken (${problems.length}):\n` + problems.map((p) => `  ${p}`).join("\n"),
  );
  Deno.exit(1);
}
console.log("import rules: ok");
