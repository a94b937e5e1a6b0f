/**
 * A worker's side of the position board: marks the symbols a batch touched
 * (accepted orders, fills, ticks) and, once at the end of the batch, writes
 * each touched symbol's row once. Per frame it costs one byte read (and, the
 * first time in the batch, two stores); per touched symbol one seqlocked row
 * write. Allocation-free: the touched list is preallocated, one slot per symbol.
 * Single-threaded: owned by the worker that owns the symbols.
 */
import { PositionBoardWriter, PositionField, ROW_FIELDS } from './position-board.js';
import type { PositionBook } from './position-book.js';
import type { ReferenceBook } from './reference-book.js';

export class PositionPublisher {
  private readonly board: PositionBoardWriter;
  private readonly touched: Uint8Array;
  private readonly list: Int32Array;
  private readonly row = new Float64Array(ROW_FIELDS);
  private count = 0;

  constructor(
    sab: SharedArrayBuffer,
    private readonly positions: PositionBook,
    private readonly book: ReferenceBook,
  ) {
    this.board = new PositionBoardWriter(sab);
    if (this.board.symbols !== positions.symbols) throw new RangeError(`position board has ${this.board.symbols} symbols, the worker ${positions.symbols}`);
    this.touched = new Uint8Array(positions.symbols);
    this.list = new Int32Array(positions.symbols);
  }

  /** Symbol s changed in this batch (s must be a known symbol id). */
  touch(s: number): void {
    if (this.touched[s] === 0) {
      this.touched[s] = 1;
      this.list[this.count++] = s;
    }
  }

  /** End of batch: one row write per touched symbol. */
  publish(): void {
    const pb = this.positions;
    const book = this.book;
    for (let i = 0; i < this.count; i++) {
      const s = this.list[i];
      this.touched[s] = 0;
      const bid = book.bid[s];
      const ask = book.ask[s];
      // The mid when the book has both sides, else the last trade (NaN before any tick).
      const mid = bid === bid && ask === ask ? (bid + ask) / 2 : book.last[s];
      const row = this.row;
      row[PositionField.position] = pb.position[s];
      row[PositionField.avgPrice] = pb.avgPrice[s];
      row[PositionField.realizedPnl] = pb.realizedPnl[s];
      row[PositionField.refMid] = mid;
      row[PositionField.openOrders] = pb.openOrders[s];
      row[PositionField.openNotional] = pb.openNotional[s];
      row[PositionField.openNetQty] = pb.openBuyQty[s] - pb.openSellQty[s];
      this.board.write(s, row);
    }
    this.count = 0;
  }
}
