/**
 * An agent that runs a task every `periodNs` on the shared clock (main's
 * once-a-second work: the metrics line, limiter windows, breaker
 * transitions), the first one period after its first pass (the runner may
 * start long after the agent is built). A late pass runs the task once and
 * re-bases the period rather than catching up with a burst of calls.
 */
import type { Agent } from '../../core/agent/agent.js';
import type { MonotonicClock } from '../../core/clock/monotonic-clock.js';

export class PeriodicAgent implements Agent {
  private next = NaN;

  constructor(
    readonly name: string,
    private readonly clock: MonotonicClock,
    private readonly periodNs: number,
    private readonly task: (nowNs: number) => void,
  ) {}

  doWork(): number {
    const now = this.clock.reading[0];
    if (Number.isNaN(this.next)) this.next = now + this.periodNs;
    if (now < this.next) return 0;
    this.task(now);
    this.next += this.periodNs;
    if (this.next <= now) this.next = now + this.periodNs;
    return 1;
  }
}
