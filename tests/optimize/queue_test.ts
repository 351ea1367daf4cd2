/**
 * Distributed sweeps end to end on a real redis-server: `deno task worker` processes and
 * `deno task optimize --queue`, each spawned with its deno.json permission set (plus loopback),
 * give exactly the table a local `deno task optimize` gives; a rerun does no new work; a worker
 * killed with SIGKILL mid-sweep loses nothing; SIGTERM exits 0.
 */
import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { testRedis } from "../helpers/redis.ts";
import { taskArgs } from "../helpers/task_permissions.ts";
import { optimizeJson, ROOT, withDir, writeBars } from "./helpers.ts";

/** A deterministic random walk (an LCG, so the test data never changes). */
function walk(n: number): number[] {
  let seed = 12345, c = 100;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    c *= 1 + (seed / 2 ** 31 - 0.5) * 0.06;
    out.push(Math.round(c * 1e6) / 1e6);
  }
  return out;
}

const GRID = '{"fast":[2,3,5,8,13,21],"slow":[30,40,55,75,100,150]}';

/** A spawned task whose stdout is collected as it comes. */
class Proc {
  readonly child: Deno.ChildProcess;
  out = "";
  err = "";
  readonly done: Promise<Deno.CommandStatus>;
  constructor(name: string, args: string[], env: Record<string, string>) {
    this.child = new Deno.Command("deno", {
      args: [...taskArgs(name, { loopback: true }), ...args],
      cwd: ROOT,
      env,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const read = async (s: ReadableStream<Uint8Array<ArrayBuffer>>, put: (t: string) => void) => {
      for await (const t of s.pipeThrough(new TextDecoderStream())) put(t);
    };
    const r1 = read(this.child.stdout, (t) => this.out += t);
    const r2 = read(this.child.stderr, (t) => this.err += t);
    this.done = Promise.all([this.child.status, r1, r2]).then(([s]) => s);
  }
  async waitFor(what: string, ok: () => boolean, ms = 60_000): Promise<void> {
    const until = Date.now() + ms;
    while (!ok()) {
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}: ${this.err}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

function env(dir: string, url: string, queue: string, db = "mts.db"): Record<string, string> {
  return {
    REDIS_URL: url,
    QUEUE_NAME: queue,
    DATABASE_PATH: `${dir}/${db}`,
    LOG_FILE: "",
    NO_COLOR: "1",
  };
}

async function startWorker(e: Record<string, string>, extra: string[] = []): Promise<Proc> {
  const w = new Proc("worker", extra, e);
  await w.waitFor("the ready line", () => w.out.includes("\n"));
  assert.match(w.out, /^worker ready: queue \S+ on redis:\/\/127\.0\.0\.1:\d+\/0, concurrency/);
  return w;
}

async function queued(args: string[], e: Record<string, string>) {
  const p = new Proc("optimize", [...args, "--queue", "--json"], e);
  const s = await p.done;
  assert.equal(s.code, 0, p.err);
  return JSON.parse(p.out);
}

async function stop(w: Proc): Promise<void> {
  w.child.kill("SIGTERM");
  const s = await w.done;
  assert.equal(s.code, 0, `a worker exits 0 on SIGTERM: ${w.err}`);
  assert.equal(w.out.trim().split("\n").length, 1, "a worker prints one line");
}

/** The completed jobs of a queue with their finishing times. */
async function completed(url: string, queue: string): Promise<string[]> {
  const r = new Redis(url);
  try {
    return await r.zrange(`bull:${queue}:completed`, 0, -1, "WITHSCORES");
  } finally {
    r.disconnect();
  }
}

Deno.test("two workers and optimize --queue give the local table; a rerun by another user runs nothing", async () => {
  const redis = await testRedis();
  if (!redis) return;
  try {
    await withDir(async (dir) => {
      const file = `${dir}/walk.csv`;
      writeBars(file, "2000-01-01", walk(3000));
      const q = `test-${crypto.randomUUID().slice(0, 8)}`;
      const args = ["--data", file, "--asset", "walk", "--strategy", "sma_cross", "--grid", GRID];
      const workers = [
        await startWorker(env(dir, redis.url, q)),
        await startWorker(env(dir, redis.url, q), ["--concurrency", "2"]),
      ];
      try {
        const dist = await queued(args, env(dir, redis.url, q));
        const local = await optimizeJson([...args, "--workers", "1", "--no-resume"], dir);
        assert.equal(dist.trials.length, 36);
        assert.deepEqual(dist.trials, local.trials, "every trial's params and metrics");
        assert.deepEqual(dist.ranking, local.ranking);
        assert.deepEqual(dist.statistics, local.statistics);
        const jobs = await completed(redis.url, q);
        assert.equal(jobs.length, 2 * 36, "one job per trial (member, score pairs)");

        // another user (another database): every trial is read back from its kept job
        const again = await queued(args, env(dir, redis.url, q, "other.db"));
        assert.deepEqual(again.trials, local.trials);
        assert.deepEqual(await completed(redis.url, q), jobs, "no job was run again");
      } finally {
        for (const w of workers) await stop(w);
      }
    });
  } finally {
    await redis.stop();
  }
});

Deno.test("a worker killed with SIGKILL mid-sweep loses nothing; one stopped with SIGTERM finishes its trial", async () => {
  const redis = await testRedis();
  if (!redis) return;
  const r = new Redis(redis.url);
  try {
    await withDir(async (dir) => {
      const file = `${dir}/walk.csv`;
      writeBars(file, "1971-01-01", walk(20_000));
      const q = `test-${crypto.randomUUID().slice(0, 8)}`;
      const args = ["--data", file, "--asset", "walk", "--strategy", "sma_cross", "--grid", GRID];
      const fast = ["--lock-duration", "1s", "--stalled-interval", "300ms"];
      const e = env(dir, redis.url, q);
      const victim = await startWorker(e, fast);
      const sweep = new Proc("optimize", [...args, "--queue", "--json"], e);
      let killed: string[] = [];
      const until = Date.now() + 60_000;
      while (killed.length === 0 && Date.now() < until) {
        const [done, active] = await Promise.all([
          r.zcard(`bull:${q}:completed`),
          r.lrange(`bull:${q}:active`, 0, -1),
        ]);
        if (done >= 1 && active.length > 0) {
          victim.child.kill("SIGKILL");
          killed = active;
        } else await new Promise((ok) => setTimeout(ok, 10));
      }
      assert.ok(killed.length > 0, "the worker was killed while it ran a trial");
      await victim.done;
      const killedAt = Date.now();
      // SIGTERM while a trial runs: the worker finishes it (its result reaches the queue), exits 0
      const polite = await startWorker(e, fast);
      // A job in `active` that the killed worker did not hold is polite's (the only live worker).
      // Watched from polite's start: waiting for the killed trial to be put back first let polite
      // finish every other trial before the watch began, and the watch then never saw one.
      let running: string[] = [];
      while (running.length === 0 && Date.now() < until) {
        running = (await r.lrange(`bull:${q}:active`, 0, -1)).filter((id) => !killed.includes(id));
        if (running.length === 0) await new Promise((ok) => setTimeout(ok, 2));
      }
      assert.ok(running.length > 0, "the second worker ran a trial");
      await stop(polite);
      for (const id of running) {
        assert.ok(
          (await r.zscore(`bull:${q}:completed`, id)) !== null,
          `job ${id}, running at SIGTERM, was finished before the worker exited`,
        );
      }
      const rescuer = await startWorker(e, fast);
      try {
        const s = await sweep.done;
        assert.equal(s.code, 0, sweep.err);
        const dist = JSON.parse(sweep.out);
        const local = await optimizeJson([...args, "--workers", "1", "--no-resume"], dir);
        assert.equal(dist.trials.length, 36);
        assert.deepEqual(dist.trials, local.trials, "every trial's params and metrics");
        for (const id of killed) {
          const finished = Number(await r.zscore(`bull:${q}:completed`, id));
          assert.ok(finished >= killedAt, `job ${id} was finished after the kill, elsewhere`);
        }
      } finally {
        await stop(rescuer);
      }
    });
  } finally {
    r.disconnect();
    await redis.stop();
  }
});

Deno.test("worker: REDIS_URL unset or unreachable is one clear line without the password", async () => {
  await withDir(async (dir) => {
    const base = { DATABASE_PATH: `${dir}/mts.db`, LOG_FILE: "", NO_COLOR: "1" };
    const unset = new Proc("worker", [], { ...base, REDIS_URL: "" });
    assert.equal((await unset.done).code, 1);
    assert.match(unset.err, /^mts worker: REDIS_URL is not set/);
    const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (l.addr as Deno.NetAddr).port;
    l.close();
    const down = new Proc("worker", [], {
      ...base,
      REDIS_URL: `redis://mts:s3cret-pw@127.0.0.1:${port}/0`,
    });
    assert.equal((await down.done).code, 1);
    assert.match(down.err, new RegExp(`Cannot connect to Redis at redis://127.0.0.1:${port}/0`));
    assert.doesNotMatch(down.err, /s3cret/);
    assert.equal(down.err.trim().split("\n").length, 1, down.err);
    const denied = new Proc("worker", [], { ...base, REDIS_URL: "redis://redis.internal:6379/0" });
    assert.equal((await denied.done).code, 1);
    assert.match(denied.err, /no network permission for redis\.internal:6379 \(REDIS_URL\)/);
  });
});
