/**
 * Runs one agent on the calling thread (Agrona's AgentRunner): duty cycles
 * of doWork(), the idle strategy between cycles that found nothing, and a
 * return to the caller at a deadline on the shared clock so that the thread
 * can do its housekeeping (statistics, GC harvest) about once a second.
 * It never yields to the event loop: threads that run it need none.
 */
import type { IdleStrategy } from '../../ipc/wait-strategy.js';
import type { MonotonicClock } from '../clock/monotonic-clock.js';
import type { Agent } from './agent.js';

/**
 * Cycles between forced clock reads: agents that work read the clock
 * themselves, and a spinning poll should not pay ~100 ns for one each time.
 */
const CLOCK_EVERY = 1024;

export class AgentRunner {
  constructor(
    private readonly agent: Agent,
    private readonly idle: IdleStrategy,
    private readonly clock: MonotonicClock,
    /** True once the agent has finished for good. */
    private readonly finished: () => boolean,
  ) {}

  /** Runs cycles until the shared clock passes `untilNs` (returns false) or the agent finishes (true). */
  runUntil(untilNs: number): boolean {
    const agent = this.agent;
    const clock = this.clock;
    let cycles = 0;
    for (;;) {
      if (this.finished()) return true;
      const work = agent.doWork();
      if (work !== 0) this.idle.reset();
      else this.idle.idle(agent);
      // A blocked thread may have slept up to its bound: read the clock after each sleep.
      if ((++cycles & (CLOCK_EVERY - 1)) === 0 || (work === 0 && this.idle.strategy === 'block')) clock.update();
      if (clock.reading[0] >= untilNs) return false;
    }
  }
}
