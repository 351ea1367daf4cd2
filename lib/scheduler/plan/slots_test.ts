import assert from "node:assert/strict";
import fc from "fast-check";
import { cronCadence, everyCadence, parseCadence } from "./cadence.ts";
import { countSlots, nextSlot, slotAt, slotLength } from "./slots.ts";

const H = 3_600_000;
const D = 24 * H;
const T0 = Date.UTC(2024, 0, 1); // a Monday

Deno.test("period slots are multiples of the period from the epoch, whatever the time asked", () => {
  const six = everyCadence("6h");
  assert.equal(slotAt(six, T0 + 5 * H + 59 * 60_000), T0);
  assert.equal(slotAt(six, T0 + 6 * H), T0 + 6 * H);
  assert.equal(nextSlot(six, T0 + 6 * H), T0 + 12 * H);
  assert.equal(nextSlot(six, T0 + 7 * H), T0 + 12 * H);
  // 7 minutes does not divide an hour: slots still count from the epoch, not from the hour
  const seven = everyCadence("7m");
  const t = Date.UTC(2024, 0, 1, 10, 3);
  assert.equal(slotAt(seven, t) % (7 * 60_000), 0);
  assert.ok(slotAt(seven, t) <= t && t < slotAt(seven, t) + 7 * 60_000);
  assert.equal(slotAt(everyCadence("1d"), T0 + 23 * H), T0, "daily slots start at 00:00 UTC");
});

Deno.test("cron slots are the expression's fire times in UTC", () => {
  const c = cronCadence("30 22 * * 1-5");
  // Monday 2024-01-01 22:30 UTC fires; at 22:29 the latest fire is the previous Friday's
  assert.equal(slotAt(c, T0 + 22.5 * H), T0 + 22.5 * H);
  assert.equal(slotAt(c, T0 + 22.5 * H - 60_000), Date.UTC(2023, 11, 29, 22, 30));
  assert.equal(nextSlot(c, T0 + 22.5 * H), Date.UTC(2024, 0, 2, 22, 30));
  // Friday's slot lasts until Monday's
  assert.equal(slotLength(c, Date.UTC(2024, 0, 5, 22, 30)), 3 * D);
});

Deno.test("slotAt is the latest slot at or before t, and nextSlot the first after it (property)", () => {
  const cadences = [everyCadence("1h"), everyCadence(45), cronCadence("*/15 9-17 * * 1-5")];
  fc.assert(
    fc.property(fc.integer({ min: T0, max: T0 + 60 * D }), fc.constantFrom(...cadences), (t, c) => {
      const s = slotAt(c, t);
      const n = nextSlot(c, s);
      assert.ok(s <= t, "slot starts at or before t");
      assert.ok(n > t, "the next slot starts after t");
      assert.equal(slotAt(c, s), s, "a slot's start is its own slot");
      assert.equal(nextSlot(c, t), n);
    }),
    { numRuns: 300 },
  );
});

Deno.test("countSlots counts the slots strictly between two times, not before a horizon", () => {
  const h = everyCadence("1h");
  assert.deepEqual(countSlots(h, T0, T0 + 72 * H, 0), { count: 71, first: T0 + H });
  assert.deepEqual(countSlots(h, T0, T0 + H, 0), { count: 0 });
  // only slots at or after the horizon count: 10:00 .. 71:00 is 62 slots
  assert.deepEqual(countSlots(h, T0, T0 + 72 * H, T0 + 10 * H), { count: 62, first: T0 + 10 * H });
  assert.deepEqual(countSlots(h, T0, T0 + 72 * H, T0 + 9.5 * H), { count: 62, first: T0 + 10 * H });
  const weekdays = cronCadence("0 12 * * 1-5");
  // Mon 1st 12:00 (exclusive) .. Mon 8th 12:00 (exclusive): Tue, Wed, Thu, Fri
  const c = countSlots(weekdays, T0 + 12 * H, T0 + 7 * D + 12 * H, 0);
  assert.deepEqual(c, { count: 4, first: T0 + D + 12 * H });
});

Deno.test("cadences: units, bare minutes, cron by its spaces; bad values say what is expected", () => {
  assert.deepEqual(everyCadence("30s"), { kind: "every", ms: 30_000 });
  assert.deepEqual(everyCadence(30), { kind: "every", ms: 1_800_000 });
  assert.deepEqual(everyCadence("30"), { kind: "every", ms: 1_800_000 });
  assert.deepEqual(everyCadence("1.5h"), { kind: "every", ms: 5_400_000 });
  assert.equal(parseCadence("0 */6 * * *").kind, "cron");
  assert.equal(parseCadence("2s").kind, "every");
  assert.throws(() => everyCadence("soon"), /expected a duration such as 30s, 15m, 6h or 1d/);
  assert.throws(() => everyCadence("0"), /from 1s to 366d/);
  assert.throws(() => everyCadence("1.5s"), /whole seconds/);
  assert.throws(() => cronCadence("61 * * * *"), /valid cron expression.*minute/);
  assert.throws(() => cronCadence("* * * * * *"), /five fields/);
});

Deno.test("cron slots are UTC whatever the machine's time zone", async () => {
  const script = `
    import { cronCadence } from "${new URL("./cadence.ts", import.meta.url)}";
    import { nextSlot, slotAt } from "${new URL("./slots.ts", import.meta.url)}";
    const c = cronCadence("30 22 * * 1-5");
    const t = Date.UTC(2024, 0, 1, 23);
    console.log(JSON.stringify([slotAt(c, t), nextSlot(c, t)]));`;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--ext=ts", script],
    env: { TZ: "America/New_York" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  assert.deepEqual(JSON.parse(new TextDecoder().decode(out.stdout)), [
    Date.UTC(2024, 0, 1, 22, 30),
    Date.UTC(2024, 0, 2, 22, 30),
  ]);
});
