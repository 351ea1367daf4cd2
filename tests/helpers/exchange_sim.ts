/**
 * Local exchanges for stream tests: `Deno.serve` on 127.0.0.1, port 0, speaking the real wire
 * formats of Binance spot and USDⓈ-M (combined-stream WebSocket `/stream?streams=…`, REST
 * `/api/v3/depth`, `/fapi/v1/depth`, `/fapi/v1/fundingInfo`, the symbol lists `/api/v3/exchangeInfo`
 * and `/fapi/v1/exchangeInfo`) and Bybit v5 (`/v5/public/spot`, `/v5/public/linear`:
 * subscribe/unsubscribe/ping, `orderbook.50` snapshot + deltas, `tickers`; REST
 * `/v5/market/instruments-info`). The symbols a simulator was started with are the ones it lists;
 * any other is unknown, answered as the real exchange answers it.
 * Each symbol's book starts from the real captured snapshot in ../shared/reference/messages/ and
 * moves by seeded random updates on a price grid around it; the server keeps its own book, so a
 * test compares the client's books with the server's. Faults are queued per market: a gap, a
 * duplicate, an out-of-order pair, a crossed update, a Bybit `u = 1` restart, a snapshot older
 * than the stream, 429s on the snapshot, `serverShutdown`, silence and dropped connections.
 * @module
 */
import { createRng, type Rng } from "../../lib/core/prng.ts";

const REF = new URL("../../../shared/reference/messages/", import.meta.url);

/** Reads a reference message (JSON). */
export function reference(path: string): unknown {
  return JSON.parse(Deno.readTextFileSync(new URL(path, REF)));
}

/** Whether the reference folder is present (it is in CI; a user's clone may lack it). */
export function haveReference(): boolean {
  try {
    Deno.statSync(REF);
    return true;
  } catch {
    return false;
  }
}

type Levels = [string, string][];

/** A server-side book: price string → quantity string, on a price grid. */
export class SimBook {
  readonly bids = new Map<string, string>();
  readonly asks = new Map<string, string>();
  id: number;
  readonly #decimals: number;
  readonly #tick: number;
  readonly #bestBid: number;
  readonly #bestAsk: number;

  readonly #quiet: number;

