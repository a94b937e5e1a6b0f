/**
 * Per-order pre-trade checks run by the worker that owns the order's symbol,
 * in this order; the first that fails decides the reason:
 *   symbol known -> instrument trading -> price valid and on tick -> quantity
 *   valid, on lot step, within min/max -> notional within the per-order maximum
 *   -> price within the collar of a fresh reference -> client id not live.
 * An accepted order's client id becomes live until its Fill frame says done.
 * Runs on the hot path: reads typed arrays only, allocates nothing.
 */
import { F64, I32, OrderType } from '../../ipc/frame-layout.js';
import { InstrumentField, InstrumentStatus, SYMBOL_STRIDE } from '../../ipc/instrument-table-layout.js';
import { Insert, type LiveOrderSet } from './live-order-set.js';
import type { ReferenceBook } from './reference-book.js';
import { Reason } from './reject-reason.js';

/** Relative tolerance for "on the grid" tests: prices and sizes are decimal, doubles are binary. */
export const GRID_EPS = 1e-9;

export function offGrid(value: number, step: number): boolean {
  const q = value / step;
  const r = Math.round(q);
  const d = q - r;
  return (d < 0 ? -d : d) > GRID_EPS * (r < 1 ? 1 : r);
}

export class OrderChecker {
  private readonly symbols: number;
  /** Price the last accepted order was valued at (its limit, or the reference for a market order). */
  checkedPrice = 0;

  constructor(
    private readonly instruments: Float64Array,
    private readonly book: ReferenceBook,
    private readonly live: LiveOrderSet,
  ) {
    this.symbols = instruments.length / SYMBOL_STRIDE;
  }

  /** Checks the NewOrder frame at int32 index `base`; returns Reason.ACCEPTED or the reason to reject. */
  check(i32: Int32Array, f64: Float64Array, base: number): number {
    const d = base >> 1;
    const s = i32[base + I32.symbol];
    if (s < 0 || s >= this.symbols) return Reason.UNKNOWN_SYMBOL;
    const row = s * SYMBOL_STRIDE;
    const ins = this.instruments;
    if (ins[row + InstrumentField.status] !== InstrumentStatus.Trading) return Reason.SYMBOL_NOT_TRADING;

    const market = i32[base + I32.type] === OrderType.Market;
    const price = f64[d + F64.price];
    if (!market) {
      // NaN fails `> 0` too.
      if (!(price > 0) || price === Infinity) return Reason.PRICE_INVALID;
      if (offGrid(price, ins[row + InstrumentField.tickSize])) return Reason.PRICE_OFF_TICK;
    }

    const qty = f64[d + F64.quantity];
    if (!(qty > 0) || qty === Infinity) return Reason.QTY_INVALID;
    if (offGrid(qty, ins[row + InstrumentField.lotStep])) return Reason.QTY_OFF_STEP;
    if (qty < ins[row + InstrumentField.minQty] * (1 - GRID_EPS)) return Reason.QTY_BELOW_MIN;
    if (qty > ins[row + InstrumentField.maxQty] * (1 + GRID_EPS)) return Reason.QTY_ABOVE_MAX;

    // Reference: last trade, else mid (NaN when neither was seen). Inlined: see ReferenceBook.
    const last = this.book.last[s];
    const ref = last === last ? last : (this.book.bid[s] + this.book.ask[s]) * 0.5;
    if (market && ref !== ref) return Reason.NO_REFERENCE_PRICE;
    const valuedAt = market ? ref : price;
    if (!(valuedAt * qty <= ins[row + InstrumentField.maxNotional])) return Reason.NOTIONAL_ABOVE_MAX;

    if (ref !== ref) return Reason.NO_REFERENCE_PRICE;
    if (this.book.stale[s] !== 0) return Reason.MARKET_DATA_STALE;
    if (!market) {
      const dev = price - ref;
      if ((dev < 0 ? -dev : dev) > ins[row + InstrumentField.collarFrac] * ref) return Reason.PRICE_OUTSIDE_COLLAR;
    }

    const added = this.live.insert(f64[d + F64.clientId]);
    if (added === Insert.Exists) return Reason.DUPLICATE_CLIENT_ID;
    if (added === Insert.Full) return Reason.OPEN_ORDER_TABLE_FULL;
    this.checkedPrice = valuedAt;
    return Reason.ACCEPTED;
  }
}
