/**
 * Exactly-once accounting of orders: every generated order must get one
 * decision. A byte per in-flight order, indexed by the order's wrapping
 * sequence number, records whether its decision is still outstanding: a
 * decision for an order not outstanding is a duplicate; orders still
 * outstanding at the end are lost. The window must exceed the most orders that
 * can be in flight (all rings together); the engine sizes it so.
 * Main thread only.
 */
import { REASON_SLOTS, Reason } from '../risk/reject-reason.js';

export class DecisionLedger {
  private readonly outstandingBits: Uint8Array;
  private readonly mask: number;
  generated = 0;
  decided = 0;
  accepted = 0;
  rejected = 0;
  duplicates = 0;
  /** Orders whose sequence slot was still outstanding when a new order reused it (window too small). */
  overruns = 0;
  readonly byReason = new Float64Array(REASON_SLOTS);

  constructor(windowPow2: number) {
    this.outstandingBits = new Uint8Array(windowPow2);
    this.mask = windowPow2 - 1;
  }

  /** Registers a generated order; returns its sequence number for the frame. */
  issue(): number {
    const seq = this.generated | 0;
    const i = seq & this.mask;
    if (this.outstandingBits[i] !== 0) this.overruns++;
    this.outstandingBits[i] = 1;
    this.generated++;
    return seq;
  }

  /** Records a decision; returns false (and counts it) when the order already had one. */
  decide(seq: number, reason: number): boolean {
    const i = seq & this.mask;
    if (this.outstandingBits[i] === 0) {
      this.duplicates++;
      return false;
    }
    this.outstandingBits[i] = 0;
    this.decided++;
    this.byReason[reason]++;
    if (reason === Reason.ACCEPTED) this.accepted++;
    else this.rejected++;
    return true;
  }

  get outstanding(): number {
    return this.generated - this.decided;
  }
}