  /** `quietTicks`: random updates touch only levels at least this many ticks from the best. */
  constructor(
    snapshot: { lastUpdateId?: number; bids: Levels; asks: Levels },
    startId: number,
    quietTicks = 0,
  ) {
    this.#quiet = quietTicks;
    const p0 = snapshot.bids[0][0];
    this.#decimals = p0.includes(".") ? Math.min(2, p0.split(".")[1].length) : 0;
    // one spelling per price, the grid's (the client treats "1.50" and "1.5" as one level)
    const grid = (p: string) => Number(p).toFixed(this.#decimals);
    for (const [p, q] of snapshot.bids) this.bids.set(grid(p), q);
    for (const [p, q] of snapshot.asks) this.asks.set(grid(p), q);
    this.id = startId;
    this.#tick = 10 ** -this.#decimals;
    this.#bestBid = Number(snapshot.bids[0][0]);
    this.#bestAsk = Number(snapshot.asks[0][0]);
  }

  #price(side: "bid" | "ask", k: number): string {
    const v = side === "bid" ? this.#bestBid - k * this.#tick : this.#bestAsk + k * this.#tick;
    return v.toFixed(this.#decimals);
  }

  /** A random update of a few levels (applied to this book); never crosses. */
  step(rng: Rng): { bids: Levels; asks: Levels } {
    const make = (side: "bid" | "ask", map: Map<string, string>): Levels => {
      const out: Levels = [];
      for (let n = rng.int(0, 2); n >= 0; n--) {
        const price = this.#price(side, this.#quiet + rng.int(0, 25));
        const qty = rng.next() < 0.3 ? "0" : (rng.int(1, 5000) / 1000).toFixed(3);
        if (qty === "0") map.delete(price);
        else map.set(price, qty);
        out.push([price, qty]);
      }
      return out;
    };
    return { bids: make("bid", this.bids), asks: make("ask", this.asks) };
  }

  /** Levels, best first. */
  levels(side: "bid" | "ask"): Levels {
    const map = side === "bid" ? this.bids : this.asks;
    const sorted = [...map.entries()].sort((a, b) => Number(a[0]) - Number(b[0]));
    return side === "bid" ? sorted.reverse() : sorted;
  }

  /** A price that crosses the book (a bid at the best ask). */
  crossingBid(): string {
    return this.levels("ask")[0][0];
  }
}

/** A fault to inject on the next messages of a market. */
export type SimFault =
  | { type: "gap"; symbol: string }
  | { type: "duplicate"; symbol: string }
  | { type: "outOfOrder"; symbol: string }
  | { type: "crossed"; symbol: string }
  | { type: "restart"; symbol: string }
  | { type: "oldSnapshot" }
  | { type: "status"; status: number; count: number; retryAfterS?: number }
  | { type: "serverShutdown" }
  | { type: "silence"; ms: number }
  | { type: "drop" };

/** Options of a simulated market. */
export interface SimOptions {
  readonly kind: "binance-spot" | "binance-perp" | "bybit";
  readonly symbols: readonly string[];
  /** Period of depth messages per symbol, ms (default 20). */
  readonly everyMs?: number;
  /** Send updates until this many have been sent per symbol (then the books stay still). */
  readonly maxUpdates?: number;
  readonly seed?: number;
  /** Start every symbol's book from these levels instead of the reference snapshot. */
  readonly book?: { readonly bids: Levels; readonly asks: Levels };
  /** Random updates touch only levels at least this many ticks from the best (default 0). */
  readonly quietTicks?: number;
}

interface Client {
  readonly ws: WebSocket;
  readonly topics: Set<string>;
  readonly market: "spot" | "linear" | "binance";
}

function seedSnapshot(kind: SimOptions["kind"]) {
  if (kind === "binance-spot") return reference("binance/real_spot_rest_depth_snapshot.json");
  if (kind === "binance-perp") return reference("binance/real_usdm_rest_depth_snapshot.json");
  const s = reference("bybit/doc_v5_ws_orderbook50_snapshot.json") as {
    data: { b: Levels; a: Levels; u: number };
  };
  return { bids: s.data.b, asks: s.data.a, lastUpdateId: s.data.u };
}

/** One simulated market (a server of its own). */
export class SimExchange {
  readonly books = new Map<string, SimBook>();
  readonly faults: SimFault[] = [];
  /** REST requests received: path and query. */
  readonly requests: string[] = [];
  /** WebSocket connections accepted. */
  connections = 0;
  /** When set, the symbol-list endpoints answer with this HTTP status (a metadata outage). */
  metadataStatus: number | undefined;
  /** Updates to send per symbol before the books stand still (a test may change it). */
  maxUpdates: number | undefined;
  readonly #o: SimOptions;
  readonly #rng: Rng;
  readonly #server: Deno.HttpServer;
  readonly #clients = new Set<Client>();
  readonly #timer: ReturnType<typeof setInterval>;
  readonly #old = new Map<string, { id: number; bids: Levels; asks: Levels }>();
  #silentUntil = 0;
  #sent = 0;
  /** Pending out-of-order message per symbol. */
  readonly #held = new Map<string, string>();

  constructor(o: SimOptions) {
    this.#o = o;
    this.maxUpdates = o.maxUpdates;
    this.#rng = createRng(o.seed ?? 7);
    const snap = o.book
      ? { lastUpdateId: 1000, bids: [...o.book.bids], asks: [...o.book.asks] }
      : seedSnapshot(o.kind) as { lastUpdateId: number; bids: Levels; asks: Levels };
    for (const s of o.symbols) {
      this.books.set(s, new SimBook(snap, snap.lastUpdateId, o.quietTicks));
    }
    this.#server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: () => {} },
      (req) => this.#handle(req),
    );
    this.#timer = setInterval(() => this.#tick(), o.everyMs ?? 20);
  }

  /** `http://127.0.0.1:port`. */
  get url(): string {
    return `http://127.0.0.1:${(this.#server.addr as Deno.NetAddr).port}`;
  }

