/**
 * Checks every edge of the module graph against the layer table (`rules.ts`): which areas, npm
 * packages and `node:` modules each area may import, that dependencies come through the
 * `deno.json` import map, and that every module loads.
 * @module
 */
import { areaOf } from "./areas.ts";
import type { Edge, ModuleGraph } from "./graph.ts";
import { type LayerRule, LAYERS, TARGET_RULES } from "./rules.ts";
import type { Violation } from "./violation.ts";

/** Every import-rule violation in `graph`. */
export function checkImports(graph: ModuleGraph): Violation[] {
  const out: Violation[] = [];
  const unknown = new Set<string>();
  for (const [file, edges] of graph.edges) {
    const area = areaOf(file);
    const rule = LAYERS[area];
    if (!rule) {
      if (!unknown.has(area)) out.push(unknownArea(file, area));
      unknown.add(area);
    }
    for (const e of edges) {
      const v = checkEdge(file, area, rule, e, graph);
      if (v) out.push(v);
    }
  }
  for (const [file, { error, line }] of graph.errors) {
    if (graph.edges.has(file) || !isProjectPath(file)) continue;
    // A project file Deno could not parse; files it cannot find are reported at their importers.
    if (!error.startsWith("Module not found")) {
      out.push({ rule: "module-error", file, line: line ?? 1, message: error, key: error });
    }
  }
  return out;
}

function isProjectPath(p: string): boolean {
  return !/^[a-z]+:/.test(p);
}

function unknownArea(file: string, area: string): Violation {
  return {
    rule: "unknown-area",
    file,
    line: 1,
    message: `${area} has no row in the layer table (scripts/layers/rules.ts): add one before ` +
      "adding code there",
    key: area,
  };
}

function checkEdge(
  file: string,
  area: string,
  rule: LayerRule | undefined,
  e: Edge,
  graph: ModuleGraph,
): Violation | undefined {
  const at = (r: Violation["rule"], message: string, key: string): Violation => ({
    rule: r,
    file,
    line: e.line,
    message,
    key,
  });
  if (/^(npm|jsr|https?):/.test(e.specifier)) {
    return at(
      "inline-dependency",
      `imports "${e.specifier}" directly: name dependencies in deno.json "imports" (npm only)`,
      e.specifier,
    );
  }
  const t = e.target;
  if (t.kind === "unresolved") return at("module-error", t.error, e.specifier);
  if (t.kind === "file" && graph.errors.has(t.rel)) {
    const why = graph.errors.get(t.rel)!.error;
    return at("module-error", `imports "${e.specifier}", which Deno cannot load: ${why}`, t.rel);
  }
  if (t.kind === "remote") {
    return at("inline-dependency", `imports remote module ${t.url}: use npm via deno.json`, t.url);
  }
  if (t.kind === "outside") {
    return at("layer-import", `imports ${t.path}, outside the project`, t.path);
  }
  if (!rule) return undefined;
  if (t.kind === "file") return checkFileImport(at, area, rule, e.specifier, t.rel);
  const allowed = t.kind === "npm" ? rule.npm : rule.node;
  if (allowed === "any" || allowed.includes(t.name)) return undefined;
  const what = t.kind === "npm" ? "npm package" : "module";
  const list = allowed.length ? allowed.join(", ") : "none";
  return at(
    t.kind === "npm" ? "npm-package" : "node-module",
    `${area} may not use ${what} ${t.name} (allowed here: ${list})`,
    t.name,
  );
}

function checkFileImport(
  at: (r: Violation["rule"], message: string, key: string) => Violation,
  area: string,
  rule: LayerRule,
  specifier: string,
  target: string,
): Violation | undefined {
  const to = areaOf(target);
  if (rule.imports === "any" || rule.imports.includes(to)) return undefined;
  const may = rule.imports.length ? rule.imports.join(", ") : "nothing";
  const why = TARGET_RULES[to] ?? rule.why;
  return at(
    "layer-import",
    `${area} may not import ${to} ("${specifier}"): ${why}; ${area} may import ${may}`,
    target,
  );
}
