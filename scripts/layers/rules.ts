/**
 * The layer table: for every area of the project (see `areas.ts`), whether it is pure, which
 * areas, npm packages and `node:` modules it may import, and which DESIGN.md import rule says so.
 * This is the single definition the layer check enforces and docs/architecture.md describes; an
 * area missing from it fails the check, so a new folder cannot slip past the rules.
 *
 * DESIGN.md import rules, as encoded here:
 * 1. `lib/core`, `lib/indicators`, `lib/signals`, `lib/engine`, `lib/report` (and `lib/sample`,
 *    `lib/research`, `strategies/`) are pure: they import only pure areas, and their code is
 *    scanned for IO, clock and randomness (`PURITY` below).
 * 2. The engine, signals, research and streams never import clients, storage, services, config or
 *    tasks; nothing in `lib/` imports `strategies/` (strategies register from outside).
 * 3. Clients and storage import core (and net, log), never each other.
 * 4. Services wire clients, storage and the pure core; tasks call services and lib; only the
 *    single-binary entry `cli.ts` imports tasks.
 * 5. Tests (and benches) may import anything; nothing else imports tests.
 * @module
 */

/** What one area may do. */
export interface LayerRule {
  /** Pure areas get the source scan of `PURITY`. */
  readonly pure: boolean;
  /** Areas it may import (its own included only where listed), or `"any"`. */
  readonly imports: readonly string[] | "any";
  /** npm package names it may import, or `"any"`. */
  readonly npm: readonly string[] | "any";
  /** `node:` modules it may import (`"node:path"`), or `"any"`. */
  readonly node: readonly string[] | "any";
  /** The DESIGN.md rule(s) behind `imports`, cited in messages. */
  readonly why: string;
}

const CORE = "lib/core";
/** The pure library areas (with `strategies`, also pure). */
export const PURE_LIB = [
  CORE,
  "lib/indicators",
  "lib/signals",
  "lib/engine",
  "lib/report",
  "lib/sample",
  "lib/research",
  "lib/scheduler/plan",
  "lib/streams/arbitrage",
] as const;

/** A pure hash is not IO: pure areas may use `createHash` from `node:crypto`, nothing else. */
export const PURE_NODE_IMPORTS: Readonly<Record<string, readonly string[]>> = {
  "node:crypto": ["createHash", "Hash"],
};

const pure = (imports: string[], npm: string[] = []): LayerRule => ({
  pure: true,
  imports,
  npm,
  node: Object.keys(PURE_NODE_IMPORTS),
  why: "DESIGN import rules 1–2: pure layers import only the pure layers below them",
});

type Allowed = readonly string[] | "any";

const io = (imports: Allowed, npm: Allowed, node: Allowed, why: string): LayerRule => ({
  pure: false,
  imports,
  npm,
  node,
  why,
});

const ALL_LIB = [
  ...PURE_LIB,
  "lib/log",
  "lib/net",
  "lib/config",
  "lib/clients",
  "lib/storage",
  "lib/cli",
  "lib/streams",
  "lib/streams/arbitrage",
  "lib/scheduler",
  "lib/server",
  "lib/services",
];

const SERVICES_NODE = ["node:path", "node:fs", "node:crypto", "node:os", "node:util"];

