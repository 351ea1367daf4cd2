/**
 * The scheduler's planning cost: one decision per job per tick for a fixed period (arithmetic),
 * and the catch-up count of a cron cadence after a week of downtime (walked slot by slot through
 * croner), the worst case the planner meets — once, at start-up after the downtime.
 */
import { cronCadence, everyCadence } from "../lib/scheduler/plan/cadence.ts";
import { jitterMs } from "../lib/scheduler/plan/jitter.ts";
import { overlapSkips, planJob } from "../lib/scheduler/plan/plan.ts";

const H = 3_600_000;
const D = 24 * H;
const T0 = Date.UTC(2024, 0, 1);
const hourly = everyCadence("1h");
const everyMinute = cronCadence("* * * * *");
const weekdays = cronCadence("30 22 * * 1-5");

Deno.bench("plan: a period job in its normal slot", () => {
  planJob({
    name: "collect",
    cadence: hourly,
    handledSlot: T0 - H,
    nowMs: T0 + 60_000,
    maxCatchUpMs: 7 * D,
  });
});

Deno.bench("plan: a period job after 3 days down (one catch-up of 71 slots)", () => {
  planJob({
    name: "collect",
    cadence: hourly,
    handledSlot: T0,
    nowMs: T0 + 72 * H + 600_000,
    maxCatchUpMs: 7 * D,
  });
});

Deno.bench("plan: a weekday cron job in its normal slot", () => {
  planJob({
    name: "macro",
    cadence: weekdays,
    handledSlot: T0 + 22.5 * H,
    nowMs: T0 + 23 * H,
    maxCatchUpMs: 7 * D,
  });
});

Deno.bench("plan: an every-minute cron job after a week down (10,080 missed slots counted)", () => {
  planJob({
    name: "ticks",
    cadence: everyMinute,
    handledSlot: T0,
    nowMs: T0 + 7 * D + 30_000,
    maxCatchUpMs: 7 * D,
  });
});

Deno.bench(
  "overlap: a 1 s job that ran for a day (86,400 skipped slots, newest 1,000 listed)",
  () => {
    overlapSkips("fast", everyCadence("1s"), T0, T0 + D);
  },
);

Deno.bench("jitter of one job name", () => {
  jitterMs("collect", H);
});
