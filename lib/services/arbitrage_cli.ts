/**
 * The detector's command-line face, shared by `deno task arbitrage` and any task that runs the
 * detector in-process (`deno task stream --arbitrage`): its flags, their parsing into
 * {@link DetectorOptions} (every value checked, one usage error naming the flag), and the
 * terminal view of alerts (a live table on a terminal, one line per event elsewhere).
 * @module
 */
import type { FlagValues } from "../cli/args.ts";
import { badFlag, durationFlag, intFlag, jsonFlag, listFlag, numberFlag } from "../cli/flags.ts";
import { stdoutIsTerminal } from "../cli/output.ts";
import { formatTable } from "../cli/table.ts";
import { escapeControls } from "../core/text.ts";
import type { ArbitrageAlert } from "../streams/arbitrage/alert.ts";
import { feeTable, rateTable, splitSymbol } from "../streams/arbitrage/costs.ts";
import type { ArbitrageDetector } from "../streams/arbitrage/detector.ts";
import {
  type DetectorOptions,
  type MinDuration,
  resolveDetector,
} from "../streams/arbitrage/settings.ts";

/** The detector's flags (declare them with `lists: ["symbols"]`). */
export const DETECTOR_FLAGS = {
  symbols: { type: "string" },
  "min-net-bps": { type: "string" },
  "hysteresis-bps": { type: "string" },
  "max-notional": { type: "string" },
  "min-notional": { type: "string" },
  fees: { type: "string" },
  "fixed-cost": { type: "string" },
  rates: { type: "string" },
  lots: { type: "string" },
  "max-age": { type: "string" },
  "min-duration": { type: "string" },
  "update-bps": { type: "string" },
} as const;

/** The `--help` lines of {@link DETECTOR_FLAGS}. */
export const DETECTOR_HELP =
  `  --symbols A,B           only these symbols (BTCUSDT,ETHUSDT); default every published book
  --min-net-bps N         least net edge to open, bps of the buy notional (default 5)
  --hysteresis-bps N      close below min-net-bps − N (default 2)
  --max-notional N        most buy notional per opportunity, buy quote (default: no cap)
  --min-notional N        least buy notional (default 10)
  --fees JSON             taker fees as fractions, e.g. '{"bybit:perp":0.0002}' (over
                          ARBITRAGE_FEES, over the defaults binance:spot 0.001, binance:perp
                          0.0005, bybit:spot 0.001, bybit:perp 0.00055)
  --fixed-cost N          fixed cost per opportunity (transfer, withdrawal), buy quote (default 0)
  --lots JSON             lot step per book kind, a power of ten, e.g. '{"binance:perp":0.001}'
                          (a pair trades multiples of its coarser leg's step; default 0.00000001)
  --rates JSON            stated quote rates, e.g. '{"USDC/USDT":0.9998}' (1 USDC = 0.9998 USDT)
  --max-age D             oldest book traded against (default 5s)
  --min-duration N|D      updates (a number, default 2) or a time (500ms, 2s) an edge must last
  --update-bps N          an 'updated' event needs net bps to move this much (default 1)`;

type Flags = FlagValues<typeof DETECTOR_FLAGS>;

function minDuration(v: string | undefined): MinDuration | undefined {
  if (v === undefined) return undefined;
  if (/^\d+$/.test(v.trim())) {
    return { updates: intFlag(v, "min-duration", { min: 1, max: 1_000_000, fallback: 2 }) };
  }
  const ms = durationFlag(v, "min-duration");
  if (ms === undefined) badFlag("min-duration", "a number of updates or a duration", v);
  return { ms };
}

const TABLE_FORM = {
  fees: 'fees such as {"bybit:perp":0.0002}',
  rates: 'rates such as {"USDC/USDT":0.9998}',
  lots: 'lot steps such as {"binance:perp":0.001}',
} as const;

/** A JSON flag checked by `check` (which throws a RangeError saying what is wrong). */
function tableFlag(
  f: Flags,
  name: keyof typeof TABLE_FORM,
  check: (v: Record<string, unknown>) => unknown,
) {
  const v = jsonFlag(f[name], name);
  if (v === undefined) return undefined;
  try {
    check(v);
  } catch (e) {
    badFlag(name, TABLE_FORM[name], f[name]!, (e as Error).message);
  }
  return v;
}

