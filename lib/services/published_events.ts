/**
 * The events mts publishes for the API server's WebSocket clients, one definition for every
 * publisher — the server itself (`POST /signals/generate`, `serve --schedule`) and the other
 * processes (`deno task signals`, `collect`, `macro`, `schedule`, through Redis on
 * `EVENT_CHANNELS` of `lib/streams/published.ts`): the zod schemas of their data (the relay checks
 * what other processes send against them, the OpenAPI document lists them) and the functions
 * that build them, so an event has the same shape whoever sends it.
 *
 * | channel      | type           | data                                                  |
 * | ------------ | -------------- | ----------------------------------------------------- |
 * | `signals`    | `signal`       | one signal of a run (strategy or `aggregate`)         |
 * | `signals`    | `run`          | the run's summary, also when nothing fired            |
 * | `collection` | `run_started`  | a collect / macro run started: task, source, subjects |
 * | `collection` | `run_finished` | its outcome: status, rows, per-series rows and errors |
 * | `collection` | `finished`     | a scheduled job's run finished (`schedule --json`)    |
 * | `collection` | `skipped`      | a scheduled slot was skipped                          |
 * @module
 */
import { z } from "zod";
import { isoTime } from "../core/time.ts";
import { jsonLine, type SchedulerEvent } from "../scheduler/plan/events.ts";
import type { RunItem } from "../storage/run_store.ts";
import type { EVENT_CHANNELS, PublishedEvent } from "../streams/published.ts";
import type { signalsJson } from "./signal_json.ts";

/** A WebSocket channel other processes publish on. */
export type EventChannel = keyof typeof EVENT_CHANNELS;

/** Where events go: the hub in the server, Redis in another process, nowhere without Redis. */
export type EventSink = (channel: EventChannel, event: PublishedEvent) => void;

/** A signal as a `signals` / `signal` message carries it (as `signals --json` prints it). */
export const SignalEventSchema = z.looseObject({
  time: z.string(),
  ts: z.number(),
  asset: z.string(),
  direction: z.enum(["long", "short", "flat"]),
  confidence: z.number(),
  size: z.number(),
  strategy: z.string(),
  reason: z.string(),
  price: z.number().nullable().optional(),
});

/** The `signals` / `run` summary of a signal run. */
export const SignalRunEventSchema = z.object({
  now: z.string(),
  at: z.string(),
  assets: z.array(z.string()),
  /** The strategies run, with their complete parameters. */
  strategies: z.array(
    z.looseObject({ name: z.string(), params: z.record(z.string(), z.unknown()) }),
  ),
  signals: z.int().min(0),
  aggregate: z.int().min(0),
  stored: z.int().min(0),
});

/** `collection` / `run_started`: a collection run began. */
export const RunStartedEventSchema = z.object({
  task: z.string(),
  source: z.string().optional(),
  subjects: z.array(z.string()),
  interval: z.string().optional(),
  days: z.number().optional(),
  job: z.string().optional(),
});

/** `collection` / `run_finished`: a collection run ended. */
export const RunFinishedEventSchema = z.object({
  task: z.string(),
  /** The run's record; absent when the run failed before it was recorded (then `error` says why). */
  runId: z.int().optional(),
  status: z.enum(["success", "partial", "failed", "running"]),
  rowsWritten: z.int().min(0),
  failures: z.int().min(0),
  items: z.array(z.object({
    source: z.string(),
    subject: z.string(),
    interval: z.string().optional(),
    status: z.enum(["success", "failed", "skipped"]),
    rowsWritten: z.int().min(0),
    error: z.string().optional(),
  })),
  from: z.string().optional(),
  to: z.string().optional(),
  error: z.string().optional(),
  job: z.string().optional(),
});

/** `collection` / `finished`: a scheduled run ended (the line `schedule --json` prints). */
export const JobFinishedEventSchema = z.looseObject({
  job: z.string(),
  slot: z.string(),
  start: z.string(),
  end: z.string(),
  outcome: z.enum(["success", "partial", "failed", "timeout", "cancelled"]),
  attempts: z.int(),
});

/** `collection` / `skipped`: a scheduled slot was not run. */
export const JobSkippedEventSchema = z.object({
  job: z.string(),
  slot: z.string(),
  skipped: z.enum(["overlap", "already-ran"]),
});

/** The schema of each known `channel:type` (other types pass unchecked). */
export const EVENT_SCHEMAS: Readonly<Record<string, z.ZodType>> = {
  "signals:signal": SignalEventSchema,
  "signals:run": SignalRunEventSchema,
  "collection:run_started": RunStartedEventSchema,
  "collection:run_finished": RunFinishedEventSchema,
  "collection:finished": JobFinishedEventSchema,
  "collection:skipped": JobSkippedEventSchema,
};

