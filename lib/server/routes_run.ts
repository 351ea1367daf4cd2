/**
 * Routes that run work: `POST /signals/generate` and `POST /backtest` call the same services as
 * `deno task signals` and `deno task backtest` (run_data, the feed, the registry handed in), so
 * the API's answer is the CLI's `--json` for the same inputs. Also the stored backtest runs.
 * @module
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { isoTime } from "../core/time.ts";
import { runBacktestJob } from "../services/backtest_runner.ts";
import { signalRunEvents } from "../services/published_events.ts";
import { signalsJson } from "../services/signal_json.ts";
import { runSignals } from "../services/signal_runner.ts";
import { createSignalPipeline } from "../signals/pipeline.ts";
import { StrategyParamsError } from "../signals/params.ts";
import { type App, guard } from "./guard.ts";
import { errorResponse, jsonResponse, type ServerDeps, statusOf } from "./context.ts";
import {
  BacktestJobSchema,
  BacktestRequestSchema,
  ERRORS,
  intQuery,
  jsonContent,
  SignalRequestSchema,
} from "./schemas.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

/** A 4xx for a client's mistake or the domain's refusal; rethrows our own faults. */
function failure(e: unknown): { status: number; reason: string } {
  const err = e instanceof Error ? e : new Error(String(e));
  const status = statusOf(err);
  if (status === undefined) throw err;
  return { status, reason: err.message };
}

/** Checks strategy names and parameters; a Response for the first problem. */
function checkStrategies(
  deps: ServerDeps,
  list: readonly { name: string; params: unknown }[],
  field: string,
): Response | undefined {
  for (const s of list) {
    if (!deps.registry.find(s.name)) {
      return errorResponse(
        404,
        `${field}: unknown strategy "${s.name}": expected one of ${
          deps.registry.names().join(", ")
        }`,
        deps.redact,
      );
    }
    try {
      deps.registry.create(s.name, s.params);
    } catch (e) {
      if (e instanceof StrategyParamsError) {
        return errorResponse(400, `json.params: ${e.message}`, deps.redact);
      }
      throw e;
    }
  }
  return undefined;
}

function signalRoute(app: App, deps: ServerDeps): void {
  app.openapi(
    createRoute({
      method: "post",
      path: "/signals/generate",
      summary: "Run strategies now (or as of `at`): the same result as deno task signals --json",
      middleware: [guard(deps, "control")] as const,
      request: { body: { content: { "application/json": { schema: SignalRequestSchema } } } },
      responses: { 200: jsonContent(z.object({}).passthrough(), "the signal run"), ...ERRORS },
    }),
    async (c) => {
      const b = c.req.valid("json");
      const strategies = b.strategies ?? [...deps.config.signals.enabledStrategies];
      const params = b.params ?? {};
      for (const k of Object.keys(params)) {
        if (!strategies.some((s) => deps.registry.find(s) === deps.registry.find(k))) {
          return errorResponse(400, `json.params.${k}: not among the strategies run`) as Any;
        }
      }
      const overrides = (s: string) =>
        Object.entries(params).find(([k]) => deps.registry.find(k) === deps.registry.find(s))
          ?.[1];
      const bad = checkStrategies(
        deps,
        strategies.map((name) => ({ name, params: overrides(name) ?? {} })),
        "json.strategies",
      );
      if (bad) return bad as Any;
      try {
        const report = await runSignals(deps.store, {
          registry: deps.registry,
          strategies,
          params: Object.fromEntries(strategies.map((s) => [s, overrides(s) ?? {}])),
          assets: b.assets,
          defaultAssets: deps.config.collect.assets,
          at: b.at,
          wallClock: deps.now(),
          interval: b.interval ?? "1d",
          source: b.source,
          macroSource: b.macroSource,
          allowMixedSources: b.allowMixedSources === true,
          weights: {},
          limits: deps.config.risk,
          publication: {},
          save: b.save ?? true,
        });
        deps.metrics.signalRuns.inc({ outcome: "success" });
        const body = signalsJson(report);
        publishSignals(deps, body);
        return jsonResponse(body) as Any;
      } catch (e) {
        deps.metrics.signalRuns.inc({ outcome: "failed" });
        const f = failure(e);
        return errorResponse(f.status, f.reason, deps.redact) as Any;
      }
    },
  );
}