function symbols(v: string | undefined): string[] | undefined {
  const list = listFlag(v);
  for (const s of list ?? []) {
    if (!/^[A-Za-z0-9]{2,30}$/.test(s) || !splitSymbol(s)) {
      badFlag("symbols", "symbols such as BTCUSDT,ETHUSDC (base + USDT, USDC, FDUSD, USD, …)", v!);
    }
  }
  return list;
}

/** Reads the detector flags into options; a bad value is a usage error naming its flag. */
export function detectorOptions(f: Flags): DetectorOptions {
  const bps = (name: keyof Flags & string) => numberFlag(f[name] as string, name, { min: 0 });
  const amount = (name: keyof Flags & string) => numberFlag(f[name] as string, name, { min: 0 });
  const maxAge = durationFlag(f["max-age"], "max-age");
  if (maxAge !== undefined && maxAge <= 0) badFlag("max-age", "a duration above 0", f["max-age"]!);
  const max = amount("max-notional");
  if (max !== undefined && max <= 0) badFlag("max-notional", "a number > 0", f["max-notional"]!);
  return {
    symbols: symbols(f.symbols),
    minNetBps: bps("min-net-bps"),
    hysteresisBps: numberFlag(f["hysteresis-bps"], "hysteresis-bps", { min: 0 }),
    maxNotional: max,
    minNotional: amount("min-notional"),
    fees: tableFlag(f, "fees", feeTable),
    fixedCost: amount("fixed-cost"),
    rates: tableFlag(f, "rates", rateTable),
    lots: tableFlag(f, "lots", (v) => resolveDetector({ lots: v })),
    maxAgeMs: maxAge,
    minDuration: minDuration(f["min-duration"]),
    updateBps: numberFlag(f["update-bps"], "update-bps", { min: 0 }),
  };
}

const n2 = (v: number) => v.toFixed(2);
const clean = (s: string) => escapeControls(s, { singleLine: true });

/** One terminal line per alert. */
export function alertLine(a: ArbitrageAlert): string {
  const t = a.at.slice(11, 23);
  const what = `${a.event.padEnd(7)} ${clean(a.pair)}`;
  if (a.event === "closed") {
    return `${t} ${what} after ${(a.durationMs / 1000).toFixed(1)}s (${clean(a.reason ?? "")}), ` +
      `peak ${n2(a.peakNetBps)} bps  ${clean(a.id)}`;
  }
  const funding = a.funding?.netBps != null ? `, funding ${n2(a.funding.netBps)} bps` : "";
  return `${t} ${what} size ${a.size} buy ${a.buy.vwap} sell ${a.sell.vwap} ` +
    `net ${n2(a.netBps)} bps (${n2(a.netAmount)} ${clean(a.buy.quote)}), gross ${
      n2(a.grossBps)
    } bps${funding}${a.capped ? ", capped" : ""}`;
}

/**
 * The terminal view: on a terminal, the open opportunities as a table redrawn on every event,
 * with the latest events below it; elsewhere (a pipe, a file), one line per event.
 */
export function terminalView(): (a: ArbitrageAlert, d: ArbitrageDetector) => void {
  if (!stdoutIsTerminal()) return (a) => console.log(alertLine(a));
  const recent: string[] = [];
  return (a, d) => {
    recent.push(alertLine(a));
    if (recent.length > 8) recent.shift();
    const open = d.openAlerts(Date.parse(a.at));
    const table = open.length === 0 ? "no open opportunity" : formatTable(open, [
      { header: "pair", value: (x) => clean(x.pair) },
      { header: "size", value: (x) => String(x.size), align: "right" },
      { header: "buy vwap", value: (x) => String(x.buy.vwap), align: "right" },
      { header: "sell vwap", value: (x) => String(x.sell.vwap), align: "right" },
      { header: "net bps", value: (x) => n2(x.netBps), align: "right" },
      { header: "net", value: (x) => `${n2(x.netAmount)} ${clean(x.buy.quote)}`, align: "right" },
      {
        header: "funding bps",
        value: (x) => x.funding?.netBps == null ? "-" : n2(x.funding.netBps),
        align: "right",
      },
      { header: "open for", value: (x) => `${(x.durationMs / 1000).toFixed(1)}s`, align: "right" },
    ]);
    console.log(`\x1b[H\x1b[2J${a.at} — ${open.length} open\n${table}\n\n${recent.join("\n")}`);
  };
}