/** The schemas by OpenAPI component name (`GET /openapi.json` lists them). */
export const EVENT_COMPONENTS: Readonly<Record<string, z.ZodType>> = {
  SignalEvent: SignalEventSchema,
  SignalRunEvent: SignalRunEventSchema,
  CollectionRunStartedEvent: RunStartedEventSchema,
  CollectionRunFinishedEvent: RunFinishedEventSchema,
  JobFinishedEvent: JobFinishedEventSchema,
  JobSkippedEvent: JobSkippedEventSchema,
};

/** The problem of an event that breaks its schema, or undefined when it is fine or unknown. */
export function eventProblem(channel: string, e: PublishedEvent): string | undefined {
  const schema = EVENT_SCHEMAS[`${channel}:${e.type}`];
  if (!schema) return undefined;
  const r = schema.safeParse(e.data);
  if (r.success) return undefined;
  const i = r.error.issues[0];
  return `${e.type}: data.${i.path.map(String).join(".")}: ${i.message}`;
}

/** One `signal` event per signal (the strategies', then the aggregate's) and one `run`. */
export function signalRunEvents(body: ReturnType<typeof signalsJson>): PublishedEvent[] {
  return [
    ...[...body.signals, ...body.aggregate.signals].map((s) => ({ type: "signal", data: s })),
    {
      type: "run",
      data: {
        now: body.now,
        at: body.at,
        assets: [...body.assets],
        strategies: body.strategies.map((st) => ({ name: st.name, params: { ...st.params } })),
        signals: body.signals.length,
        aggregate: body.aggregate.signals.length,
        stored: body.stored,
      } satisfies z.infer<typeof SignalRunEventSchema>,
    },
  ];
}

/** `run_started` of a collection run. */
export function runStartedEvent(data: z.infer<typeof RunStartedEventSchema>): PublishedEvent {
  return { type: "run_started", data };
}

/** What {@link runFinishedEvent} reads of a collect or macro report. */
export interface FinishedRun {
  readonly runId: number;
  readonly status: "success" | "partial" | "failed" | "running";
  readonly rowsWritten: number;
  readonly items: readonly RunItem[];
  readonly window?: { readonly from: number; readonly to: number };
  readonly error?: string;
}

/**
 * Runs a collection run between its two events: `run_started` before `run`, then `run_finished`
 * with its report — or, when `run` throws (a store that cannot be written, an abort before the run
 * was recorded), a `run_finished` with status `failed`, no rows and the error (through `redact`),
 * and the error rethrown. So a subscriber never sees a start without an end.
 */
export async function publishedCollectionRun<R extends FinishedRun>(
  sink: EventSink | undefined,
  started: PublishedEvent,
  task: string,
  job: string | undefined,
  run: () => Promise<R>,
  redact: (text: string) => string = (t) => t,
): Promise<R> {
  sink?.("collection", started);
  let report: R;
  try {
    report = await run();
  } catch (e) {
    const error = redact(e instanceof Error ? e.message : String(e));
    const data: z.infer<typeof RunFinishedEventSchema> = {
      task,
      status: "failed",
      rowsWritten: 0,
      failures: 0,
      items: [],
      error,
      ...(job ? { job } : {}),
    };
    sink?.("collection", { type: "run_finished", data });
    throw e;
  }
  sink?.("collection", runFinishedEvent(task, report, job));
  return report;
}

/** `run_finished` of a collection run: its outcome and every series' rows and error. */
export function runFinishedEvent(task: string, r: FinishedRun, job?: string): PublishedEvent {
  const data: z.infer<typeof RunFinishedEventSchema> = {
    task,
    runId: r.runId,
    status: r.status,
    rowsWritten: r.rowsWritten,
    failures: r.items.filter((i) => i.status === "failed").length,
    items: r.items.map((i) => ({
      source: i.source,
      subject: i.subject,
      ...(i.interval ? { interval: i.interval } : {}),
      status: i.status,
      rowsWritten: i.rowsWritten,
      ...(i.error ? { error: i.error } : {}),
    })),
    ...(r.window ? { from: isoTime(r.window.from), to: isoTime(r.window.to) } : {}),
    ...(r.error ? { error: r.error } : {}),
    ...(job ? { job } : {}),
  };
  return { type: "run_finished", data };
}

/** The `collection` event of a scheduler event (finished, skipped), or undefined. */
export function schedulerEvent(e: SchedulerEvent): PublishedEvent | undefined {
  const line = jsonLine(e);
  if (line === undefined) return undefined;
  const data = JSON.parse(line);
  if (e.type === "finished" && e.error) data.error = e.error;
  return { type: e.type, data };
}
