/**
 * The scheduler's runner: timers, the global concurrency cap, persistence, leadership and
 * graceful shutdown around the pure plan (`plan/plan.ts`).
 *
 * Loop: at start (and whenever this instance becomes the leader) the last handled slot of every
 * job is read from the store. Each tick plans every idle job: a due job starts (or waits in line
 * when the cap is reached, keeping the slot it is due for: once the next slot has begun, that
 * wait is coalesced into the current slot's run); a running job whose next slot has come has
 * that slot skipped (`overlap`), never queued; then one timer is set for the earliest next start. A run claims its
 * slot in the store first, so two processes sharing the database never run it twice.
 *
 * {@link SchedulerHandle.stop} starts no new runs, lets running jobs finish within the grace
 * period, then cancels them (their signal aborts) and waits for them to return — whatever they
 * write is committed or rolled back, and every run is recorded — before letting go of the lock.
 * @module
 */
import { getLogger } from "../log/logger.ts";
import type { JobStore } from "../storage/job_store.ts";
import type { LeaderLock } from "../storage/leader_lock.ts";
import { type ExecuteInput, executeRun, RunAbort } from "./execute.ts";
import type { ScheduledJob } from "./job.ts";
import { Leadership, type StandbyReason } from "./leadership.ts";
import type { SchedulerEvent } from "./plan/events.ts";
import { type DuePlan, overlapSkips, planAfterWait, planJob, runAt } from "./plan/plan.ts";
import type { ScheduleSettings } from "./plan/resolve.ts";
import { nextSlot, slotAt } from "./plan/slots.ts";
import { type JobTrack, type JobView, jobView } from "./status.ts";

/** Options of {@link startScheduler}. */
export interface SchedulerOptions {
  /** Where slots are claimed and runs recorded (and last handled slots read). */
  readonly store: JobStore;
  /** The jobs, in the order they are listed. Unavailable ones are listed, never run. */
  readonly jobs: readonly ScheduledJob[];
  /** Concurrency cap, catch-up bound, shutdown grace, lock expiry. */
  readonly settings: ScheduleSettings;
  /** With several instances: only the holder of this lock runs jobs. */
  readonly leader?: LeaderLock;
  /** Run each due job once (ignoring jitter), report the others as already run, then stop. */
  readonly once?: boolean;
  /** The clock (default `Date.now`). */
  readonly now?: () => number;
  /** Told of every started, finished and skipped run, and of leadership changes. */
  readonly onEvent?: (e: SchedulerEvent) => void;
  /** Aborting it stops the scheduler gracefully (as {@link SchedulerHandle.stop}). */
  readonly signal?: AbortSignal;
}

/** How to stop. */
export interface StopOptions {
  /** How long running jobs may go on before they are cancelled (default: the shutdown timeout). */
  readonly graceMs?: number;
  /** Why, for the record of cancelled runs (default `shutdown`). */
  readonly reason?: string;
}

/** What {@link SchedulerHandle.status} reports. */
export interface SchedulerStatus {
  /** `true`/`false` with a leader lock; `null` without one (this instance always runs jobs). */
  readonly leader: boolean | null;
  /** True once stopping began. */
  readonly stopping: boolean;
  /** Every job, in order. */
  readonly jobs: readonly JobView[];
}

/** A running scheduler. */
export interface SchedulerHandle {
  /** Stops gracefully (see the module doc); resolves once everything is recorded. */
  stop(options?: StopOptions): Promise<void>;
  /** The jobs, their next runs, last outcomes and what runs now. */
  status(): SchedulerStatus;
  /**
   * Resolves when the scheduler has stopped (by `stop`, the signal, or the end of `once`); rejects
   * when it could not start (the job state could not be read).
   */
  readonly done: Promise<void>;
}

/** Waits `ms` (forever for `Infinity`); `cancel` clears the timer. */
function sleep(ms: number): { promise: Promise<void>; cancel: () => void } {
  let id: ReturnType<typeof setTimeout> | undefined;
  const promise = new Promise<void>((resolve) => {
    if (Number.isFinite(ms)) id = setTimeout(resolve, Math.max(0, ms));
  });
  return { promise, cancel: () => clearTimeout(id) };
}

/** Races `p` against a wait of `ms`; true when `p` settled first. */
async function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  const wait = sleep(ms);
  const settled = await Promise.race([
    p.then(() => true, () => true),
    wait.promise.then(() => false),
  ]);
  wait.cancel();
  return settled;
}

