/**
 * One direction of one connection under network conditions: each message
 * gets a fate (network-hook.ts); a lost one is dropped, the others are
 * delivered after their delay but never before an earlier message of the
 * same pipe (TCP keeps order: delivery(n) = max(drawn, delivery(n-1))).
 * With no delay and nothing queued a message is delivered at once, so the
 * perfect network adds no timer hop. Timers come from the Scheduler.
 */
import type { Scheduler, TimerId } from '../../core/clock/scheduler.js';
import type { MessageFate } from './network-hook.js';

export class MessagePipe {
  private readonly queue: { at: number; text: string }[] = [];
  private last = 0;
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
    const at = Math.max(now + f.delayMs, this.last);
    this.last = at;
    if (at <= now && this.queue.length === 0) {
      this.deliver(text);
      return;
    }
    this.queue.push({ at, text });
    const id = this.clock.after(at - now, () => {
      this.timers.delete(id);
      this.drain();
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

  private drain(): void {
    const now = this.clock.nowMs();
    while (!this.closed && this.queue.length > 0 && this.queue[0].at <= now) this.deliver(this.queue.shift()!.text);
  }
}