/** One `signal` message per signal and one `run` summary (also when nothing fired). */
function publishSignals(deps: ServerDeps, body: ReturnType<typeof signalsJson>): void {
  for (const e of signalRunEvents(body)) deps.hub.publish("signals", e.type, e.data);
}

type BacktestBody = z.infer<typeof BacktestRequestSchema>;

/** The strategies and their overrides, as `deno task backtest` splits `--params`. */
function strategiesOf(b: BacktestBody, deps: ServerDeps) {
  const names = b.strategy === undefined
    ? ["buy_hold"]
    : Array.isArray(b.strategy)
    ? b.strategy
    : [b.strategy];
  if (names.length === 1) return { names, list: [{ name: names[0], params: b.params ?? {} }] };
  const obj = b.params ?? {};
  for (const k of Object.keys(obj)) {
    if (!names.some((n) => deps.registry.find(n) === deps.registry.find(k))) {
      return { names, list: [], error: `json.params.${k}: not one of the strategies` };
    }
  }
  const list = names.map((name) => ({
    name,
    params: Object.entries(obj).find(([k]) => deps.registry.find(k) === deps.registry.find(name))
      ?.[1] ?? {},
  }));
  return { names, list };
}

async function backtest(
  deps: ServerDeps,
  b: BacktestBody,
  list: { name: string; params: unknown }[],
) {
  const files: { report?: string } = {};
  const several = list.length > 1 || b.risk === true;
  const out = await runBacktestJob({
    registry: deps.registry,
    strategies: list,
    pipeline: several ? createSignalPipeline({ limits: deps.config.risk }) : undefined,
    pipelineParams: several ? { aggregateAndRisk: { limits: deps.config.risk } } : undefined,
    symbols: b.symbols,
    start: b.start,
    end: b.end,
    interval: b.interval,
    source: b.source,
    macroSource: b.macroSource,
    allowMixedSources: b.allowMixedSources === true,
    capital: b.capital ?? 100_000,
    commission: b.commission,
    commissionFixed: b.commissionFixed,
    slippageBps: b.slippageBps,
    fill: b.fill,
    units: b.units,
    closeAtEnd: b.closeAtEnd,
    periodsPerYear: b.periodsPerYear,
    riskFree: b.riskFree,
    strict: b.strict === true,
    save: b.save === false ? false : undefined,
    // the CLI's --out, kept in memory: GET /backtests/{id}/report serves its report.html
    outDir: "report",
  }, {
    store: () => deps.store,
    now: deps.now,
    mkdir: () => Promise.resolve(),
    writeTextFile: (path, text) => {
      if (path.endsWith("/report.html")) files.report = text;
      return Promise.resolve();
    },
  });
  return { result: out.json, runId: out.runId, report: files.report };
}

function backtestRoute(app: App, deps: ServerDeps): void {
  app.openapi(
    createRoute({
      method: "post",
      path: "/backtest",
      summary: "Run a backtest: the result of deno task backtest --json, or 202 with a job id",
      middleware: [guard(deps, "control")] as const,
      request: { body: { content: { "application/json": { schema: BacktestRequestSchema } } } },
      responses: {
        200: jsonContent(z.object({}).passthrough(), "the result (deno task backtest --json)"),
        202: jsonContent(BacktestJobSchema, "still running: poll Location"),
        ...ERRORS,
      },
    }),
    async (c) => {
      const b = c.req.valid("json");
      if (b.start !== undefined && b.end !== undefined && b.start > b.end) {
        return errorResponse(400, "json.start: after json.end") as Any;
      }
      const { list, error } = strategiesOf(b, deps);
      if (error) return errorResponse(400, error) as Any;
      const bad = checkStrategies(deps, list, "json.strategy");
      if (bad) return bad as Any;
      const work = backtest(deps, b, list);
      work.then(
        () => deps.metrics.backtests.inc({ outcome: "success" }),
        () => deps.metrics.backtests.inc({ outcome: "failed" }),
      );
      const job = deps.jobs.track(work, failure);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<"late">((r) => {
        timer = setTimeout(() => r("late"), deps.config.api.syncTimeoutMs);
      });
      const first = await Promise.race([
        work.then(() => "done" as const, () => "done" as const),
        late,
      ]);
      clearTimeout(timer);
      if (first === "late" || job.status === "running") {
        deps.hub.publish("backtests", "started", { id: job.id });
        work.finally(() => deps.hub.publish("backtests", job.status, jobView(job))).catch(() => {});
        return jsonResponse({ id: job.id, status: "running" }, 202, {
          location: `/backtests/${job.id}`,
        }) as Any;
      }
      if (job.status === "failed") {
        return errorResponse(job.errorStatus ?? 422, job.error ?? "failed", deps.redact) as Any;
      }
      deps.hub.publish("backtests", "done", { id: job.id, runId: job.runId });
      return jsonResponse(job.result, 200, {
        link: `</backtests/${job.id}/report>; rel="report"`,
      }) as Any;
    },
  );
}

