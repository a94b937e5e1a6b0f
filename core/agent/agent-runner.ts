/**
 * Runs one agent on the calling thread (Agrona's AgentRunner): duty cycles
 * of doWork(), the idle strategy between cycles that found nothing, in
 * slices. A slice is at most SLICE_CYCLES cycles; it ends early when the
 * agent has finished or, under block, when the shared clock passes the
 * caller's deadline, and says which. The thread's own loop calls runSlice()
 * over and over and does its housekeeping (statistics, GC harvest) when a
 * slice says the deadline is due.
 * Why slices: V8 optimises a function when it is called often or loops long
 * (on-stack replacement, which taskset.sh turns off: see docs/hot-path.md).
 * A runner loop entered once and left a second later would run that second
 * unoptimised, boxing every double it touches: garbage on every cycle.
 * Called thousands of times a second, runSlice is optimised within
 * milliseconds, and during warm-up (workers/warm-up.ts).
 * It never yields to the event loop: threads that run it need none.
 */
import type { IdleStrategy } from '../../ipc/wait-strategy.js';
import type { MonotonicClock } from '../clock/monotonic-clock.js';
import type { Agent } from './agent.js';

/** Most duty cycles in one slice by default; a spinning poll costs tens of ns, so a slice lasts microseconds to a few ms. */
const SLICE_CYCLES = 1024;

/**
 * How a slice ended. runSlice returns these as literals: a property load
 * that warm-up never executed (a deadline it never reached) deoptimised the
 * runner on its first real deadline.
 */
export const SliceEnd = { more: 0, due: 1, done: 2 } as const;

export class AgentRunner {
  private readonly block: boolean;

  constructor(
    private readonly agent: Agent,
    private readonly idle: IdleStrategy,
    private readonly clock: MonotonicClock,
    /** True once the agent has finished for good. */
    private readonly finished: () => boolean,
    private readonly sliceCycles: number = SLICE_CYCLES,
  ) {
    this.block = idle.strategy === 'block';
  }

  /**
   * Runs one slice: SliceEnd.done when the agent has finished, SliceEnd.due
   * when the shared clock has passed `untilNs`, else SliceEnd.more.
   */
  runSlice(untilNs: number): number {
    const agent = this.agent;
    const clock = this.clock;
    for (let c = 0; c < this.sliceCycles; c++) {
      if (this.finished()) return 2; // SliceEnd.done
      if (agent.doWork() !== 0) {
        this.idle.reset();
        continue;
      }
      this.idle.idle(agent);
      if (this.block) {
        // A blocked thread may have slept up to its bound: look at the clock after each sleep.
        clock.update();
        if (clock.reading[0] >= untilNs) return 1; // SliceEnd.due
      }
    }
    clock.update();
    return clock.reading[0] >= untilNs ? 1 : 0; // SliceEnd.due, SliceEnd.more
  }
}
