/**
 * The project's real module graph, from `deno info --json`: Deno resolves every import (relative
 * paths, the `deno.json` import map, `npm:` and `node:` specifiers, JSON imports, literal dynamic
 * imports) exactly as it will when the code runs, so the check sees what the runtime sees — not
 * what a regex guesses from the text.
 *
 * `deno info` takes one root module, so the root is a `data:` module that imports every file of
 * the project: files that nothing imports are checked too.
 * @module
 */
import { pathToFileURL } from "node:url";

/** What an import points at. */
export type Target =
  | { readonly kind: "file"; readonly rel: string }
  | { readonly kind: "npm"; readonly name: string }
  | { readonly kind: "node"; readonly name: string }
  | { readonly kind: "remote"; readonly url: string }
  | { readonly kind: "outside"; readonly path: string }
  | { readonly kind: "unresolved"; readonly error: string };

/** One import of one module. */
export interface Edge {
  /** The specifier as written in the source. */
  readonly specifier: string;
  readonly target: Target;
  /** 1-based line of the specifier. */
  readonly line: number;
  /** `import type` / `export type`: no runtime effect, but still a dependency between layers. */
  readonly typeOnly: boolean;
  readonly dynamic: boolean;
}

/** Every project module's imports, and the modules Deno could not load. */
export interface ModuleGraph {
  /** Root-relative path → its imports, for every project module Deno loaded. */
  readonly edges: ReadonlyMap<string, readonly Edge[]>;
  /**
   * Modules Deno could not load (missing file, syntax error), by root-relative path (or the
   * specifier, outside the project), with Deno's first line of explanation and, when Deno names
   * one, the 1-based line of the problem.
   */
  readonly errors: ReadonlyMap<string, { readonly error: string; readonly line?: number }>;
}

/** Shape of the parts of `deno info --json` that are read here. */
interface InfoJson {
  modules: {
    specifier: string;
    error?: string;
    dependencies?: {
      specifier: string;
      isDynamic?: boolean;
      code?: { specifier?: string; error?: string; span: { start: { line: number } } };
      type?: { specifier?: string; error?: string; span: { start: { line: number } } };
    }[];
  }[];
  redirects?: Record<string, string>;
}

/** Longest root module per `deno info` call: Linux caps one argument at 128 KiB. */
const MAX_ROOT_CHARS = 100_000;

/** Runs `deno info --json` over `files` (root-relative) from `root` and returns the graph. */
export async function loadGraph(root: string, files: readonly string[]): Promise<ModuleGraph> {
  const edges = new Map<string, readonly Edge[]>();
  const errors = new Map<string, { error: string; line?: number }>();
  for (const chunk of rootModules(root, files)) {
    const part = parseInfo(await denoInfo(root, chunk), root);
    for (const [k, v] of part.edges) edges.set(k, v);
    for (const [k, v] of part.errors) errors.set(k, v);
  }
  return { edges, errors };
}

/** `data:` modules importing every file, each short enough to pass as one argument. */
function rootModules(root: string, files: readonly string[]): string[] {
  const head = "data:application/typescript,";
  const out: string[] = [];
  let cur = head;
  for (const f of files) {
    const line = `import ${JSON.stringify(pathToFileURL(`${root}/${f}`).href)};`;
    if (cur.length + line.length > MAX_ROOT_CHARS && cur !== head) {
      out.push(cur);
      cur = head;
    }
    cur += line;
  }
  if (cur !== head) out.push(cur);
  return out;
}

async function denoInfo(root: string, rootModule: string): Promise<InfoJson> {
  const out = await new Deno.Command("deno", {
    args: ["info", "--json", rootModule],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    const why = new TextDecoder().decode(out.stderr).trim().split("\n")[0];
    throw new Error(`Cannot read the module graph: deno info failed: ${why}`);
  }
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

/** Turns `deno info --json` output into a {@link ModuleGraph} of project files. */
export function parseInfo(info: InfoJson, root: string): ModuleGraph {
  const rootUrl = pathToFileURL(root.endsWith("/") ? root : `${root}/`).href;
  const edges = new Map<string, Edge[]>();
  const errors = new Map<string, { error: string; line?: number }>();
  for (const m of info.modules) {
    const inside = m.specifier.startsWith(rootUrl);
    const rel = inside ? decodeURIComponent(m.specifier.slice(rootUrl.length)) : m.specifier;
    if (m.error !== undefined) {
      const at = /:(\d+):\d+\s*$/.exec(m.error);
      errors.set(rel, { error: m.error.split("\n")[0], line: at ? Number(at[1]) : undefined });
    } else if (inside) {
      edges.set(rel, (m.dependencies ?? []).map((d) => toEdge(d, rootUrl, info.redirects ?? {})));
    }
  }
  return { edges, errors };
}

type Dependency = NonNullable<InfoJson["modules"][number]["dependencies"]>[number];

function toEdge(d: Dependency, rootUrl: string, redirects: Record<string, string>): Edge {
  const resolved = d.code ?? d.type;
  const spec = resolved?.specifier ?? d.specifier;
  return {
    specifier: d.specifier,
    target: resolved?.error !== undefined
      ? { kind: "unresolved", error: resolved.error }
      : classify(redirects[spec] ?? spec, rootUrl),
    line: (resolved?.span.start.line ?? 0) + 1,
    typeOnly: d.code === undefined,
    dynamic: d.isDynamic === true,
  };
}

/** What a resolved specifier is: a project file, an npm package, a node module, or else. */
export function classify(spec: string, rootUrl: string): Target {
  if (spec.startsWith(rootUrl)) {
    return { kind: "file", rel: decodeURIComponent(spec.slice(rootUrl.length)) };
  }
  if (spec.startsWith("node:")) return { kind: "node", name: spec.split("/")[0] };
  if (spec.startsWith("npm:")) return { kind: "npm", name: npmName(spec) };
  if (spec.startsWith("file:")) {
    return { kind: "outside", path: decodeURIComponent(new URL(spec).pathname) };
  }
  return { kind: "remote", url: spec };
}

/** `npm:zod@^4`, `npm:/zod@4.6.7/x`, `npm:@types/node@24` → `zod`, `zod`, `@types/node`. */
export function npmName(spec: string): string {
  const bare = spec.replace(/^npm:\/?/, "");
  const parts = bare.split("/");
  const name = bare.startsWith("@") ? `${parts[0]}/${parts[1] ?? ""}` : parts[0];
  return name.replace(/(.)@.*$/, "$1");
}
