import assert from "node:assert/strict";
import { seriesSource } from "../core/provenance.ts";
import { dataChecksum } from "../engine/manifest.ts";
import { STRATEGIES } from "../../strategies/mod.ts";
import {
  inlineExecutor,
  runTrial,
  runTrials,
  trialDataset,
  type TrialExecutor,
  type TrialSpec,
} from "./trials.ts";

const DAY = 86_400_000;
const closes = [10, 9, 8, 9, 10, 11, 12, 11, 10, 9];
const series = [{
  asset: "x",
  ts: Float64Array.from(closes, (_, i) => Date.UTC(2024, 0, 1) + i * DAY),
  open: Float64Array.from(closes, (c, i) => i === 0 ? c : closes[i - 1]),
  high: Float64Array.from(closes, (c, i) => Math.max(c, i === 0 ? c : closes[i - 1])),
  low: Float64Array.from(closes, (c, i) => Math.min(c, i === 0 ? c : closes[i - 1])),
  close: Float64Array.from(closes),
  volume: new Float64Array(closes.length).fill(1),
}];
const dataset = trialDataset({
  interval: "1d",
  series,
  macro: [],
  sources: [seriesSource("price", "x", "csv", "x.csv")],
  dataChecksum: dataChecksum(series),
});
const trials: TrialSpec[] = [[1, 2], [1, 3], [2, 3]].map(([fast, slow], id) => ({
  id,
  strategy: "sma_cross",
  params: { fast, slow, allow_short: false },
  datasetHash: dataset.hash,
  exec: { capital: 1000 },
}));

Deno.test("runTrials returns outcomes in trial order whatever order the executor reports", async () => {
  const inline = inlineExecutor(STRATEGIES);
  const reversed: TrialExecutor = {
    concurrency: 1,
    execute: async (b, h) => (await inline.execute(b, h)).reverse(),
    close: () => Promise.resolve(),
  };
  const a = await runTrials({ datasets: [dataset], trials }, inline);
  const b = await runTrials({ datasets: [dataset], trials }, reversed);
  assert.deepEqual(b.map((o) => o.id), [0, 1, 2]);
  assert.deepEqual(b, a);
  // fast 1 / slow 2: buy at 9 (bar 4's open), sell at 11 (bar 8's open)
  assert.ok(Math.abs(a[0].metrics.totalReturn - 2 / 9) < 1e-12);
});

Deno.test("runTrials refuses a trial whose dataset is missing and an executor that loses one", async () => {
  await assert.rejects(
    runTrials({ datasets: [], trials }, inlineExecutor(STRATEGIES)),
    /no dataset .* in the batch/,
  );
  const lossy: TrialExecutor = {
    concurrency: 1,
    execute: async (b, h) => (await inlineExecutor(STRATEGIES).execute(b, h)).slice(1),
    close: () => Promise.resolve(),
  };
  await assert.rejects(runTrials({ datasets: [dataset], trials }, lossy), /trial 0: no result/);
});

Deno.test("a trial checks its dataset's bars once: a bad bar is refused, naming it, on the first trial", () => {
  const bad = { ...series[0], close: Float64Array.from(closes) };
  bad.close[4] = NaN;
  const d = trialDataset({
    interval: "1d",
    series: [bad],
    macro: [],
    sources: [seriesSource("price", "x", "csv", "x.csv")],
    dataChecksum: dataChecksum([bad]),
  });
  const t = { ...trials[0], datasetHash: d.hash };
  assert.throws(() => runTrial(STRATEGIES, d, t), /Cannot use x bar 4 .*close/);
  // a good dataset runs, and its second trial gives the same result as the first
  const a = runTrial(STRATEGIES, dataset, trials[0]), b = runTrial(STRATEGIES, dataset, trials[0]);
  assert.deepEqual(b.metrics, a.metrics);
});
