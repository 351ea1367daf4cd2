/**
 * End-to-end: `deno task schedule` as a user runs it, against the local fake market (CoinGecko,
 * FRED and CBOE wire formats), with a throwaway database, real time and its own permission set.
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { startMarket } from "../collect/market_fixture.ts";
import {
  FINISHED_KEYS,
  marketEnv,
  ROOT,
  runSchedule,
  sandbox,
  ScheduleProcess,
} from "./helpers.ts";

Deno.test("schedule --collect --interval 2s --for 7s --json collects on each slot, then stops", async () => {
  const m = startMarket();
  const sb = sandbox();
  try {
    const env = { ...sb.env, ...marketEnv(m.server.url) };
    const r = await runSchedule(["--collect", "--interval", "2s", "--for", "7s", "--json"], env);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.lines.map((l) => JSON.parse(l));
    const finished = lines.filter((l) => "outcome" in l);
    for (const l of finished) {
      assert.deepEqual(Object.keys(l), FINISHED_KEYS, "the line's keys, in order");
    }
    for (const l of lines.filter((l) => "skipped" in l)) {
      assert.deepEqual(Object.keys(l), ["job", "slot", "skipped"]);
      assert.equal(l.skipped, "overlap");
    }
    // slots are 2 s apart, aligned to the epoch, each handled once, none left out
    // (a skipped slot is printed while the run before it still goes: sort by slot)
    const slots = lines.map((l) => Date.parse(l.slot)).sort((a, b) => a - b);
    for (const s of slots) {
      assert.equal(s % 2_000, 0, `slot ${new Date(s).toISOString()} is aligned`);
    }
    for (let i = 1; i < slots.length; i++) assert.equal(slots[i] - slots[i - 1], 2_000);
    assert.ok(slots.length >= 3, `7 s of 2 s slots hold at least 3 runs: ${r.stdout}`);
    assert.ok(finished.length >= 2, r.stdout);
    assert.deepEqual(
      [finished[0].catchUp, finished[0].missedSlots],
      [false, 0],
      "fresh: no catch-up",
    );
    for (const f of finished) {
      assert.equal(f.job, "collect");
      assert.equal(f.outcome, "success", JSON.stringify(f));
      assert.equal(f.attempts, 1);
      assert.ok(
        Date.parse(f.start) >= Date.parse(f.slot) && Date.parse(f.end) >= Date.parse(f.start),
      );
    }
    // each run is a collection run of the collect task, as `deno task status` shows them
    const store = sb.open();
    try {
      const runs = await store.listRuns({ task: "collect" });
      assert.equal(runs.length, finished.length, "one collection run per scheduled run");
      assert.ok(runs.every((x) => x.status === "success"));
      assert.deepEqual(
        runs.map((x) => (x.params.scheduled as { slot: string }).slot).reverse(),
        finished.map((f) => f.slot),
      );
      assert.ok(
        (await store.getCandles({ source: "coingecko", asset: "bitcoin", interval: "1d" }))
          .length >= 2,
      );
      assert.ok(
        (await store.getCandles({ source: "coingecko", asset: "ethereum", interval: "1d" }))
          .length >= 2,
      );
      const jobs = await store.listJobRuns({ job: "collect" });
      assert.equal(jobs.filter((j) => j.status === "success").length, finished.length);
      assert.ok(jobs.every((j) => j.status !== "running"), "nothing left running");
    } finally {
      store.close();
    }
    assert.ok(m.server.requestsTo("/api/v3/coins/bitcoin").length >= 1);
  } finally {
    await m.server.close();
    await sb.cleanup();
  }
});

Deno.test("SIGTERM mid-collect: the run is cancelled cleanly, exit 0, the database consistent", async () => {
  const m = startMarket();
  const sb = sandbox();
  // ethereum's answer takes a minute: the stop comes while the collector waits for it
  m.server.fault("/api/v3/coins/ethereum", { type: "delay", ms: 60_000 });
  const env = { ...sb.env, ...marketEnv(m.server.url) };
  const p = new ScheduleProcess(["--collect", "--json", "--shutdown-timeout", "1s"], env);
  try {
    await m.server.waitForRequest("/api/v3/coins/ethereum");
    p.child.kill("SIGTERM");
    assert.equal(await p.exit(), 0, p.stderr);
    const [line] = p.json();
    assert.deepEqual(Object.keys(line), FINISHED_KEYS);
    assert.equal(line.outcome, "cancelled");
    assert.equal(line.attempts, 1);
    const store = sb.open();
    try {
      assert.ok(
        (await store.getCandles({ source: "coingecko", asset: "bitcoin", interval: "1d" }))
          .length >= 2,
        "bitcoin was committed before the stop",
      );
      assert.deepEqual(
        await store.getCandles({ source: "coingecko", asset: "ethereum", interval: "1d" }),
        [],
      );
      const [run] = await store.listRuns({ task: "collect" });
      assert.equal(run.status, "partial");
      assert.match(run.error ?? "", /^interrupted: cancelled: interrupted by SIGTERM/);
      assert.deepEqual(run.items.map((i) => [i.subject, i.status]), [["bitcoin", "success"], [
        "ethereum",
        "failed",
      ]]);
      const [job] = await store.listJobRuns();
      assert.equal(job.status, "cancelled");
      assert.match(job.error ?? "", /cancelled: interrupted by SIGTERM/);
      // the cancelled slot is run again by the next start: it counts as not handled
      assert.equal((await store.jobStates())[0].handledSlot, undefined);
    } finally {
      store.close();
    }
  } finally {
    await m.server.close();
    await sb.cleanup();
  }
});

Deno.test("--once runs what is due and exits; again within the slot it reports the run; status and --list show it", async () => {
  const m = startMarket();
  const sb = sandbox();
  try {
    const env = { ...sb.env, ...marketEnv(m.server.url) };
    // daily slots (--interval 1d): the three commands run within one slot
    const day = ["--interval", "1d"];
    const first = await runSchedule(
      ["--once", "--collect", "--collect-macro", ...day, "--json"],
      env,
    );
    assert.equal(first.code, 0, first.stderr);
    const ran = first.lines.map((l) => JSON.parse(l));
    assert.deepEqual(ran.map((l) => [l.job, l.outcome]).sort(), [["collect", "success"], [
      "macro",
      "success",
    ]]);
    const again = await runSchedule(["--once", "--collect", ...day, "--json"], env);
    assert.equal(again.code, 0, again.stderr);
    const [skip] = again.lines.map((l) => JSON.parse(l));
    assert.deepEqual(skip, {
      job: "collect",
      slot: ran.find((l) => l.job === "collect").slot,
      skipped: "already-ran",
    });

    const list = await runSchedule(["--list", "--json", "--collect", ...day], env);
    assert.equal(list.code, 0, list.stderr);
    const [job] = JSON.parse(list.stdout).jobs;
    assert.equal(job.name, "collect");
    assert.equal(job.lastSuccess.slot, ran.find((l) => l.job === "collect").slot);
    assert.equal(job.next.dueNow, false);

    const status = new Deno.Command("deno", {
      args: ["run", "-q", "-P=status", "tasks/status.ts", "--json"],
      cwd: ROOT,
      env,
      stdout: "piped",
      stderr: "piped",
    });
    const out = await status.output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    const report = JSON.parse(new TextDecoder().decode(out.stdout));
    assert.deepEqual(report.jobs.map((j: { job: string }) => j.job), ["collect", "macro"]);
    assert.equal(report.jobs[0].lastSuccess.status, "success");
    assert.equal(report.jobs[0].lastFailure, undefined);
    assert.ok(report.runs.last.collect, "the scheduled collection is a collect run");
  } finally {
    await m.server.close();
    await sb.cleanup();
  }
});

Deno.test("--once with a failing source: retries within the run, exit 1, status shows the failure", async () => {
  const m = startMarket();
  const sb = sandbox();
  try {
    await Deno.mkdir(`${ROOT}${sb.dir}`, { recursive: true });
    const file = `${sb.dir}/jobs.json`;
    await Deno.writeTextFile(
      `${ROOT}${file}`,
      JSON.stringify({
        jobs: {
          prices: {
            kind: "collect",
            every: "1h",
            retries: 1,
            retryDelay: "1s",
            options: { assets: ["nosuchcoin"] },
          },
        },
      }),
    );
    const r = await runSchedule(["--once", "--file", file, "--json"], {
      ...sb.env,
      ...marketEnv(m.server.url),
    });
    assert.equal(r.code, 1, r.stderr);
    const [line] = r.lines.map((l) => JSON.parse(l));
    assert.equal(line.job, "prices");
    assert.equal(line.outcome, "failed");
    assert.equal(line.attempts, 2, "one retry within the run");
    assert.match(r.stderr, /mts schedule: prices: failed: 1 of 1 failed: nosuchcoin/);
    const store = sb.open();
    try {
      const [state] = await store.jobStates();
      assert.equal(state.lastFailure?.attempts, 2);
      assert.equal(state.lastSuccess, undefined);
      assert.equal(
        (await store.listRuns({ task: "collect" })).length,
        2,
        "each attempt is a collection run",
      );
    } finally {
      store.close();
    }
  } finally {
    await m.server.close();
    await sb.cleanup();
  }
});

Deno.test("a bad job file is one line naming the file and the JSON path; nothing is created", async () => {
  const sb = sandbox();
  try {
    await Deno.mkdir(`${ROOT}${sb.dir}`, { recursive: true });
    const file = `${sb.dir}/jobs.json`;
    await Deno.writeTextFile(
      `${ROOT}${file}`,
      '{"jobs":{"collect":{"kind":"collect","every":"1h","options":{"dayz":2}}}}',
    );
    const r = await runSchedule(["--file", file], sb.env);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, "");
    assert.equal(
      r.stderr.trim(),
      `mts schedule: ${file}: jobs.collect.options: unknown key "dayz"`,
    );
    assert.deepEqual(
      [...Deno.readDirSync(`${ROOT}${sb.dir}`)].map((e) => e.name),
      ["jobs.json"],
      "no database",
    );
  } finally {
    await sb.cleanup();
  }
});

Deno.test("the seed's schedule commands: --collect --interval 30, and with --collect-macro", async () => {
  const sb = sandbox();
  try {
    const one = await runSchedule(["--collect", "--interval", "30", "--list", "--json"], sb.env);
    assert.equal(one.code, 0, one.stderr);
    assert.deepEqual(
      JSON.parse(one.stdout).jobs.map((
        j: { name: string; schedule: string },
      ) => [j.name, j.schedule]),
      [["collect", "every 30m"]],
    );
    const two = await runSchedule([
      "--collect",
      "--collect-macro",
      "--interval",
      "30",
      "--list",
      "--json",
    ], sb.env);
    assert.deepEqual(
      JSON.parse(two.stdout).jobs.map((
        j: { name: string; schedule: string },
      ) => [j.name, j.schedule]),
      [
        ["collect", "every 30m"],
        ["macro", "every 30m"],
      ],
    );
    const all = await runSchedule(["--list"], sb.env);
    assert.equal(all.code, 0, all.stderr);
    assert.match(all.stdout, /collect +collect +every 1h/);
    assert.match(all.stdout, /macro +macro +every 6h/);
    assert.match(all.stdout, /signals +signals +every 1h/, "SIGNAL_GENERATION_INTERVAL_MINUTES=60");
    assert.match(all.stdout, /backup +backup +every 1d/);
    assert.match(all.stdout, /funding +funding +every 8h/);
    // on a terminal-like run: one line per start and end
    const once = await runSchedule(["--once", "--backup"], sb.env);
    assert.equal(once.code, 0, once.stderr);
    assert.match(once.lines[0], /^schedule: backup from schedule\.json \(concurrency 2\), once$/);
    assert.match(
      once.lines[1],
      /^\d\d:\d\d:\d\d backup: started for slot \d{4}-\d\d-\d\dT00:00:00Z$/,
    );
    assert.match(once.lines[2], /^\d\d:\d\d:\d\d backup: success for slot \S+, 1 attempt, \S+$/);
  } finally {
    await sb.cleanup();
  }
});

Deno.test("a job file whose jobs are all disabled or unavailable is one line, not an idle scheduler", async () => {
  const sb = sandbox();
  try {
    await Deno.mkdir(`${ROOT}${sb.dir}`, { recursive: true });
    const file = `${sb.dir}/jobs.json`;
    await Deno.writeTextFile(
      `${ROOT}${file}`,
      JSON.stringify({
        jobs: {
          funding: { kind: "funding", every: "8h", enabled: false },
          backup: { kind: "backup", every: "1d", enabled: false },
        },
      }),
    );
    const r = await runSchedule(["--file", file], sb.env);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      new RegExp(
        `^mts schedule: ${file}: no job to run \\(every job is disabled or not available\\)\\n?$`,
        "m",
      ),
    );
  } finally {
    await sb.cleanup();
  }
});

Deno.test("after 3 days down, one catch-up run per job: missed slots coalesced, the window widened", async () => {
  const m = startMarket();
  const sb = sandbox();
  try {
    const env = { ...sb.env, ...marketEnv(m.server.url) };
    const first = await runSchedule(["--once", "--collect", "--json"], env);
    assert.equal(first.code, 0, first.stderr);
    const slot = Date.parse(JSON.parse(first.lines[0]).slot);
    // as if that run had been 72 hours ago and the machine off since
    const H = 3_600_000;
    const db = new DatabaseSync(`${ROOT}${sb.dir}/mts.db`);
    db.prepare("UPDATE job_runs SET slot = slot - ?").run(72 * H);
    db.close();
    const again = await runSchedule(["--once", "--collect", "--json"], env);
    assert.equal(again.code, 0, again.stderr);
    const lines = again.lines.map((l) => JSON.parse(l));
    assert.equal(lines.length, 1, "one run, not 72");
    // 71 hourly slots between the last run's and the current one (72 if the hour turned meanwhile)
    const current = Date.parse(lines[0].slot);
    assert.ok(current === slot || current === slot + H, "the current slot");
    assert.equal(lines[0].catchUp, true);
    assert.equal(lines[0].missedSlots, (current - (slot - 72 * H)) / H - 1);
    const store = sb.open();
    try {
      const [run] = await store.listRuns({ task: "collect" });
      const expected = Math.ceil((run.startedAt - (slot - 72 * H)) / 86_400_000) + 1;
      assert.equal(run.params.days, expected, "the collection reaches back past the last run");
    } finally {
      store.close();
    }
  } finally {
    await m.server.close();
    await sb.cleanup();
  }
});

Deno.test("--list shows a job whose host this process may not reach, with the reason; running it is refused", async () => {
  const sb = sandbox();
  // a CoinGecko mirror outside the schedule task's permission set
  const env = { ...sb.env, COINGECKO_BASE_URL: "https://prices.example.org/api/v3" };
  try {
    const list = await runSchedule(["--list", "--json", "--collect"], env);
    assert.equal(list.code, 0, list.stderr);
    const [job] = JSON.parse(list.stdout).jobs;
    assert.equal(job.name, "collect");
    assert.match(job.problem, /prices\.example\.org/, job.problem);
    assert.ok(job.next, "the plan is still shown");
    const text = await runSchedule(["--list", "--collect"], env);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /collect would not start here: .*prices\.example\.org/);
    const once = await runSchedule(["--once", "--collect"], env);
    assert.notEqual(once.code, 0, "running it is refused");
    assert.match(once.stderr, /prices\.example\.org/);
  } finally {
    await sb.cleanup();
  }
});
