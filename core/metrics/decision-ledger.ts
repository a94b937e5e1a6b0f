/**
 * Exactly-once accounting of orders: every generated order must get one
 * decision. A byte per in-flight order, indexed by the order's wrapping
 * sequence number, records whether its decision is still outstanding: a
 * decision for an order not outstanding is a duplicate; orders still
 * outstanding at the end are lost. The window must exceed the most orders that
 * can be in flight (core/dispatch/in-flight.ts sizes it). The ledger also keeps
 * each outstanding order's intended send time, by the same index, for the
 * latency measured when its decision comes back.
 * One thread only (the order source); the counters may live in shared memory
 * for main to read (their single writer is this ledger).
 */
import { REASON_SLOTS, Reason } from '../risk/reject-reason.js';

const GENERATED = 0;
const DECIDED = 1;
const ACCEPTED = 2;
const REJECTED = 3;
const DUPLICATES = 4;
const OVERRUNS = 5;

export class DecisionLedger {
  private readonly outstandingBits: Uint8Array;
  readonly mask: number;
  /** Intended send time of the order with sequence seq, at [seq & mask] (written by the caller after issue()). */
  readonly intended: Float64Array;

  /**
   * `counters`: six float64 (generated, decided, accepted, rejected,
   * duplicates, overruns), in a typed array because they outgrow small
   * integers and a double field store may box; `byReason`: REASON_SLOTS counts.
   */
  constructor(
    windowPow2: number,
    private readonly c: Float64Array = new Float64Array(6),
    readonly byReason: Float64Array = new Float64Array(REASON_SLOTS),
  ) {
    if (windowPow2 < 2 || (windowPow2 & (windowPow2 - 1)) !== 0) throw new RangeError(`ledger window must be a power of two, got ${windowPow2}`);
    this.outstandingBits = new Uint8Array(windowPow2);
    this.intended = new Float64Array(windowPow2);
    this.mask = windowPow2 - 1;
  }

  /** Registers a generated order; returns its sequence number for the frame. */
  issue(): number {
    const c = this.c;
    const seq = c[GENERATED] | 0; // wraps like the frame's int32 seq
    const i = seq & this.mask;
    if (this.outstandingBits[i] !== 0) c[OVERRUNS]++;
    this.outstandingBits[i] = 1;
    c[GENERATED]++;
    return seq;
  }

  /** Records a decision; returns false (and counts it) when the order already had one. */
  decide(seq: number, reason: number): boolean {
    const c = this.c;
    const i = seq & this.mask;
    if (this.outstandingBits[i] === 0) {
      c[DUPLICATES]++;
      return false;
    }
    this.outstandingBits[i] = 0;
    c[DECIDED]++;
    this.byReason[reason]++;
    if (reason === Reason.ACCEPTED) c[ACCEPTED]++;
    else c[REJECTED]++;
    return true;
  }

  get generated(): number {
    return this.c[GENERATED];
  }
  get decided(): number {
    return this.c[DECIDED];
  }
  get accepted(): number {
    return this.c[ACCEPTED];
  }
  get rejected(): number {
    return this.c[REJECTED];
  }
  get duplicates(): number {
    return this.c[DUPLICATES];
  }
  /** Orders whose sequence slot was still outstanding when a new order reused it (window too small). */
  get overruns(): number {
    return this.c[OVERRUNS];
  }
  get outstanding(): number {
    return this.c[GENERATED] - this.c[DECIDED];
  }
}
