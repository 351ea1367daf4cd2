/**
 * Two `deno task schedule` processes sharing one database and a real redis-server: the one that
 * holds the leader lock runs every slot and the other stands by (prints nothing); after the
 * leader is killed with SIGKILL — no chance to release the lock — the standby takes over once the
 * lock expires, and no slot is run twice.
 */
import assert from "node:assert/strict";
import { testRedis } from "../helpers/redis.ts";
import { FINISHED_KEYS, sandbox, ScheduleProcess } from "./helpers.ts";

const finishedSlots = (p: ScheduleProcess) =>
  p.json().filter((l) => "outcome" in l).map((l) => Date.parse(String(l.slot)));

Deno.test("two instances with Redis: exactly one runs each slot; the standby takes over when the leader is killed", async () => {
  const redis = await testRedis();
  if (!redis) return;
  const sb = sandbox("test-schedule-leader");
  const env = { ...sb.env, REDIS_URL: redis.url };
  const args = ["--backup", "--interval", "1s", "--leader-ttl", "2s", "--json"];
  const a = new ScheduleProcess(args, env);
  const b = new ScheduleProcess(args, env);
  try {
    const both = () => finishedSlots(a).length + finishedSlots(b).length;
    await a.waitFor(() => both() >= 3, "three runs between the two instances");
    const [leader, standby] = finishedSlots(a).length > 0 ? [a, b] : [b, a];
    assert.deepEqual(finishedSlots(standby), [], "the standby ran nothing while the leader lived");
    leader.child.kill("SIGKILL");
    await leader.exit();
    const ledUntil = Math.max(...finishedSlots(leader));
    await standby.waitFor(() => finishedSlots(standby).length >= 2, "the standby to take over");
    standby.child.kill("SIGTERM");
    assert.equal(await standby.exit(), 0, standby.stderr);

    const led = finishedSlots(leader), took = finishedSlots(standby);
    assert.ok(
      took.every((s) => s > ledUntil),
      "the standby only ran slots after the leader's last",
    );
    const all = [...led, ...took];
    assert.equal(
      new Set(all).size,
      all.length,
      `a slot ran twice: ${all.map((s) => new Date(s).toISOString())}`,
    );
    for (const line of [...leader.json(), ...standby.json()]) {
      if ("outcome" in line) {
        assert.deepEqual(Object.keys(line), FINISHED_KEYS);
        assert.equal(line.outcome, "success");
      }
    }
    const store = sb.open();
    try {
      const runs = await store.listJobRuns({ job: "backup" });
      const done = runs.filter((r) => r.status === "success").map((r) => r.slot).sort();
      assert.deepEqual(done, [...all].sort(), "the database holds exactly the runs both printed");
    } finally {
      store.close();
    }
  } finally {
    for (const p of [a, b]) {
      try {
        p.child.kill("SIGKILL");
      } catch { /* already ended */ }
      await p.exit();
    }
    await sb.cleanup();
    await redis.stop();
  }
});
