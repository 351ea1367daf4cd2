/**
 * Import cycles between project files: the strongly connected components of the module graph
 * (Tarjan's algorithm, iterative), counting type-only imports too — a cycle of types still ties
 * two modules together so that neither can be understood, moved or tested alone.
 * @module
 */
import type { ModuleGraph } from "./graph.ts";
import type { Violation } from "./violation.ts";

/** Project-file adjacency: file → the project files it imports (sorted, without duplicates). */
export function fileAdjacency(graph: ModuleGraph): Map<string, string[]> {
  const adj = new Map<string, string[]>();
  for (const [file, edges] of graph.edges) {
    const to = new Set<string>();
    for (const e of edges) if (e.target.kind === "file") to.add(e.target.rel);
    adj.set(file, [...to].sort());
  }
  return adj;
}

/** The strongly connected components with a cycle (two or more files, or a self-import). */
export function cyclicComponents(adj: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>(), low = new Map<string, number>();
  const stack: string[] = [], onStack = new Set<string>(), out: string[][] = [];
  let next = 0;
  for (const start of [...adj.keys()].sort()) {
    if (index.has(start)) continue;
    // Explicit DFS stack of [node, position in its adjacency list].
    const work: [string, number][] = [[start, 0]];
    index.set(start, next), low.set(start, next++), stack.push(start), onStack.add(start);
    while (work.length) {
      const top = work[work.length - 1];
      const [v, i] = top;
      const ws = adj.get(v) ?? [];
      if (i < ws.length) {
        top[1]++;
        const w = ws[i];
        if (!index.has(w)) {
          index.set(w, next), low.set(w, next++), stack.push(w), onStack.add(w);
          work.push([w, 0]);
        } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
        continue;
      }
      work.pop();
      if (work.length) {
        const u = work[work.length - 1][0];
        low.set(u, Math.min(low.get(u)!, low.get(v)!));
      }
      if (low.get(v) !== index.get(v)) continue;
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || (adj.get(v) ?? []).includes(v)) out.push(comp.sort());
    }
  }
  return out.sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

/** Shortest cycle from `start` back to itself inside `members` (breadth-first). */
export function shortestCycle(
  start: string,
  members: ReadonlySet<string>,
  adj: ReadonlyMap<string, readonly string[]>,
): string[] {
  const prev = new Map<string, string>();
  const queue = [start];
  for (let k = 0; k < queue.length; k++) {
    const v = queue[k];
    for (const w of adj.get(v) ?? []) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (let x = v; x !== start; x = prev.get(x)!) path.splice(1, 0, x);
        return [...path, start];
      }
      if (!prev.has(w)) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}

/** One violation per cyclic component, at the import that starts its shortest cycle. */
export function checkCycles(graph: ModuleGraph): Violation[] {
  const adj = fileAdjacency(graph);
  return cyclicComponents(adj).map((comp) => {
    const cycle = shortestCycle(comp[0], new Set(comp), adj);
    const edge = graph.edges.get(cycle[0])!.find((e) =>
      e.target.kind === "file" && e.target.rel === cycle[1]
    )!;
    const more = comp.length > cycle.length - 1
      ? `; the cycle's component has ${comp.length} files: ${comp.join(", ")}`
      : "";
    return {
      rule: "import-cycle" as const,
      file: cycle[0],
      line: edge.line,
      message: `import cycle ${cycle.join(" → ")}${more}`,
      key: comp.join(" ↔ "),
    };
  });
}
