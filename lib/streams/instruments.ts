/**
 * Symbol metadata: what the exchanges' instrument lists say about the symbols of a run. Binance's
 * WebSocket accepts a stream of a symbol it does not have and then sends nothing for it, so
 * without this an unknown symbol's book would stay `syncing` for ever; Bybit refuses the
 * subscription (handled from the frame, {@link bybitRefusedSymbols}). Pure: it reads the
 * recorded answers of
 *
 * - Binance spot `GET /api/v3/exchangeInfo?symbols=[…]` — `400 {"code":-1121,"msg":"Invalid
 *   symbol."}` when any asked symbol is unknown, without saying which: asked for one symbol, that
 *   one is unknown; asked for several, the answer is inconclusive and the IO side asks per symbol;
 * - Binance USDⓈ-M `GET /fapi/v1/exchangeInfo` (no filter: every symbol) — a symbol missing from
 *   `symbols` is unknown;
 * - Bybit `GET /v5/market/instruments-info?category=spot|linear&symbol=…` — `retCode` 0 with an
 *   empty `list` (only `Trading` instruments are listed), or `retCode` 10001 (a parameter error:
 *   the symbol is the only parameter we vary), means unknown.
 *
 * Anything else that is not an answer (a network error, a 5xx, a 429, a body that is not the
 * documented shape) is a failed check: the caller logs and counts it and streams as before.
 * @module
 */
import type { Exchange, Market } from "./sync.ts";

/** What one metadata answer says. */
export interface InstrumentVerdict {
  /** Symbols the exchange lists (status `TRADING`/`Trading`, or any status when `notTrading`). */
  readonly known: string[];
  /** Symbols the exchange does not have, each with its words (or ours, naming the endpoint). */
  readonly unknown: { readonly symbol: string; readonly message: string }[];
  /** Listed symbols that are not trading (their books may stay silent): `SYMBOL (STATUS)`. */
  readonly notTrading: string[];
  /** Binance spot: a `-1121` for several symbols — ask again per symbol. */
  readonly inconclusive: boolean;
  /** Why the answer cannot be used (the check failed), or `undefined`. */
  readonly failure?: string;
}

/** The answer to interpret, as recorded (see `StreamEvent` `instruments`). */
export interface InstrumentAnswer {
  /** The exchange asked. */
  readonly exchange: Exchange;
  /** The market asked. */
  readonly market: Market;
  /** Symbols asked (empty: every symbol — Binance USDⓈ-M). */
  readonly symbols: readonly string[];
  /** The plan's symbols of this exchange and market (what an unfiltered answer is checked for). */
  readonly wanted: readonly string[];
  /** The response body (of a 2xx, or of an HTTP error). */
  readonly body?: string;
  /** HTTP status of an error response. */
  readonly status?: number;
  /** Why there is no answer. */
  readonly error?: string;
}

/** The endpoint of a market's metadata, for messages. */
export function instrumentsPath(exchange: Exchange, market: Market): string {
  if (exchange === "bybit") {
    return `/v5/market/instruments-info?category=${market === "spot" ? "spot" : "linear"}`;
  }
  return market === "spot" ? "/api/v3/exchangeInfo" : "/fapi/v1/exchangeInfo";
}

const failed = (failure: string): InstrumentVerdict => ({
  known: [],
  unknown: [],
  notTrading: [],
  inconclusive: false,
  failure,
});

function parseJson(body: string | undefined): unknown {
  try {
    return JSON.parse(body ?? "");
  } catch {
    return undefined;
  }
}

/** Whether a Binance error body is `-1121 Invalid symbol`. */
export function isBinanceInvalidSymbol(status: number | undefined, body: string | undefined) {
  const v = parseJson(body) as { code?: unknown } | undefined;
  return status === 400 && typeof v === "object" && v !== null && v.code === -1121;
}

function listed(
  a: InstrumentAnswer,
  rows: unknown,
  trading: string,
): InstrumentVerdict {
  const where = `${a.exchange} ${instrumentsPath(a.exchange, a.market)}`;
  if (!Array.isArray(rows)) return failed(`${where}: no symbol list in the answer`);
  const status = new Map<string, string>();
  for (const r of rows as { symbol?: unknown; status?: unknown }[]) {
    if (typeof r?.symbol === "string") status.set(r.symbol, String(r.status));
  }
  const asked = a.symbols.length > 0 ? a.symbols : a.wanted;
  const v: InstrumentVerdict = { known: [], unknown: [], notTrading: [], inconclusive: false };
  for (const s of asked) {
    const st = status.get(s);
    if (st === undefined) {
      const message = a.exchange === "bybit"
        ? `no ${
          a.market === "spot" ? "spot" : "linear"
        } instrument "${s}" is trading on bybit (${where} lists none)`
        : `"${s}" is not listed by ${where}`;
      v.unknown.push({ symbol: s, message });
      continue;
    }
    v.known.push(s);
    if (st !== trading) v.notTrading.push(`${s} (${st})`);
  }
  return v;
}

/** Reads one metadata answer; see the module documentation. */
export function instrumentVerdict(a: InstrumentAnswer): InstrumentVerdict {
  const where = `${a.exchange} ${instrumentsPath(a.exchange, a.market)}`;
  if (a.exchange === "binance") {
    if (a.market === "spot" && isBinanceInvalidSymbol(a.status, a.body)) {
      const msg = (parseJson(a.body) as { msg?: unknown }).msg;
      if (a.symbols.length !== 1) {
        return { known: [], unknown: [], notTrading: [], inconclusive: true };
      }
      const message = `binance -1121: ${typeof msg === "string" ? msg : "Invalid symbol."}`;
      return {
        known: [],
        unknown: [{ symbol: a.symbols[0], message }],
        notTrading: [],
        inconclusive: false,
      };
    }
    if (a.error !== undefined || a.status !== undefined) {
      return failed(`${where}: ${a.error ?? `HTTP ${a.status}`}`);
    }
    const v = parseJson(a.body) as { symbols?: unknown } | undefined;
    if (typeof v !== "object" || v === null) return failed(`${where}: the answer is not JSON`);
    return listed(a, v.symbols, "TRADING");
  }
  const v = parseJson(a.body) as
    | { retCode?: unknown; retMsg?: unknown; result?: { list?: unknown } }
    | undefined;
  if (a.error !== undefined && (typeof v !== "object" || v === null)) {
    return failed(`${where}: ${a.error}`);
  }
  if (typeof v !== "object" || v === null) return failed(`${where}: the answer is not JSON`);
  if (v.retCode === 10001 && a.symbols.length === 1) {
    return {
      known: [],
      unknown: [{ symbol: a.symbols[0], message: `bybit 10001: ${String(v.retMsg)}` }],
      notTrading: [],
      inconclusive: false,
    };
  }
  if (v.retCode !== 0 || a.error !== undefined) {
    return failed(`${where}: ${a.error ?? `retCode ${String(v.retCode)} ${String(v.retMsg)}`}`);
  }
  return listed(a, v.result?.list, "Trading");
}

/**
 * The symbols a refused Bybit subscription names: `Invalid symbol :[orderbook.50.NOPEUSDT]`
 * (several topics comma-separated) gives `["NOPEUSDT"]`; a message without topics gives `[]`.
 */
export function bybitRefusedSymbols(message: string): string[] {
  const m = /invalid symbol\s*:\s*\[([^\]]*)\]/i.exec(message);
  if (!m) return [];
  const out = new Set<string>();
  for (const topic of m[1].split(",")) {
    const s = topic.trim().split(".").pop()!;
    if (s !== "") out.add(s);
  }
  return [...out];
}
