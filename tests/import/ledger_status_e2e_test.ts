/**
 * End to end, as a user runs the tasks: imports are runs that `status` shows, and a gap that a
 * later import fills is resolved, so `backtest --strict` passes on the filled series.
 */
import assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url).pathname;

async function task(dbDir: string, ...args: string[]) {
  const out = await new Deno.Command("deno", {
    args: ["task", "-q", ...args],
    cwd: ROOT,
    env: { DATABASE_PATH: `${dbDir}/mts.db`, LOG_FILE: "", NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 1);

/** Generic OHLCV lines for days `ks` after 2024-01-01 (close = 100 + day). */
function ohlcv(ks: number[]): string {
  const rows = ks.map((k) => {
    const c = 100 + k;
    return `${new Date(T0 + k * DAY).toISOString().slice(0, 10)},${c},${c + 1},${c - 1},${c},1000`;
  });
  return ["Date,Open,High,Low,Close,Volume", ...rows].join("\n") + "\n";
}

Deno.test("imports show in status; a gap filled by a later import is resolved and --strict passes", async () => {
  const dbDir = `data/test-ledger-${crypto.randomUUID().slice(0, 8)}`;
  const tmp = await Deno.makeTempDir({ prefix: "mts-ledger-" });
  try {
    const days = Array.from({ length: 40 }, (_, k) => k);
    await Deno.writeTextFile(`${tmp}/gamma.csv`, ohlcv(days.filter((k) => k !== 20 && k !== 21)));
    await Deno.writeTextFile(`${tmp}/gamma-fill.csv`, ohlcv([19, 20, 21, 22]));

    let r = await task(dbDir, "import", "--file", `${tmp}/gamma.csv`, "--asset", "gamma", "--json");
    assert.equal(r.code, 0, r.stderr);
    const first = JSON.parse(r.stdout);
    assert.deepEqual(first.issues.byKind.map((k: { kind: string }) => k.kind), ["gap"]);

    const args = ["backtest", "--symbols", "gamma", "--strategy", "BuyHoldStrategy"];
    r = await task(dbDir, ...args, "--strict");
    assert.equal(r.code, 1, "the gap fails --strict");
    assert.match(r.stderr, /--strict.*gamma: 2 missing bars from 2024-01-21/);

    r = await task(
      dbDir,
      "import",
      "--file",
      `${tmp}/gamma-fill.csv`,
      "--asset",
      "gamma",
      "--json",
    );
    assert.equal(r.code, 0, r.stderr);
    const fill = JSON.parse(r.stdout);
    assert.deepEqual([fill.inserted, fill.unchanged], [2, 2]);

    r = await task(dbDir, ...args, "--strict", "--json");
    assert.equal(r.code, 0, `filled: --strict passes\n${r.stderr}`);
    assert.deepEqual(JSON.parse(r.stdout).warnings, []);

    r = await task(dbDir, "status", "--json");
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout);
    assert.equal(s.runs.considered, 2);
    assert.equal(s.runs.success, 2);
    assert.deepEqual(
      s.runs.imports.map((
        i: Record<string, unknown>,
      ) => [i.runId, i.file, i.subject, i.rowsWritten, i.issues]),
      [
        [fill.runId, `${tmp}/gamma-fill.csv`, "gamma", 2, 0],
        [first.runId, `${tmp}/gamma.csv`, "gamma", 38, 1],
      ],
    );
    assert.deepEqual([s.quality.total, s.quality.open, s.quality.resolved], [1, 0, 1]);
    assert.equal(s.quality.recentlyResolved[0].resolvedByRun, fill.runId);
    assert.equal(s.quality.recentlyResolved[0].runId, first.runId);

    r = await task(dbDir, "status");
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^runs: 2 recent \(success 2, partial 0, failed 0\)/);
    assert.match(r.stdout, /last import: run \d+ success/);
    assert.match(r.stdout, /recent imports:[\s\S]*gamma-fill\.csv\s+gamma\s+2\s+0/);
    assert.match(r.stdout, /quality issues: 0 open, 1 resolved/);
    assert.match(
      r.stdout,
      new RegExp(`recently resolved:[\\s\\S]*gap\\s+csv:gamma@1d[^\\n]*\\s${fill.runId}\\n`),
    );
  } finally {
    await Deno.remove(`${ROOT}${dbDir}`, { recursive: true }).catch(() => {});
    await Deno.remove(tmp, { recursive: true });
  }
});
