import assert from "node:assert/strict";
import { book } from "../../tests/arbitrage/books.ts";
import { DataError } from "../core/errors.ts";
import { ArbitrageDetector } from "../streams/arbitrage/detector.ts";
import type { ArbitrageAlert } from "../streams/arbitrage/alert.ts";
import { readRecording, replayArbitrage } from "./arbitrage_replay.ts";
import { AlertFanout } from "./arbitrage_runner.ts";

const T0 = Date.UTC(2026, 0, 5, 12);
const spot = book("binance", "spot", "ETHUSDT", { bids: [[99, 1]], asks: [[100, 1]] }, {
  atMs: T0,
});
const perp = book("bybit", "perp", "ETHUSDT", { bids: [[101, 1]], asks: [[102, 1]] }, {
  atMs: T0 + 5,
});
const funding = {
  exchange: "bybit",
  symbol: "ETHUSDT",
  rate: -0.0002,
  nextFundingTime: "2026-01-05T16:00:00Z",
  intervalHours: 8,
  markPrice: 101,
  receivedAtMs: T0 + 1,
};

async function gzip(text: string): Promise<Uint8Array> {
  const s = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(s).arrayBuffer());
}

Deno.test("recordings: JSON lines, gzip, channel envelopes and a JSON array read the same", async () => {
  const dir = await Deno.makeTempDir({ prefix: "mts-arb-" });
  try {
    const lines = [
      JSON.stringify(spot),
      JSON.stringify({ channel: "mts:funding:bybit:ETHUSDT", message: funding }),
      JSON.stringify({ channel: "mts:book:bybit:perp:ETHUSDT", message: perp }),
    ];
    await Deno.writeTextFile(`${dir}/a.jsonl`, lines.join("\n") + "\n\n");
    await Deno.writeFile(`${dir}/a.jsonl.gz`, await gzip(lines.join("\n")));
    await Deno.writeTextFile(`${dir}/a.json`, JSON.stringify([spot, funding, perp]));
    const kinds = (m: Awaited<ReturnType<typeof readRecording>>) => m.map((x) => x.kind);
    for (const f of ["a.jsonl", "a.jsonl.gz", "a.json"]) {
      assert.deepEqual(kinds(await readRecording(`${dir}/${f}`)), ["book", "funding", "book"], f);
    }
    // replayed: the funding state shows beside the perp leg (short receives −2 bps: pays)
    const alerts: ArbitrageAlert[] = [];
    const detector = new ArbitrageDetector({ minNotional: 0, minDuration: { updates: 1 } });
    const fanout = new AlertFanout({ source: "replay", onAlert: (a) => alerts.push(a) });
    const r = await replayArbitrage(await readRecording(`${dir}/a.jsonl.gz`), { detector, fanout });
    assert.equal(r.messages, 3);
    assert.deepEqual(alerts.map((a) => [a.event, a.reason]), [
      ["opened", undefined],
      ["closed", "end of replay"],
    ]);
    // the short perp leg pays 0.0002 × 101 = 0.0202 on 100: −2.02 bps
    assert.deepEqual(alerts[0].funding, { netBps: -2.02, nextSettlement: "2026-01-05T16:00:00Z" });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("recordings: a bad line names the file and line; nothing is replayed", async () => {
  const dir = await Deno.makeTempDir({ prefix: "mts-arb-" });
  try {
    const bad = { ...perp, asks: [[102, 1], [101.5, 1]] };
    await Deno.writeTextFile(`${dir}/b.jsonl`, `${JSON.stringify(spot)}\n${JSON.stringify(bad)}\n`);
    await assert.rejects(
      readRecording(`${dir}/b.jsonl`),
      (e) =>
        e instanceof DataError &&
        /b\.jsonl:2: asks\[1\]: levels must be best first/.test(e.message),
    );
    await Deno.writeTextFile(`${dir}/c.jsonl`, `{"e":"depthUpdate","U":1}\n`);
    await assert.rejects(readRecording(`${dir}/c.jsonl`), /c\.jsonl:1: not a published book/);
    // a stream recording (raw frames): the message names the command that replays it
    await Deno.writeTextFile(
      `${dir}/frames.jsonl`,
      `{"t":"header","format":2}\n{"t":"frame","conn":"c1","at":1,"text":"{}"}\n`,
    );
    await assert.rejects(
      readRecording(`${dir}/frames.jsonl`),
      /frames\.jsonl:1: .*deno task stream --replay FILE --arbitrage/,
    );
    await Deno.writeTextFile(`${dir}/d.jsonl.gz`, "plain text");
    await assert.rejects(readRecording(`${dir}/d.jsonl.gz`), /not a gzip file/);
    await assert.rejects(readRecording(`${dir}/missing.jsonl`), /Cannot read .*missing\.jsonl/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