/** The layer table, by area. Planned areas of DESIGN.md (research, streams, …) are included. */
export const LAYERS: Readonly<Record<string, LayerRule>> = {
  [CORE]: pure([CORE], ["zod"]),
  "lib/indicators": pure([CORE, "lib/indicators"], ["technicalindicators"]),
  "lib/engine": pure([CORE, "lib/indicators", "lib/engine"], ["zod"]),
  "lib/signals": pure([CORE, "lib/indicators", "lib/engine", "lib/signals"], ["zod"]),
  "lib/report": pure([CORE, "lib/indicators", "lib/engine", "lib/signals", "lib/report"], [
    "uplot",
  ]),
  "lib/sample": pure([CORE, "lib/sample"]),
  "lib/research": pure(
    [CORE, "lib/indicators", "lib/signals", "lib/engine", "lib/report", "lib/research"],
    ["zod"],
  ),
  strategies: pure([CORE, "lib/indicators", "lib/signals", "strategies"], ["zod"]),
  "lib/log": io([CORE, "lib/log"], [], ["node:path", "node:fs"], "lib/log depends on core only"),
  "lib/net": io(
    [CORE, "lib/log", "lib/net"],
    ["cockatiel"],
    [],
    "lib/net depends on core and log only",
  ),
  "lib/config": io(
    [CORE, "lib/config"],
    ["zod"],
    ["node:path", "node:fs"],
    "lib/config depends on core only (it is read by everything else)",
  ),
  "lib/clients": io(
    [CORE, "lib/net", "lib/log", "lib/clients"],
    ["zod"],
    [],
    "DESIGN import rule 3: clients import core, net and log, never storage",
  ),
  "lib/storage": io(
    [CORE, "lib/net", "lib/log", "lib/storage"],
    ["ioredis", "zod", "pg", "postgres"],
    ["node:sqlite", "node:fs", "node:path", "node:crypto", "node:async_hooks"],
    "DESIGN import rule 3: storage imports core, net and log, never clients",
  ),
  "lib/cli": io(
    [CORE, "lib/config", "lib/log", "lib/storage", "lib/cli"],
    ["zod"],
    ["node:util", "node:path"],
    "lib/cli is the tasks' flag and output helper: core, config, log and storage",
  ),
  "lib/streams": io(
    [CORE, "lib/indicators", "lib/net", "lib/log", "lib/streams"],
    ["zod"],
    [],
    "DESIGN import rule 2: streams never import clients, storage, services, config or tasks",
  ),
  // The arbitrage detector is pure: published books and times in, alerts out (the IO — cache
  // subscriptions, replay files, SQLite, the webhook — is lib/services/arbitrage_*.ts).
  "lib/streams/arbitrage": pure([CORE, "lib/streams", "lib/streams/arbitrage"]),
  // The scheduler's planning is pure (slots, catch-up, jitter, the job file; croner computes
  // cron slots from the times it is given); its runner does the IO: timers, storage, the lock.
  "lib/scheduler/plan": pure([CORE, "lib/scheduler/plan"], ["zod", "croner"]),
  "lib/scheduler": io(
    [CORE, "lib/log", "lib/storage", "lib/scheduler", "lib/scheduler/plan"],
    [],
    [],
    "lib/scheduler runs the plan (lib/scheduler/plan) and persists job state (storage); the jobs " +
      "themselves come from services",
  ),
  "lib/server": io(
    ALL_LIB,
    ["hono", "@hono/zod-openapi", "prom-client", "zod"],
    SERVICES_NODE,
    "lib/server serves the library; it never imports tasks or strategies",
  ),
  "lib/services": io(
    ALL_LIB,
    ["zod", "ioredis", "bullmq"],
    SERVICES_NODE,
    "DESIGN import rules 2 and 4: services wire lib areas; lib never imports tasks or strategies",
  ),
  "lib/mod": io(
    ALL_LIB,
    [],
    [],
    "issue 15: the public surface re-exports lib areas, never strategies or tasks",
  ),
  tasks: io(
    [...ALL_LIB, "strategies"],
    "any",
    "any",
    "DESIGN import rule 4: tasks call services and lib; nothing imports tasks",
  ),
  "cli.ts": io(["tasks", ...ALL_LIB], "any", "any", "cli.ts is the only importer of tasks/"),
  // Web Worker entry scripts: edges like tasks, they hand strategies/mod.ts to the services.
  workers: io(
    [...ALL_LIB, "strategies"],
    [],
    [],
    "worker entries wire strategies into services, like tasks; nothing imports them",
  ),
  scripts: io([...ALL_LIB, "strategies", "scripts"], "any", "any", "scripts never import tasks"),
  bench: io(
    [...ALL_LIB, "strategies", "tests", "bench"],
    "any",
    "any",
    "benches never import tasks",
  ),
  tests: { pure: false, imports: "any", npm: "any", node: "any", why: "tests may import anything" },
};

/**
 * When an area may not import one of these, the message cites this rule rather than the
 * importer's general one: these targets are off limits to (nearly) everyone.
 */
export const TARGET_RULES: Readonly<Record<string, string>> = {
  strategies: "DESIGN import rule 2: lib/ never imports strategies/ (strategies register from " +
    "outside, through strategies/mod.ts)",
  tasks: "DESIGN import rule 4: nothing imports tasks (only cli.ts, the single-binary entry)",
  tests: "DESIGN import rule 5: library code never imports tests",
};

/** Globals a pure module may not touch, with the reason given in the message. */
export const PURITY: Readonly<Record<string, string>> = {
  Deno: "Deno.* is IO",
  fetch: "fetch() is network IO",
  console: "console is output",
  performance: "performance.* reads a clock",
  setTimeout: "timers depend on the clock",
  setInterval: "timers depend on the clock",
  WebSocket: "WebSocket is network IO",
  XMLHttpRequest: "XMLHttpRequest is network IO",
  localStorage: "localStorage is storage IO",
  sessionStorage: "sessionStorage is storage IO",
  // The ways around the names above (Deno 2 has no `window`, so it is not one).
  globalThis: "globalThis reaches the IO globals",
  self: "self reaches the IO globals",
  eval: "eval runs unchecked code",
  Function: "the Function constructor runs unchecked code",
};

/** `object.property` uses forbidden in pure modules (called or not). */
export const PURITY_MEMBERS: Readonly<Record<string, string>> = {
  "Date.now": "Date.now() reads the clock",
  "Math.random": "Math.random() is not reproducible (use lib/core/prng.ts)",
  "crypto.getRandomValues": "crypto.getRandomValues() is not reproducible",
  "crypto.randomUUID": "crypto.randomUUID() is not reproducible",
};

/**
 * APIs only the edges may use, by `Deno.<name>`: the areas allowed, and why. Tasks exit; only
 * lib/config reads the environment (DESIGN "Tasks" and "Errors, config, logs").
 */
export const EDGE_ONLY: Readonly<Record<string, { areas: readonly string[]; why: string }>> = {
  "Deno.exit": {
    areas: ["tasks", "cli.ts", "scripts", "tests", "bench"],
    why: "only tasks exit (main(args) + import.meta.main); library code returns or throws",
  },
  "Deno.env": {
    areas: ["lib/config", "scripts", "tests", "bench"],
    why: "lib/config is the only reader of the environment",
  },
};

/** Longest function allowed in `lib/`, in lines from its opening to its closing brace. */
export const MAX_FUNCTION_LINES = 100;
