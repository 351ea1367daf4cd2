import assert from "node:assert/strict";
import type { PublishedEvent } from "../streams/published.ts";
import {
  publishedCollectionRun,
  RunFinishedEventSchema,
  runStartedEvent,
} from "./published_events.ts";

const started = runStartedEvent({ task: "collect", subjects: ["bitcoin"], days: 3 });

Deno.test("a collection run is published between run_started and its run_finished", async () => {
  const seen: [string, PublishedEvent][] = [];
  const report = {
    runId: 7,
    status: "success" as const,
    rowsWritten: 3,
    items: [{
      source: "coingecko",
      subject: "bitcoin",
      interval: "1d",
      status: "success" as const,
      rowsWritten: 3,
    }],
  };
  const got = await publishedCollectionRun(
    (c, e) => seen.push([c, e]),
    started,
    "collect",
    "daily",
    () => {
      assert.equal(seen.length, 1, "run_started goes out before the run");
      return Promise.resolve(report);
    },
  );
  assert.equal(got, report);
  assert.deepEqual(seen.map(([c, e]) => [c, e.type]), [
    ["collection", "run_started"],
    ["collection", "run_finished"],
  ]);
  const data = RunFinishedEventSchema.parse(seen[1][1].data);
  assert.equal(data.runId, 7);
  assert.equal(data.status, "success");
  assert.equal(data.job, "daily");
});

Deno.test("a collection run that throws still gets its run_finished: failed, with the redacted error", async () => {
  const seen: PublishedEvent[] = [];
  const boom = new Error("database is locked at /srv/key=SECRET");
  await assert.rejects(
    publishedCollectionRun(
      (_c, e) => seen.push(e),
      started,
      "collect",
      undefined,
      () => Promise.reject(boom),
      (t) => t.replace("SECRET", "***"),
    ),
    (e) => e === boom, // the same error goes on to the caller
  );
  assert.deepEqual(seen.map((e) => e.type), ["run_started", "run_finished"]);
  const data = RunFinishedEventSchema.parse(seen[1].data);
  assert.deepEqual(data, {
    task: "collect",
    status: "failed",
    rowsWritten: 0,
    failures: 0,
    items: [],
    error: "database is locked at /srv/key=***",
  });
  assert.equal(data.runId, undefined);
});

Deno.test("without a sink a collection run just runs", async () => {
  assert.equal(
    await publishedCollectionRun(
      undefined,
      started,
      "macro",
      undefined,
      () => Promise.resolve(5 as never),
    ),
    5,
  );
});