/** The text of an abort reason: `interrupted by SIGTERM`. */
function reasonText(signal: AbortSignal): string {
  const r = signal.reason;
  return r instanceof Error ? r.message : r === undefined ? "shutdown" : String(r);
}

/** Takes a job out of the line: its slot is not run here (a restart or the new leader runs it). */
function leaveLine(t: JobTrack): void {
  t.queued = false;
  t.waiting = undefined;
}

/** See the module doc. */
class Scheduler implements SchedulerHandle {
  readonly #o: SchedulerOptions;
  readonly #now: () => number;
  readonly #tracks: JobTrack[];
  readonly #queue: JobTrack[] = [];
  readonly #writes = new Set<Promise<unknown>>();
  readonly #log = getLogger("scheduler");
  readonly #leadership?: Leadership;
  #cancel = new AbortController();
  #active = 0;
  #timer?: ReturnType<typeof setTimeout>;
  #ready = false;
  #stopping?: Promise<void>;
  #resolveDone!: () => void;
  #rejectDone!: (e: Error) => void;
  #failure?: Error;
  readonly done: Promise<void>;

  constructor(o: SchedulerOptions) {
    this.#o = o;
    this.#now = o.now ?? Date.now;
    this.#tracks = o.jobs.map((job) => ({ job, queued: false }));
    this.done = new Promise((resolve, reject) => {
      this.#resolveDone = resolve;
      this.#rejectDone = reject;
    });
    if (o.leader) {
      this.#leadership = new Leadership({
        lock: o.leader,
        ttlMs: o.settings.leaderTtlMs,
        now: this.#now,
        onChange: (leading, reason) => this.#onLeadership(leading, reason),
      });
    }
  }

  /** Reads the last handled slots, then starts leading (or competing for the lock). */
  async start(): Promise<void> {
    if (this.#o.signal?.aborted) return void this.stop();
    const signal = this.#o.signal;
    signal?.addEventListener("abort", () => void this.stop({ reason: reasonText(signal) }), {
      once: true,
    });
    await this.#load();
    if (this.#stopping) return;
    this.#ready = true;
    if (this.#leadership) this.#leadership.start();
    else this.#tick();
  }

  async #load(): Promise<void> {
    const states = new Map((await this.#o.store.jobStates()).map((s) => [s.job, s]));
    for (const t of this.#tracks) {
      const s = states.get(t.job.name);
      // never backwards: a skip this process recorded may not be written yet
      const stored = s?.handledSlot;
      if (stored !== undefined) t.handled = Math.max(t.handled ?? -Infinity, stored);
      t.last ??= s?.lastRun
        ? { outcome: s.lastRun.status, slot: s.lastRun.slot, endMs: s.lastRun.finishedAt }
        : undefined;
    }
  }

  #leading(): boolean {
    return this.#leadership ? this.#leadership.leading : true;
  }

  #emit(e: SchedulerEvent): void {
    try {
      this.#o.onEvent?.(e);
    } catch (err) {
      this.#log.warn("event handler failed", { error: (err as Error).message });
    }
  }

  #onLeadership(leading: boolean, reason?: StandbyReason): void {
    this.#emit({
      type: "leader",
      state: leading ? "leader" : "standby",
      atMs: this.#now(),
      ...(reason ? { reason } : {}),
    });
    this.#log.info(
      leading
        ? "leading: this instance runs the jobs"
        : reason === "unreachable"
        ? "standing by: the leader lock cannot be reached"
        : "standing by: another instance leads",
      {},
    );
    if (leading) {
      this.#cancel = new AbortController();
      // another instance may have run slots while this one stood by
      this.#track(this.#load()).then(() => this.#tick(), () => this.#tick());
      return;
    }
    clearTimeout(this.#timer);
    this.#queue.splice(0).forEach(leaveLine);
    this.#cancel.abort(new RunAbort("cancelled", "cancelled: leadership lost"));
  }

  #track<T>(p: Promise<T>): Promise<T> {
    this.#writes.add(p);
    p.finally(() => this.#writes.delete(p)).catch(() => {});
    return p;
  }

  /** Plans every job and sets the timer for the earliest next start (see the module doc). */
  #tick(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#stopping || !this.#ready) return;
    if (!this.#leading()) {
      // standing by, or the hold lapsed until the next beat: look again a beat later
      const beat = Math.max(1, Math.floor(this.#o.settings.leaderTtlMs / 3));
      this.#timer = setTimeout(() => this.#tick(), beat);
      return;
    }
    const now = this.#now();
    let wake = Infinity;
    for (const t of this.#tracks) {
      if (!t.job.run || t.queued || t.onceDone) continue;
      if (t.running) {
        wake = Math.min(wake, this.#skipOverlaps(t, now));
        continue;
      }
      const plan = t.waiting ? this.#afterWait(t, t.waiting, now) : planJob({
        name: t.job.name,
        cadence: t.job.cadence,
        handledSlot: t.handled,
        nowMs: now,
        maxCatchUpMs: this.#o.settings.maxCatchUpMs,
        ignoreJitter: this.#o.once,
      });
      t.next = plan.due ? { slot: plan.slot, atMs: now } : { slot: plan.slot, atMs: plan.runAtMs };
      if (plan.due) {
        this.#launch(t, plan);
        // a running job is looked at again when its next slot comes (to skip it)
        if (t.running) {
          wake = Math.min(
            wake,
            runAt(t.job.name, t.job.cadence, nextSlot(t.job.cadence, plan.slot)),
          );
        }
      } else if (this.#o.once) this.#alreadyRan(t, now);
      else wake = Math.min(wake, plan.runAtMs);
    }
    if (this.#o.once) this.#finishOnce();
    else if (wake < Infinity) this.#timer = setTimeout(() => this.#tick(), Math.max(0, wake - now));
  }

  /** The run of a job that got a place in line (see `planAfterWait`); says when it coalesces. */
  #afterWait(t: JobTrack, queued: DuePlan, now: number): DuePlan {
    const plan = planAfterWait({
      name: t.job.name,
      cadence: t.job.cadence,
      queued,
      handledSlot: t.handled,
      nowMs: now,
      maxCatchUpMs: this.#o.settings.maxCatchUpMs,
    });
    if (plan.slot !== queued.slot) {
      this.#log.warn("waited for a concurrency place past the next slot: coalesced", {
        job: t.job.name,
        queuedSlot: queued.slot,
        slot: plan.slot,
        missedSlots: plan.missedSlots,
      });
    }
    return plan;
  }

  #alreadyRan(t: JobTrack, now: number): void {
    t.onceDone = true;
    this.#emit({
      type: "skipped",
      job: t.job.name,
      slot: slotAt(t.job.cadence, now),
      reason: "already-ran",
      atMs: now,
    });
  }

  #finishOnce(): void {
    const busy = this.#tracks.some((t) => t.running || t.queued || (t.job.run && !t.onceDone));
    if (!busy) void this.stop({ reason: "once: every due job ran" });
  }

  /** Skips the slots that came while `t` runs; returns when to check again. */
  #skipOverlaps(t: JobTrack, now: number): number {
    const after = Math.max(t.running!.slot, t.handled ?? -Infinity);
    const skips = overlapSkips(t.job.name, t.job.cadence, after, now);
    for (const slot of skips.slots) {
      this.#log.warn("slot skipped: the previous run is still going", { job: t.job.name, slot });
      this.#emit({ type: "skipped", job: t.job.name, slot, reason: "overlap", atMs: now });
      this.#track(this.#o.store.recordSkippedSlot(t.job.name, slot, now, "overlap")).catch((e) =>
        this.#log.error("could not record a skipped slot", { error: (e as Error).message })
      );
    }
    if (skips.slots.length) t.handled = skips.slots[skips.slots.length - 1];
    return skips.nextCheckMs;
  }

  #launch(t: JobTrack, plan: DuePlan): void {
    if (this.#active >= this.#o.settings.concurrency) {
      // in line with the slot it is due for: a wait never drops that slot (see planAfterWait)
      t.queued = true;
      t.waiting = plan;
      this.#queue.push(t);
      return;
    }
    t.waiting = undefined;
    this.#active++;
    const run = this.#run(t, plan);
    t.running = { slot: plan.slot, startMs: this.#now(), promise: run };
  }

  async #run(t: JobTrack, plan: DuePlan): Promise<void> {
    const input: ExecuteInput = {
      job: t.job as ExecuteInput["job"],
      plan,
      store: this.#o.store,
      now: this.#now,
      cancel: this.#cancel.signal,
      onStarted: (e) => this.#emit(e),
    };
    try {
      const finished = await this.#track(executeRun(input));
      if (!finished) {
        this.#log.debug("slot already claimed by another process", { job: t.job.name });
        t.handled = Math.max(t.handled ?? -Infinity, plan.slot);
      } else {
        if (finished.outcome !== "cancelled") {
          t.handled = Math.max(t.handled ?? -Infinity, plan.slot);
        }
        t.last = { outcome: finished.outcome, slot: plan.slot, endMs: finished.endMs };
        const { type: _t, detail: _d, ...fields } = finished;
        if (finished.outcome === "success") this.#log.info("run finished", fields);
        else this.#log.warn("run did not succeed", fields);
        this.#emit(finished);
      }
    } catch (e) {
      // the store failed: count the slot as handled so that a broken database is no busy loop
      this.#log.error("could not run or record a job", {
        job: t.job.name,
        error: (e as Error).message,
      });
      t.handled = Math.max(t.handled ?? -Infinity, plan.slot);
    } finally {
      // slots whose start came while this run went on are skipped, even if no timer saw them
      if (!this.#stopping) this.#skipOverlaps(t, this.#now());
      t.running = undefined;
      if (this.#o.once) t.onceDone = true;
      this.#active--;
      for (const q of this.#queue.splice(0, this.#o.settings.concurrency - this.#active)) {
        q.queued = false;
      }
      this.#tick();
    }
  }

  stop(options: StopOptions = {}): Promise<void> {
    this.#stopping ??= this.#shutdown(options);
    return this.#stopping;
  }

  async #shutdown(o: StopOptions): Promise<void> {
    clearTimeout(this.#timer);
    this.#queue.splice(0).forEach(leaveLine);
    const running = Promise.all(this.#tracks.map((t) => t.running?.promise));
    const grace = o.graceMs ?? this.#o.settings.shutdownTimeoutMs;
    if (!await within(running, grace)) {
      const why = o.reason ?? "shutdown";
      this.#log.warn("cancelling running jobs", { reason: why });
      this.#cancel.abort(new RunAbort("cancelled", `cancelled: ${why}`));
      // jobs return soon after their signal aborts; one that does not is left to the process end
      if (!await within(running, Math.max(grace, 5_000))) {
        this.#log.error("a cancelled job did not return; its slot reads as interrupted", {});
      }
    }
    await Promise.allSettled([...this.#writes]);
    await this.#leadership?.stop();
    if (this.#failure) this.#rejectDone(this.#failure);
    else this.#resolveDone();
  }

  /** Stops because starting failed; {@link SchedulerHandle.done} rejects with `e`. */
  fail(e: Error): Promise<void> {
    this.#failure ??= e;
    return this.stop({ graceMs: 0, reason: `start failed: ${e.message}` });
  }

  status(): SchedulerStatus {
    return {
      leader: this.#leadership ? this.#leadership.leading : null,
      stopping: this.#stopping !== undefined,
      jobs: this.#tracks.map((t) => jobView(t)),
    };
  }
}

/**
 * Starts the scheduler (see the module doc) and returns its handle at once; the jobs' state is
 * read and the first runs start in the background.
 *
 * @example
 * ```ts
 * import { SqliteStore } from "../storage/sqlite_store.ts";
 * import { startScheduler } from "./runner.ts";
 * import { everyCadence } from "./plan/cadence.ts";
 * import { DEFAULT_SETTINGS } from "./plan/resolve.ts";
 * const store = SqliteStore.open(":memory:");
 * const handle = startScheduler({
 *   store,
 *   settings: DEFAULT_SETTINGS,
 *   jobs: [{
 *     name: "hello", kind: "demo", cadence: everyCadence("1m"), timeoutMs: 10_000, retries: 0,
 *     retryDelayMs: 0, options: {}, run: () => Promise.resolve({ outcome: "success" }),
 *   }],
 *   onEvent: (e) => console.log(e),
 * });
 * await handle.stop();
 * ```
 */
export function startScheduler(options: SchedulerOptions): SchedulerHandle {
  if (!(options.settings.concurrency >= 1)) {
    throw new RangeError("Cannot start the scheduler: concurrency must be at least 1");
  }
  const s = new Scheduler(options);
  s.start().catch((e) => {
    getLogger("scheduler").error("could not start", { error: (e as Error).message });
    void s.fail(e instanceof Error ? e : new Error(String(e)));
  });
  return s;
}
