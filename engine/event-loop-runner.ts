/**
 * Runs main's agents on its event loop: a pass of doWork(), then the next
 * pass at once (setImmediate) when it did work, or after `idleMs` on a timer
 * when it did not. Main thus sleeps in epoll between passes instead of
 * spinning, and leaves its core to an order source that shares it (2-core
 * machines), while signals, timers, the feed's WebSocket and the control
 * plane all get their turn.
 */
import type { Agent } from '../core/agent/agent.js';
import type { MonotonicClock } from '../core/clock/monotonic-clock.js';

export class EventLoopRunner {
  private timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  private running = false;

  constructor(
    private readonly agent: Agent,
    private readonly clock: MonotonicClock,
    private readonly idleMs: number,
  ) {}

  start(): void {
    this.running = true;
    this.timer = setImmediate(this.pass);
  }

  stop(): void {
    this.running = false;
    if (this.timer !== undefined) {
      clearTimeout(this.timer as NodeJS.Timeout);
      clearImmediate(this.timer as NodeJS.Immediate);
    }
  }

  private readonly pass = (): void => {
    if (!this.running) return;
    this.clock.update();
    const work = this.agent.doWork();
    if (!this.running) return;
    this.timer = work !== 0 ? setImmediate(this.pass) : setTimeout(this.pass, this.idleMs);
  };
}
