/**
 * One direction of one connection delivers in order, as TCP does: a message
 * is never delivered before an earlier one, so its delivery time is
 * max(send time + drawn delay, previous delivery time). Lost messages do not
 * take part (they are never delivered).
 */
import type { Scheduler } from '../../core/clock/scheduler.js';

export class InOrderLane {
  private last = -Infinity;

  /** Delivery time of a message sent at `nowMs` with the drawn `delayMs`; later calls never get an earlier time. */
  deliveryTime(nowMs: number, delayMs: number): number {
    const t = Math.max(nowMs + delayMs, this.last);
    this.last = t;
    return t;
  }
}

/**
 * An InOrderLane that also delivers: each message's timer delivers the oldest
 * message still queued, not necessarily its own. Messages held to the same
 * delivery time get timers due at the same instant (or an ulp apart, since
 * a timer is set as a delay from now), and no Scheduler promises more than
 * insertion order for equal times (Node's timers not even that across
 * different delays); popping the queue makes the order independent of it.
 */
export class InOrderQueue {
  private readonly lane = new InOrderLane();
  private readonly queue: (() => void)[] = [];

  constructor(private readonly scheduler: Scheduler) {}

  /** Runs `deliver` when a message sent now with `delayMs` arrives, after every message pushed before it. */
  push(delayMs: number, deliver: () => void): void {
    const now = this.scheduler.nowMs();
    const at = this.lane.deliveryTime(now, delayMs);
    this.queue.push(deliver);
    this.scheduler.after(at - now, () => this.queue.shift()!());
  }
}
