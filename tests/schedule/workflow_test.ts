/**
 * The scheduled GitHub Actions workflow uses the scheduler's job definitions: each of its
 * `deno task schedule` commands selects jobs of schedule.json, the steps after the first still
 * run when a coin failed, and it uploads the folders the jobs really write.
 */
import assert from "node:assert/strict";
import { ROOT, runSchedule, sandbox } from "./helpers.ts";

const workflow = Deno.readTextFileSync(`${ROOT}.github/workflows/collect.yml`);

Deno.test("collect.yml runs jobs of schedule.json, each command valid and selecting a job", async () => {
  const commands = [...workflow.matchAll(/run: deno task schedule (.+)$/gm)].map((m) =>
    m[1].trim()
  );
  assert.deepEqual(commands, ["--once --collect", "--once --collect-macro", "--once --backup"]);
  const sb = sandbox();
  try {
    for (const c of commands) {
      const args = c.split(/\s+/).filter((a) => a !== "--once");
      const r = await runSchedule([...args, "--list", "--json"], sb.env);
      assert.equal(r.code, 0, `${c}: ${r.stderr}`);
      const jobs = JSON.parse(r.stdout).jobs as { name: string; next?: unknown }[];
      assert.equal(jobs.length, 1, c);
      assert.ok(jobs[0].next, `${c}: ${jobs[0].name} is available`);
    }
  } finally {
    await sb.cleanup();
  }
});

Deno.test("collect.yml: a failed collect does not skip the later steps; backups come from both folders", async () => {
  const steps = workflow.split(/\n\s+- name: /).slice(1);
  const after = steps.filter((s) => /deno task schedule --once --(collect-macro|backup)/.test(s));
  assert.equal(after.length, 2);
  for (const s of after) assert.match(s, /if: \$\{\{ !cancelled\(\) \}\}/, s);
  // where the tasks write: collect/macro's backup and deno task export's default
  const backup = await Deno.readTextFile(`${ROOT}lib/services/collect_backup.ts`);
  assert.match(backup, /join\(dataDir, "backup"\)/);
  const exporter = await Deno.readTextFile(`${ROOT}tasks/export.ts`);
  assert.match(exporter, /`\$\{config\.dataDir\}\/backups`/);
  const upload = workflow.slice(workflow.indexOf("Upload CSV backups"));
  assert.match(upload, /data\/backup\/\n/);
  assert.match(upload, /data\/backups\/\n/);
});
