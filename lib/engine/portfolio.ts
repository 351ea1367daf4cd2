/**
 * The portfolio: cash, one position per asset, fees, realised PnL and equity, with every asset
 * sharing one capital.
 *
 * Cash accounting (a cash account with shorts, no leverage):
 * - buying `q` units at `p` costs `q·p + fee`; selling them returns `q·p − fee`;
 * - opening a short *credits* the sale proceeds `q·p − fee` to cash, covering debits `q·p + fee`;
 * - equity = cash + Σ qtyᵢ · markᵢ, so a short (negative qty) subtracts its market value;
 * - a position only opens from flat and only closes in full, so each open → close is one trade.
 *
 * Quantities are signed (positive long, negative short). Per-asset state lives in typed arrays
 * indexed by the run's fixed asset order.
 * @module
 */
import type { OpenPosition, PositionSide, Trade } from "../core/order.ts";
import type { PositionView } from "../core/strategy.ts";
import { TradeLog } from "./logs.ts";

/** Cash, positions and their marks. */
export class Portfolio {
  /** Free cash (quote currency). */
  cash: number;
  /** Commission paid so far. */
  fees = 0;
  /** Slippage cost paid so far. */
  slippage = 0;
  /** Sum of closed trades' net PnL. */
  realized = 0;
  /** Number of assets with a non-zero position. */
  openCount = 0;
  /** Signed quantity per asset. */
  readonly qty: Float64Array;
  /** Average entry price per asset (`NaN` when flat). */
  readonly avgPrice: Float64Array;
  /** Entry fill time per asset. */
  readonly entryTs: Float64Array;
  /** Commission paid on the entry of the current position. */
  readonly entryFees: Float64Array;
  /** Latest price per asset: the last open or close the engine has seen. */
  readonly mark: Float64Array;
  readonly #assets: readonly string[];
  readonly #views: PositionView[];

  constructor(assets: readonly string[], capital: number) {
    const n = assets.length;
    this.#assets = assets;
    this.cash = capital;
    this.qty = new Float64Array(n);
    this.avgPrice = new Float64Array(n).fill(NaN);
    this.entryTs = new Float64Array(n).fill(NaN);
    this.entryFees = new Float64Array(n);
    this.mark = new Float64Array(n).fill(NaN);
    // One live view object per asset: strategies read it without the engine allocating per bar.
    this.#views = assets.map((_, i) => {
      const qty = this.qty, avg = this.avgPrice;
      return {
        get qty() {
          return qty[i];
        },
        get avgPrice() {
          return avg[i];
        },
      };
    });
  }

  /** Read-only live view of the position in asset `i`. */
  view(i: number): PositionView {
    return this.#views[i];
  }

  /** cash + Σ qty · mark (assets never priced yet count as 0). */
  equity(): number {
    let e = this.cash;
    const q = this.qty, m = this.mark;
    for (let i = 0; i < q.length; i++) if (q[i] !== 0) e += q[i] * m[i];
    return e;
  }

  /** Σ |qty · mark|: the market value committed to open positions. */
  gross(): number {
    let g = 0;
    const q = this.qty, m = this.mark;
    for (let i = 0; i < q.length; i++) if (q[i] !== 0) g += Math.abs(q[i] * m[i]);
    return g;
  }

  /** Opens a position in asset `i` from flat: `sign` +1 long, −1 short, `units` > 0. */
  open(i: number, sign: 1 | -1, units: number, price: number, fee: number, ts: number): void {
    if (this.qty[i] !== 0) {
      throw new Error(`Cannot open ${this.#assets[i]}: a position is already open`);
    }
    this.qty[i] = sign * units;
    this.avgPrice[i] = price;
    this.entryTs[i] = ts;
    this.entryFees[i] = fee;
    this.cash += sign > 0 ? -(units * price + fee) : units * price - fee;
    this.fees += fee;
    this.mark[i] = price;
    this.openCount++;
  }

  /** Closes the whole position in asset `i` and returns the round trip. */
  close(i: number, price: number, fee: number, ts: number, reason: string): Trade {
    const log = new TradeLog();
    this.settle(i, price, fee, ts, reason, log);
    return log.list[0];
  }

  /** Closes the whole position in asset `i` and records the round trip in `log`. */
  settle(i: number, price: number, fee: number, ts: number, reason: string, log: TradeLog): void {
    const q = this.qty[i];
    if (q === 0) throw new Error(`Cannot close ${this.#assets[i]}: no position is open`);
    const units = Math.abs(q);
    const entry = this.avgPrice[i];
    this.cash += q > 0 ? units * price - fee : -(units * price + fee);
    this.fees += fee;
    const pnl = q * (price - entry) - this.entryFees[i] - fee;
    this.realized += pnl;
    log.add(
      this.#assets[i],
      q > 0 ? "long" : "short",
      this.entryTs[i],
      entry,
      ts,
      price,
      units,
      pnl,
      this.entryFees[i] + fee,
      reason,
    );
    this.qty[i] = 0;
    this.avgPrice[i] = NaN;
    this.entryTs[i] = NaN;
    this.entryFees[i] = 0;
    this.mark[i] = price;
    this.openCount--;
  }

  /** Positions still open, valued at their marks. */
  openPositions(): OpenPosition[] {
    const out: OpenPosition[] = [];
    for (let i = 0; i < this.qty.length; i++) {
      const q = this.qty[i];
      if (q === 0) continue;
      const side: PositionSide = q > 0 ? "long" : "short";
      out.push({
        asset: this.#assets[i],
        side,
        entryTs: this.entryTs[i],
        entryPrice: this.avgPrice[i],
        size: Math.abs(q),
        lastPrice: this.mark[i],
        unrealizedPnl: q * (this.mark[i] - this.avgPrice[i]) - this.entryFees[i],
        fees: this.entryFees[i],
      });
    }
    return out;
  }
}