  /** `ws://127.0.0.1:port`. */
  get wsUrl(): string {
    return this.url.replace("http:", "ws:");
  }

  /** Whether every update has been sent (the books stand still). */
  get finished(): boolean {
    return this.maxUpdates !== undefined && this.#sent >= this.maxUpdates;
  }

  #handle(req: Request): Response {
    const url = new URL(req.url);
    if (req.headers.get("upgrade") === "websocket") return this.#upgrade(req, url);
    this.requests.push(`${url.pathname}${url.search}`);
    if (url.pathname === "/fapi/v1/fundingInfo") {
      return Response.json(this.#o.symbols.map((symbol) => ({
        symbol,
        adjustedFundingRateCap: "0.02500000",
        adjustedFundingRateFloor: "-0.02500000",
        fundingIntervalHours: 4,
        disclaimer: false,
      })));
    }
    if (url.pathname === "/api/v3/depth" || url.pathname === "/fapi/v1/depth") {
      return this.#depth(url.searchParams.get("symbol") ?? "");
    }
    const metadata = [
      "/api/v3/exchangeInfo",
      "/fapi/v1/exchangeInfo",
      "/v5/market/instruments-info",
    ];
    if (metadata.includes(url.pathname)) {
      if (this.metadataStatus !== undefined) {
        return Response.json({ code: -1000, msg: "An unknown error occurred." }, {
          status: this.metadataStatus,
        });
      }
      if (url.pathname === "/api/v3/exchangeInfo") return this.#spotInfo(url.searchParams);
      if (url.pathname === "/fapi/v1/exchangeInfo") return this.#futuresInfo();
      return this.#bybitInstruments(url.searchParams);
    }
    return new Response("not found", { status: 404 });
  }

  /** A symbol entry of exchangeInfo (the fields mts reads, and a few real neighbours). */
  #symbolInfo(symbol: string, futures: boolean): Record<string, unknown> {
    const base = symbol.replace(/(USDT|USDC|BTC)$/, "");
    return futures
      ? {
        symbol,
        pair: symbol,
        contractType: "PERPETUAL",
        deliveryDate: 4133404800000,
        onboardDate: 1569398400000,
        status: "TRADING",
        baseAsset: base,
        quoteAsset: symbol.slice(base.length),
        marginAsset: symbol.slice(base.length),
        pricePrecision: 2,
        quantityPrecision: 3,
      }
      : {
        symbol,
        status: "TRADING",
        baseAsset: base,
        baseAssetPrecision: 8,
        quoteAsset: symbol.slice(base.length),
        quotePrecision: 8,
        quoteAssetPrecision: 8,
        orderTypes: ["LIMIT", "MARKET"],
        isSpotTradingAllowed: true,
        filters: [],
        permissions: [],
      };
  }

  #exchangeInfo(symbols: string[], futures: boolean): Response {
    return Response.json({
      timezone: "UTC",
      serverTime: Date.now(),
      rateLimits: [
        { rateLimitType: "REQUEST_WEIGHT", interval: "MINUTE", intervalNum: 1, limit: 6000 },
      ],
      exchangeFilters: [],
      symbols: symbols.map((s) => this.#symbolInfo(s, futures)),
    });
  }

  /** Binance spot: `symbol` or `symbols=["A","B"]`; one unknown symbol fails the whole request. */
  #spotInfo(q: URLSearchParams): Response {
    let asked: string[] = [...this.books.keys()];
    if (q.has("symbol")) asked = [q.get("symbol")!];
    else if (q.has("symbols")) {
      try {
        asked = JSON.parse(q.get("symbols")!);
      } catch {
        return Response.json({
          code: -1100,
          msg: "Illegal characters found in parameter 'symbols'.",
        }, {
          status: 400,
        });
      }
    }
    if (asked.some((s) => !this.books.has(s))) {
      return Response.json({ code: -1121, msg: "Invalid symbol." }, { status: 400 });
    }
    return this.#exchangeInfo(asked, false);
  }

  /** Binance USDⓈ-M: every symbol, no filter. */
  #futuresInfo(): Response {
    return this.#exchangeInfo([...this.books.keys()], true);
  }

  /** Bybit v5: retCode 0 and an empty list for a symbol it does not trade. */
  #bybitInstruments(q: URLSearchParams): Response {
    const category = q.get("category") ?? "";
    if (category !== "spot" && category !== "linear") {
      return Response.json({
        retCode: 10001,
        retMsg: "params error: category is invalid",
        result: {},
        retExtInfo: {},
        time: Date.now(),
      });
    }
    const symbol = q.get("symbol");
    const symbols = symbol === null ? [...this.books.keys()] : [symbol];
    const list = symbols.filter((s) => this.books.has(s)).map((s) => ({
      symbol: s,
      ...(category === "linear" ? { contractType: "LinearPerpetual" } : {}),
      status: "Trading",
      baseCoin: s.replace(/USDT$/, ""),
      quoteCoin: "USDT",
    }));
    return Response.json({
      retCode: 0,
      retMsg: "OK",
      result: { category, list, ...(category === "linear" ? { nextPageCursor: "" } : {}) },
      retExtInfo: {},
      time: Date.now(),
    });
  }

  #depth(symbol: string): Response {
    const book = this.books.get(symbol);
    if (!book) return Response.json({ code: -1121, msg: "Invalid symbol." }, { status: 400 });
    const f = this.faults[0];
    if (f?.type === "status") {
      if (--f.count <= 0) this.faults.shift();
      const headers = f.retryAfterS !== undefined
        ? { "retry-after": String(f.retryAfterS) }
        : undefined;
      return Response.json({ code: -1003, msg: "Too many requests." }, {
        status: f.status,
        headers,
      });
    }
    if (f?.type === "oldSnapshot" && this.#old.has(symbol)) {
      this.faults.shift();
      const old = this.#old.get(symbol)!;
      return Response.json({ lastUpdateId: old.id, bids: old.bids, asks: old.asks });
    }
    const body: Record<string, unknown> = {
      lastUpdateId: book.id,
      bids: book.levels("bid"),
      asks: book.levels("ask"),
    };
    if (this.#o.kind === "binance-perp") {
      body.E = Date.now();
      body.T = Date.now();
    }
    return Response.json(body);
  }

  #upgrade(req: Request, url: URL): Response {
    const { socket, response } = Deno.upgradeWebSocket(req);
    const market = this.#o.kind === "bybit"
      ? (url.pathname.endsWith("/linear") ? "linear" : "spot")
      : "binance";
    const client: Client = { ws: socket, topics: new Set(), market };
    if (market === "binance") {
      for (const s of (url.searchParams.get("streams") ?? "").split("/")) client.topics.add(s);
    }
    socket.onopen = () => {
      this.connections++;
      this.#clients.add(client);
    };
    socket.onclose = () => this.#clients.delete(client);
    socket.onerror = () => {};
    socket.onmessage = (m) => this.#bybitRequest(client, String(m.data));
    return response;
  }

  #bybitRequest(client: Client, text: string): void {
    const req = JSON.parse(text) as { op: string; args?: string[]; req_id?: string };
    const reply = (extra: Record<string, unknown>) =>
      this.#send(client, JSON.stringify({ success: true, conn_id: "sim", ...extra }));
    if (req.op === "ping") {
      reply({ ret_msg: "pong", op: "ping" });
      return;
    }
    const unknown = (req.args ?? []).filter((t) => !this.books.has(t.split(".").pop()!));
    if (req.op === "subscribe" && unknown.length > 0) {
      // Bybit's answer to a topic it does not know names it
      this.#send(
        client,
        JSON.stringify({
          success: false,
          ret_msg: `Invalid symbol :[${unknown.join(",")}]`,
          conn_id: "sim",
          req_id: req.req_id,
          op: "subscribe",
        }),
      );
    }
    for (const topic of req.args ?? []) {
      if (unknown.includes(topic)) continue;
      if (req.op === "subscribe") {
        client.topics.add(topic);
      } else if (req.op === "unsubscribe") client.topics.delete(topic);
    }
    if (unknown.length === 0 || req.op !== "subscribe") {
      reply({ ret_msg: "", op: req.op, req_id: req.req_id });
    }
    if (req.op !== "subscribe") return;
    for (const topic of req.args ?? []) this.#bybitInitial(client, topic);
  }

  #bybitInitial(client: Client, topic: string): void {
    const symbol = topic.split(".").pop()!;
    const book = this.books.get(symbol);
    if (!book) return;
    if (topic.startsWith("orderbook.")) {
      this.#send(
        client,
        this.#bybitBook(topic, book, "snapshot", book.levels("bid"), book.levels("ask")),
      );
    } else if (topic.startsWith("tickers.") && client.market === "linear") {
      const t = reference("bybit/doc_v5_ws_tickers_linear_perp_snapshot.json") as Record<
        string,
        unknown
      >;
      const data = { ...(t.data as Record<string, unknown>), symbol };
      this.#send(client, JSON.stringify({ ...t, topic, data, ts: Date.now() }));
    }
  }

  #bybitBook(topic: string, book: SimBook, type: string, b: Levels, a: Levels): string {
    const now = Date.now();
    return JSON.stringify({
      topic,
      type,
      ts: now,
      data: { s: topic.split(".").pop(), b, a, u: book.id, seq: book.id * 10 },
      cts: now,
    });
  }

  #send(c: Client, text: string): void {
    if (c.ws.readyState === WebSocket.OPEN) c.ws.send(text);
  }

  #broadcast(stream: string, text: string): void {
    for (const c of this.#clients) if (c.topics.has(stream)) this.#send(c, text);
  }

  #tick(): void {
    const now = Date.now();
    if (now < this.#silentUntil) return;
    if (this.#connectionFault()) return;
    if (this.finished || this.connections === 0) return;
    this.#sent++;
    for (const [symbol, book] of this.books) this.#stepSymbol(symbol, book);
  }

  #connectionFault(): boolean {
    const f = this.faults[0];
    if (!f) return false;
    if (f.type === "silence") {
      this.faults.shift();
      this.#silentUntil = Date.now() + f.ms;
      return true;
    }
    if (f.type === "drop") {
      this.faults.shift();
      for (const c of this.#clients) c.ws.close(1001, "going away");
      return true;
    }
    if (f.type === "serverShutdown") {
      this.faults.shift();
      for (const c of this.#clients) {
        this.#send(
          c,
          JSON.stringify({
            stream: "!serverShutdown",
            data: { e: "serverShutdown", E: Date.now() },
          }),
        );
      }
      return true;
    }
    return false;
  }

  #takeFault(symbol: string): SimFault["type"] | undefined {
    const i = this.faults.findIndex((f) => "symbol" in f && f.symbol === symbol);
    if (i < 0) return undefined;
    return this.faults.splice(i, 1)[0].type;
  }

  #stepSymbol(symbol: string, book: SimBook): void {
    // the state an "oldSnapshot" fault serves: the first one drawn, kept, so that by the time a
    // test injects the fault it is far behind any buffered event (a recent one could still be a
    // valid snapshot, and the test would see no discard); the draw itself keeps the rng sequence
    if (this.#rng.next() < 0.1 && !this.#old.has(symbol)) {
      this.#old.set(symbol, { id: book.id, bids: book.levels("bid"), asks: book.levels("ask") });
    }
    const fault = this.#takeFault(symbol);
    if (this.#o.kind === "bybit") return this.#bybitStep(symbol, book, fault);
    const prevU = book.id;
    let change = book.step(this.#rng);
    if (fault === "crossed") {
      // the exchange sends a bad update; its own book is not changed by it
      change = { bids: [[book.crossingBid(), "1.000"]], asks: [] };
    }
    const U = prevU + 1;
    book.id = prevU + this.#rng.int(1, 4);
    const stream = `${symbol.toLowerCase()}@depth@100ms`;
    const data: Record<string, unknown> = {
      e: "depthUpdate",
      E: Date.now(),
      s: symbol,
      U,
      u: book.id,
      b: change.bids,
      a: change.asks,
    };
    if (this.#o.kind === "binance-perp") {
      data.T = Date.now();
      data.pu = prevU;
    }
    if (fault === "crossed") {
      // later updates must not depend on the bad level: remove it again at once
      this.#sendDepth(stream, JSON.stringify({ stream, data }), symbol, undefined);
      return;
    }
    this.#sendDepth(stream, JSON.stringify({ stream, data }), symbol, fault);
    if (this.#o.kind === "binance-perp" && this.#rng.next() < 0.3) this.#markPrice(symbol);
  }

  #sendDepth(
    stream: string,
    text: string,
    symbol: string,
    fault: SimFault["type"] | undefined,
  ): void {
    const held = this.#held.get(symbol);
    if (fault === "gap") return;
    if (fault === "outOfOrder") {
      this.#held.set(symbol, text);
      return;
    }
    this.#broadcast(stream, text);
    if (held) {
      this.#held.delete(symbol);
      this.#broadcast(stream, held);
    }
    if (fault === "duplicate") this.#broadcast(stream, text);
  }

  #markPrice(symbol: string): void {
    const stream = `${symbol.toLowerCase()}@markPrice@1s`;
    const data = {
      e: "markPriceUpdate",
      E: Date.now(),
      s: symbol,
      p: "58940.14924532",
      P: "58905.14663658",
      i: "58857.26693664",
      r: "0.00058455",
      T: 1617321600000,
    };
    this.#broadcast(stream, JSON.stringify({ stream, data }));
  }

  #bybitStep(symbol: string, book: SimBook, fault: SimFault["type"] | undefined): void {
    const topic = `orderbook.50.${symbol}`;
    if (fault === "restart") {
      book.step(this.#rng);
      book.id = 1;
      this.#broadcast(
        topic,
        this.#bybitBook(topic, book, "snapshot", book.levels("bid"), book.levels("ask")),
      );
      return;
    }
    let change = book.step(this.#rng);
    if (fault === "crossed") change = { bids: [[book.crossingBid(), "1.000"]], asks: [] };
    book.id++;
    const text = this.#bybitBook(topic, book, "delta", change.bids, change.asks);
    if (fault === "gap") return;
    this.#broadcast(topic, text);
    if (fault === "duplicate") this.#broadcast(topic, text);
  }

  /** Stops the timer, closes every socket and the server. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    for (const c of this.#clients) {
      try {
        c.ws.close();
      } catch { /* closed */ }
    }
    await this.#server.shutdown();
  }
}

