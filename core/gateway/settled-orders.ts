/**
 * Orders the gateway has finished with and no longer keeps whole
 * (order-tracker.ts keeps the last `retainFinalOrders` final ones whole, for
 * late reports): one compact row each, about 20 bytes instead of the 525
 * measured for a whole record, kept only for the end-of-run reconciliation
 * against the venue's list (reconcile-report.ts). Growing columns, doubled
 * when full.
 */
import type { OrderState } from './order-state.js';

/** What the reconciliation reads of an order. */
export interface ReconciledOrder {
  clientId: number;
  /** order.place sends (0: never sent). */
  sends: number;
  /** The venue acknowledged it in some way. */
  known: boolean;
  state: OrderState;
  cumQty: number;
}

export class SettledOrders {
  private clientId = new Float64Array(1024);
  private cumQty = new Float64Array(1024);
  private state = new Uint8Array(1024);
  private sends = new Uint8Array(1024);
  private known = new Uint8Array(1024);
  private n = 0;

  get length(): number {
    return this.n;
  }

  add(o: ReconciledOrder): void {
    if (this.n === this.clientId.length) this.grow();
    const i = this.n++;
    this.clientId[i] = o.clientId;
    this.cumQty[i] = o.cumQty;
    this.state[i] = o.state;
    this.sends[i] = o.sends > 255 ? 255 : o.sends;
    this.known[i] = o.known ? 1 : 0;
  }

  *[Symbol.iterator](): IterableIterator<ReconciledOrder> {
    for (let i = 0; i < this.n; i++) {
      yield { clientId: this.clientId[i], sends: this.sends[i], known: this.known[i] === 1, state: this.state[i] as OrderState, cumQty: this.cumQty[i] };
    }
  }

  private grow(): void {
    const size = this.clientId.length * 2;
    const widen = <T extends Float64Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(size);
      b.set(a);
      return b;
    };
    this.clientId = widen(this.clientId, (k) => new Float64Array(k));
    this.cumQty = widen(this.cumQty, (k) => new Float64Array(k));
    this.state = widen(this.state, (k) => new Uint8Array(k));
    this.sends = widen(this.sends, (k) => new Uint8Array(k));
    this.known = widen(this.known, (k) => new Uint8Array(k));
  }
}
