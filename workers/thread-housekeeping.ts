/**
 * What every thread on the order path does besides its agent: pin itself
 * to its core and say so, publish its identity and state, and once a second
 * fold its GC statistics and heap size into its stats block (ThreadStat),
 * where main reads them. The GC harvest allocates a little: once a second,
 * never per frame.
 */
import v8 from 'node:v8';
import { pinThreadToCore } from '../core/affinity/cpu-affinity.js';
import type { MonotonicClock } from '../core/clock/monotonic-clock.js';
import type { Logger } from '../core/logging/logger.js';
import { GcMeter } from '../core/metrics/gc-meter.js';
import { SliceEnd, type AgentRunner } from '../core/agent/agent-runner.js';
import { ThreadStat } from '../ipc/thread-stats-layout.js';

const HOUSEKEEPING_NS = 1e9;

export class ThreadHousekeeping {
  private gc: GcMeter | undefined;

  constructor(
    private readonly f64: Float64Array,
    private readonly clock: MonotonicClock,
  ) {}

  /** Pins the calling thread to `core` (-1: no pinning) and records and logs the outcome. */
  pin(core: number, log: Logger, fields: Record<string, unknown>): void {
    const pin = core >= 0 ? pinThreadToCore(core) : { ok: false, tid: -1, allowed: '', reason: 'pinning disabled' };
    this.f64[ThreadStat.core] = core;
    this.f64[ThreadStat.tid] = pin.tid;
    this.f64[ThreadStat.pinned] = pin.ok ? 1 : 0;
    if (pin.ok) log.info({ ...fields, core, tid: pin.tid, cpusAllowed: pin.allowed, pinVerified: true }, 'thread pinned');
    else log.warn({ ...fields, core, tid: pin.tid, cpusAllowed: pin.allowed, pinVerified: false, reason: pin.reason }, 'thread not pinned; running unpinned');
  }

  setState(state: number): void {
    this.f64[ThreadStat.state] = state;
  }

  /** Starts counting GCs: after warm-up, so that what is counted is the steady state's. */
  startGcCount(): void {
    this.gc = new GcMeter();
    this.f64[ThreadStat.startedNs] = this.clock.nowNs();
  }

  /** Once a second, and at the end. */
  harvest(): void {
    if (this.gc) {
      this.gc.harvest();
      this.f64[ThreadStat.gcCount] = this.gc.count;
      this.f64[ThreadStat.gcPauseNs] = this.gc.pauseNs;
    }
    this.f64[ThreadStat.heapUsed] = v8.getHeapStatistics().used_heap_size;
    this.f64[ThreadStat.lastBeatNs] = this.clock.nowNs();
  }

  /**
   * The thread's loop: the runner's slices until its agent finishes, and
   * about once a second harvest() and `also` (the thread's own statistics).
   */
  run(runner: AgentRunner, also: () => void = () => {}): void {
    let due = this.clock.nowNs() + HOUSEKEEPING_NS;
    for (let end = runner.runSlice(due); end !== SliceEnd.done; end = runner.runSlice(due)) {
      if (end !== SliceEnd.due) continue;
      also();
      this.harvest();
      due = this.clock.nowNs() + HOUSEKEEPING_NS;
    }
  }

  stop(): void {
    this.harvest();
    this.gc?.stop();
  }
}
