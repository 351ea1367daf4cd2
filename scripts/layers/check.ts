/**
 * The layer check over a project tree: lists its source files, reads the real module graph, runs
 * the graph rules (imports per layer, packages, cycles) and the syntax-tree rules (purity, edge-only
 * APIs, function length), then sets the temporary allowlist apart.
 * @module
 */
import { join, relative, resolve } from "node:path";
import { checkCycles } from "./cycles.ts";
import { loadGraph } from "./graph.ts";
import { checkImports } from "./import_rules.ts";
import { KNOWN_VIOLATIONS, type KnownViolation } from "./known_violations.ts";
import { scanSource } from "./source_scan.ts";
import { byLocation, type Violation } from "./violation.ts";

/** What {@link checkTree} found. */
export interface CheckResult {
  /** Source files checked (root-relative). */
  readonly files: readonly string[];
  /** Violations not on the allowlist: each fails the check. */
  readonly violations: readonly Violation[];
  /** Violations the allowlist lets pass (for now). */
  readonly allowed: readonly Violation[];
  /** Allowlist entries that match nothing any more: delete them. */
  readonly stale: readonly KnownViolation[];
}

const SOURCE = /\.(ts|tsx|mts|js|mjs|jsx)$/;

/** Checks the project under `root` against the layer rules, with `known` as the allowlist. */
export async function checkTree(
  root: string,
  known: readonly KnownViolation[] = KNOWN_VIOLATIONS,
): Promise<CheckResult> {
  const abs = resolve(root);
  const files = listSources(abs, excludes(abs));
  const graph = await loadGraph(abs, files);
  const found = [...checkImports(graph), ...checkCycles(graph)];
  for (const f of files) found.push(...scanSource(f, Deno.readTextFileSync(join(abs, f))));
  found.sort(byLocation);
  const matches = (k: KnownViolation, v: Violation) =>
    k.rule === v.rule && k.file === v.file && k.key === v.key;
  return {
    files,
    violations: found.filter((v) => !known.some((k) => matches(k, v))),
    allowed: found.filter((v) => known.some((k) => matches(k, v))),
    stale: known.filter((k) => !found.some((v) => matches(k, v))),
  };
}

/** The top-level `exclude` folders of the root's deno.json (`data/`, `logs/`, …). */
function excludes(root: string): string[] {
  let text: string;
  try {
    text = Deno.readTextFileSync(join(root, "deno.json"));
  } catch {
    return [];
  }
  const exclude = (JSON.parse(text) as { exclude?: unknown }).exclude;
  return Array.isArray(exclude) ? exclude.map((e) => String(e).replace(/\/+$/, "")) : [];
}

/** Source files under `root`, skipping hidden folders, node_modules and `skip`, sorted. */
function listSources(root: string, skip: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of Deno.readDirSync(dir)) {
      const path = join(dir, e.name);
      const rel = relative(root, path).split("\\").join("/");
      if (e.name.startsWith(".") || e.name === "node_modules" || skip.includes(rel)) continue;
      if (e.isDirectory) walk(path);
      else if (e.isFile && SOURCE.test(e.name)) out.push(rel);
    }
  };
  walk(root);
  return out.sort();
}
