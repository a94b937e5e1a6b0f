/**
 * One worker's per-symbol risk totals: position (base units, signed) and its
 * average entry price, the open quantity on each side, the open order count
 * and open notional, the realized PnL since start, the exposure units the position holds in the account
 * ledger, and the best resting buy and sell price of the account's live
 * orders (for self-trade prevention). Float64Array columns indexed by symbol:
 * the hot path reads and writes numbers in place, never boxed fields.
 * Single-threaded: owned by the worker that owns the symbols.
 */
import { Side } from '../../ipc/frame-layout.js';
import type { OrderTable } from './order-table.js';

export class PositionBook {
  readonly position: Float64Array;
  /** Average entry price of the position (0 when flat). */
  readonly avgPrice: Float64Array;
  /** Realized PnL (quote) of the symbol's closing fills since the worker started. */
  readonly realizedPnl: Float64Array;
  readonly openBuyQty: Float64Array;
  readonly openSellQty: Float64Array;
  readonly openNotional: Float64Array;
  readonly openOrders: Int32Array;
  /** Exposure units the position holds in the account ledger (|position| * avgPrice, rounded up). */
  readonly positionUnits: Int32Array;
  /** Highest resting buy price (-Infinity when none); lowest resting sell price (+Infinity when none). */
  readonly bestBuy: Float64Array;
  readonly bestSell: Float64Array;

  constructor(readonly symbols: number) {
    this.position = new Float64Array(symbols);
    this.avgPrice = new Float64Array(symbols);
    this.realizedPnl = new Float64Array(symbols);
    this.openBuyQty = new Float64Array(symbols);
    this.openSellQty = new Float64Array(symbols);
    this.openNotional = new Float64Array(symbols);
    this.openOrders = new Int32Array(symbols);
    this.positionUnits = new Int32Array(symbols);
    this.bestBuy = new Float64Array(symbols).fill(-Infinity);
    this.bestSell = new Float64Array(symbols).fill(Infinity);
  }

  /** Recomputes the best resting price of (s, side) from its live orders (after the best one left). */
  rescanBest(orders: OrderTable, s: number, side: number): void {
    const buy = side === Side.Buy;
    let best = buy ? -Infinity : Infinity;
    for (let r = orders.first(s, side); r !== -1; r = orders.after(r)) {
      const p = orders.rest[r];
      if (buy ? p > best : p < best) best = p;
    }
    if (buy) this.bestBuy[s] = best;
    else this.bestSell[s] = best;
  }
}
