/**
 * One direction of one connection delivers in order, as TCP does: a message
 * is never delivered before an earlier one, so its delivery time is
 * max(send time + drawn delay, previous delivery time). Lost messages do not
 * take part (they are never delivered). Ties are safe on a Scheduler, which
 * runs equal-time timers in the order they were set.
 */
export class InOrderLane {
  private last = -Infinity;

  /** Delivery time of a message sent at `nowMs` with the drawn `delayMs`; later calls never get an earlier time. */
  deliveryTime(nowMs: number, delayMs: number): number {
    const t = Math.max(nowMs + delayMs, this.last);
    this.last = t;
    return t;
  }
}