function jobView(job: ReturnType<ServerDeps["jobs"]["track"]>) {
  return {
    id: job.id,
    status: job.status,
    ...(job.runId !== undefined ? { runId: job.runId } : {}),
    ...(job.error ? { error: job.error } : {}),
  };
}

function storedRun(r: Awaited<ReturnType<ServerDeps["store"]["listBacktestRuns"]>>[number]) {
  return {
    ...r,
    created: isoTime(r.createdAt),
    start: r.startTs === undefined ? null : isoTime(r.startTs),
    end: r.endTs === undefined ? null : isoTime(r.endTs),
  };
}

async function showBacktest(deps: ServerDeps, c: Context, id: string): Promise<Response> {
  const job = deps.jobs.get(id);
  if (job) {
    return jsonResponse({ ...jobView(job), ...(job.result ? { result: job.result } : {}) });
  }
  if (!/^\d{1,15}$/.test(id)) {
    return errorResponse(
      400,
      `path.id: expected a run number or a job id (job-N), got "${id.slice(0, 40)}"`,
    );
  }
  const run = await deps.store.getBacktestRun(Number(id));
  if (!run) return errorResponse(404, `no backtest run ${id}`);
  void c;
  return jsonResponse({ status: "done", ...storedRun(run) });
}

function backtestRecords(app: App, deps: ServerDeps): void {
  const read = guard(deps, "read");
  app.openapi(
    createRoute({
      method: "get",
      path: "/backtests",
      summary: "Stored backtest runs, newest first",
      middleware: [read] as const,
      request: { query: z.object({ limit: intQuery(1, 1000).optional() }) },
      responses: { 200: jsonContent(z.object({}).passthrough(), "runs"), ...ERRORS },
    }),
    async (c) => {
      const runs = await deps.store.listBacktestRuns(c.req.valid("query").limit ?? 50);
      return jsonResponse({ runs: runs.map(storedRun) }) as Any;
    },
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/backtests/{id}",
      summary: "One stored run (a number) or an API job (job-N: running / done / failed)",
      middleware: [read] as const,
      request: { params: z.object({ id: z.string().min(1).max(40) }) },
      responses: { 200: jsonContent(z.object({}).passthrough(), "the run or job"), ...ERRORS },
    }),
    async (c) => (await showBacktest(deps, c, c.req.valid("param").id)) as Any,
  );
}

function reportRoute(app: App, deps: ServerDeps): void {
  app.openapi(
    createRoute({
      method: "get",
      path: "/backtests/{id}/report",
      summary: "The HTML report of a backtest this server ran (a job id or its stored run number)",
      middleware: [guard(deps, "read")] as const,
      request: { params: z.object({ id: z.string().min(1).max(40) }) },
      responses: {
        200: { description: "report.html", content: { "text/html": { schema: z.string() } } },
        ...ERRORS,
      },
    }),
    (c) => {
      const id = c.req.valid("param").id;
      const job = deps.jobs.get(id) ??
        (/^\d{1,15}$/.test(id) ? deps.jobs.byRunId(Number(id)) : undefined);
      if (job?.status === "running") {
        return errorResponse(409, `backtest ${id} is still running`) as Any;
      }
      if (!job?.report) {
        return errorResponse(
          404,
          `no report for backtest ${id}: reports are kept for the recent runs of this server ` +
            "(deno task backtest --out reports/x writes one for any run)",
        ) as Any;
      }
      return new Response(job.report, {
        headers: { "content-type": "text/html; charset=utf-8" },
      }) as Any;
    },
  );
}

/** Registers the routes that run work, and the stored runs. */
export function runRoutes(app: App, deps: ServerDeps): void {
  signalRoute(app, deps);
  backtestRoute(app, deps);
  backtestRecords(app, deps);
  reportRoute(app, deps);
}