/**
 * A TCP relay in front of a simulator whose {@link TcpRelay.cut} drops every connection abruptly
 * (no WebSocket close frame, no TCP FIN handshake of the protocol above): what a client sees when
 * the network goes away.
 */
export class TcpRelay {
  readonly #listener: Deno.Listener;
  readonly #conns = new Set<Deno.Conn>();
  /** Connections relayed. */
  accepted = 0;

  constructor(target: { hostname: string; port: number }) {
    this.#listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    void this.#accept(target);
  }

  async #accept(target: { hostname: string; port: number }): Promise<void> {
    for await (const inbound of this.#listener) {
      this.accepted++;
      const outbound = await Deno.connect(target);
      this.#conns.add(inbound);
      this.#conns.add(outbound);
      const pipe = async (a: Deno.Conn, b: Deno.Conn) => {
        try {
          await a.readable.pipeTo(b.writable);
        } catch { /* cut */ }
      };
      void pipe(inbound, outbound);
      void pipe(outbound, inbound);
    }
  }

  /** `ws://127.0.0.1:port`. */
  get wsUrl(): string {
    return `ws://127.0.0.1:${(this.#listener.addr as Deno.NetAddr).port}`;
  }

  /** Drops every relayed connection at once. */
  cut(): void {
    for (const c of this.#conns) {
      try {
        c.close();
      } catch { /* closed */ }
    }
    this.#conns.clear();
  }

  /** Stops relaying. */
  close(): void {
    this.cut();
    this.#listener.close();
  }
}
