/**
 * Which area (layer) a project file belongs to: `lib/<folder>`, `lib/<name>` for a file directly
 * in `lib/` (so `lib/mod.ts` is `lib/mod`), a top-level folder (`tasks`, `strategies`, `scripts`,
 * `bench`), a top-level file by its name (`cli.ts`), and `tests` for everything that is a test:
 * files under `tests/` and every `*_test.ts` wherever it lives. A few folders inside a `lib/` area
 * are areas of their own ({@link SUB_AREAS}): the pure core of an IO area, checked as pure.
 * @module
 */

/**
 * Folders inside a `lib/` area that form an area of their own. `lib/scheduler/plan` is the
 * scheduler's pure planning (slots, catch-up, jitter, the job file), while the rest of
 * `lib/scheduler` is its IO runner (timers, storage, the leader lock). `lib/streams/arbitrage` is
 * the pure arbitrage detector (depth walk, fees, lifecycle); its inputs and sinks are services.
 */
export const SUB_AREAS: readonly string[] = ["lib/scheduler/plan", "lib/streams/arbitrage"];

/** Area of a root-relative path with `/` separators. */
export function areaOf(rel: string): string {
  if (isTestFile(rel)) return "tests";
  const sub = SUB_AREAS.find((s) => rel.startsWith(`${s}/`));
  if (sub) return sub;
  const parts = rel.split("/");
  if (parts.length === 1) return parts[0];
  if (parts[0] !== "lib") return parts[0];
  return parts.length === 2 ? `lib/${parts[1].replace(/\.[^.]+$/, "")}` : `lib/${parts[1]}`;
}

/** A test: under `tests/`, or named `*_test.ts` (or `.tsx`, `.js`, …) anywhere. */
export function isTestFile(rel: string): boolean {
  return rel.startsWith("tests/") || /_test\.[mc]?[jt]sx?$/.test(rel);
}

/** True for `lib/…` areas. */
export function isLibArea(area: string): boolean {
  return area.startsWith("lib/");
}
