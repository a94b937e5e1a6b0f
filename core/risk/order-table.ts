/**
 * One worker's live orders by row: what a fill or cancel needs to undo the
 * order's share of the symbol's open totals and of the account's exposure
 * reservation. Rows come from a free list (no allocation after construction);
 * the client id -> row map is the LiveOrderSet. The live orders of each
 * (symbol, side) are also on an intrusive doubly linked list, so the best
 * resting price can be recomputed when the order at the best one leaves.
 * Single-threaded: owned by the worker that owns the symbols.
 */
import { Side } from '../../ipc/frame-layout.js';

const NONE = -1;

export class OrderTable {
  /** Price the order was valued at (limit, or the reference for a market order). */
  readonly price: Float64Array;
  /** Price it rests at for self-trade checks: the limit; -Infinity (market buy) or +Infinity (market sell): never rests. */
  readonly rest: Float64Array;
  /** Quantity still open. */
  readonly openQty: Float64Array;
  /** Exposure units still reserved for the open quantity. */
  readonly reserved: Int32Array;
  readonly symbol: Int32Array;
  /** Side.Buy or Side.Sell. */
  readonly side: Int32Array;
  private readonly next: Int32Array;
  private readonly prev: Int32Array;
  /** First row of each (symbol, side) list: index symbol * 2 + (buy ? 0 : 1). */
  private readonly heads: Int32Array;
  private freeHead: number;

  constructor(
    readonly capacity: number,
    symbols: number,
  ) {
    this.price = new Float64Array(capacity);
    this.rest = new Float64Array(capacity);
    this.openQty = new Float64Array(capacity);
    this.reserved = new Int32Array(capacity);
    this.symbol = new Int32Array(capacity);
    this.side = new Int32Array(capacity);
    this.next = new Int32Array(capacity);
    this.prev = new Int32Array(capacity);
    this.heads = new Int32Array(symbols * 2).fill(NONE);
    for (let r = 0; r < capacity; r++) this.next[r] = r + 1 < capacity ? r + 1 : NONE;
    this.freeHead = capacity > 0 ? 0 : NONE;
  }

  /** A free row on the (s, side) list, or -1 when full. The caller fills the value columns. */
  alloc(s: number, side: number): number {
    const r = this.freeHead;
    if (r === NONE) return NONE;
    this.freeHead = this.next[r];
    this.symbol[r] = s;
    this.side[r] = side;
    const h = s * 2 + (side === Side.Buy ? 0 : 1);
    const head = this.heads[h];
    this.next[r] = head;
    this.prev[r] = NONE;
    if (head !== NONE) this.prev[head] = r;
    this.heads[h] = r;
    return r;
  }

  free(r: number): void {
    const n = this.next[r];
    const p = this.prev[r];
    if (p !== NONE) this.next[p] = n;
    else this.heads[this.symbol[r] * 2 + (this.side[r] === Side.Buy ? 0 : 1)] = n;
    if (n !== NONE) this.prev[n] = p;
    this.next[r] = this.freeHead;
    this.freeHead = r;
  }

  /** First row of the (s, side) list, or -1. */
  first(s: number, side: number): number {
    return this.heads[s * 2 + (side === Side.Buy ? 0 : 1)];
  }

  /** Row after r on its list, or -1. */
  after(r: number): number {
    return this.next[r];
  }
}
