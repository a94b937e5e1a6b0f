/**
 * One direction of one connection under network conditions: each message
 * gets a fate (sim/network/conditions.ts); a lost one is dropped, the others
 * are delivered after their delay but never before an earlier message of the
 * same pipe (InOrderLane: TCP keeps order).
 * With no delay and nothing queued a message is delivered at once, so the
 * perfect network adds no timer hop. Timers come from the Scheduler; each
 * timer delivers the oldest message queued, not a message due by the clock:
 * a wall-clock timer may fire a fraction of a millisecond before its due
 * time as the high-resolution clock reads it, and a message must not be
 * left waiting for a timer that already ran.
 */
import type { Scheduler, TimerId } from '../../core/clock/scheduler.js';
import type { MessageFate } from '../network/conditions.js';
import { InOrderLane } from '../network/in-order-lane.js';

export class MessagePipe {
  private readonly queue: string[] = [];
  private readonly lane = new InOrderLane();
  private readonly timers = new Set<TimerId>();
  private closed = false;

  constructor(
    private readonly clock: Scheduler,
    private readonly fate: (nowMs: number) => MessageFate,
    private readonly deliver: (text: string) => void,
  ) {}

  push(text: string): void {
    if (this.closed) return;
    const now = this.clock.nowMs();
    const f = this.fate(now);
    if (f.lost) return;
    const at = this.lane.deliveryTime(now, f.delayMs);
    if (at <= now && this.queue.length === 0) {
      this.deliver(text);
      return;
    }
    this.queue.push(text);
    const id = this.clock.after(at - now, () => {
      this.timers.delete(id);
      if (!this.closed) this.deliver(this.queue.shift()!);
    });
    this.timers.add(id);
  }

  /** Drops whatever is still in flight (the connection is gone). */
  close(): void {
    this.closed = true;
    for (const id of this.timers) this.clock.cancel(id);
    this.timers.clear();
    this.queue.length = 0;
  }
}
