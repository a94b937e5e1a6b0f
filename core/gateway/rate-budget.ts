/**
 * When the gateway may send: three gates, the latest of which wins.
 *
 * - A local order budget: at most `ordersPerWindow` new orders per fixed
 *   window of `windowMs`, aligned to the epoch like the venue's own windows
 *   ("10 SECOND resets at 00, 10, 20... seconds"), set a little under the
 *   venue's ORDERS limit so the gateway never earns a 429 on its own.
 * - The venue's rateLimits feedback: a response whose ORDERS or REQUEST_WEIGHT
 *   count has reached its limit closes that gate until the interval's window
 *   ends; the local order count also adopts the venue's (another session of
 *   the account may have used some).
 * - Retry-After: a 429 or 418 stops everything until error.data.retryAfter
 *   (epoch ms), or a default when the venue gave none.
 */
import { LimitType, type MessageDecoder } from './message-decoder.js';

export interface RateBudgetOptions {
  ordersPerWindow: number;
  windowMs: number;
  /** Stop after a 429 without retryAfter. */
  default429Ms: number;
  /** Stop after a 418 without retryAfter (the venue's shortest ban is 2 minutes). */
  default418Ms: number;
}

export class RateBudget {
  private windowStart = -1;
  private ordersInWindow = 0;
  /** No new order before this (local budget or the venue's ORDERS feedback). */
  private ordersUntil = 0;
  /** No request at all before this (Retry-After, or REQUEST_WEIGHT exhausted). */
  private allUntil = 0;

  constructor(private readonly o: RateBudgetOptions) {}

  /** Epoch ms before which nothing may be sent (0 or past: now). */
  get backoffUntil(): number {
    return this.allUntil;
  }

  /** When the next new order may go (<= now: at once). */
  orderAt(nowMs: number): number {
    this.roll(nowMs);
    const local = this.ordersInWindow >= this.o.ordersPerWindow ? this.windowStart + this.o.windowMs : 0;
    return Math.max(local, this.ordersUntil, this.allUntil);
  }

  orderSent(nowMs: number): void {
    this.roll(nowMs);
    this.ordersInWindow++;
  }

  /**
   * A 429 or 418: stop until `retryAfter` (epoch ms; NaN when absent). Returns the new
   * deadline when it moved later, 0 otherwise.
   */
  refused(status: number, retryAfter: number, nowMs: number): number {
    const until = retryAfter > nowMs ? retryAfter : nowMs + (status === 418 ? this.o.default418Ms : this.o.default429Ms);
    if (until <= this.allUntil) return 0;
    this.allUntil = until;
    return until;
  }

  /** The rateLimits of a response. Returns a new all-requests deadline when REQUEST_WEIGHT ran out, 0 otherwise. */
  feedback(d: MessageDecoder, nowMs: number): number {
    let moved = 0;
    for (let k = 0; k < d.limitCount; k++) {
      const interval = d.limitIntervalMs[k];
      const type = d.limitType[k];
      if (type === LimitType.ORDERS && interval === this.o.windowMs) {
        this.roll(nowMs);
        if (d.limitUsed[k] > this.ordersInWindow) this.ordersInWindow = d.limitUsed[k];
      }
      if (d.limitUsed[k] < d.limitMax[k]) continue;
      const windowEnd = (Math.floor(nowMs / interval) + 1) * interval;
      if (type === LimitType.ORDERS) {
        if (windowEnd > this.ordersUntil) this.ordersUntil = windowEnd;
      } else if (windowEnd > this.allUntil) {
        this.allUntil = windowEnd;
        moved = windowEnd;
      }
    }
    return moved;
  }

  private roll(nowMs: number): void {
    const start = Math.floor(nowMs / this.o.windowMs) * this.o.windowMs;
    if (start !== this.windowStart) {
      this.windowStart = start;
      this.ordersInWindow = 0;
    }
  }
}
