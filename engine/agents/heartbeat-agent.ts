/**
 * Main's liveness probe of the risk workers: every period a Heartbeat frame
 * down main's link to each worker, whose echo comes back on the same link;
 * the last echoed sequence per worker is kept for supervision and metrics.
 * A worker whose ring has no room this period simply misses a beat.
 */
import type { Agent } from '../../core/agent/agent.js';
import type { MonotonicClock } from '../../core/clock/monotonic-clock.js';
import type { Dispatcher } from '../../core/dispatch/dispatcher.js';
import { Control, ControlOp, Frame, FrameKind } from '../../ipc/frame-layout.js';
import type { RingConsumer } from '../../ipc/spsc-ring.js';

export class HeartbeatAgent implements Agent {
  readonly name = 'heartbeat';
  /** Last heartbeat sequence echoed by each worker (-1: none yet). */
  readonly echoed: Float64Array;
  private beat = 0;
  /** Due time of the next beat; the first one is sent on the first pass. */
  private next = -Infinity;

  constructor(
    private readonly dispatcher: Dispatcher,
    private readonly echoes: readonly RingConsumer[],
    private readonly clock: MonotonicClock,
    private readonly periodNs: number,
  ) {
    this.echoed = new Float64Array(echoes.length).fill(-1);
  }

  doWork(): number {
    let work = this.drainEchoes();
    const now = this.clock.reading[0];
    if (now >= this.next) {
      for (let w = 0; w < this.dispatcher.workers; w++) this.dispatcher.sendControl(w, ControlOp.Heartbeat, this.beat, now);
      this.beat++;
      this.next = now + this.periodNs;
      work++;
    }
    return work;
  }

  /** Reads every echo waiting on main's links; returns how many frames. */
  drainEchoes(): number {
    let total = 0;
    for (let w = 0; w < this.echoes.length; w++) {
      const c = this.echoes[w];
      const n = c.available();
      for (let k = 0; k < n; k++) {
        const b = c.frameAt(k);
        if (c.i32[b + Frame.kind] === FrameKind.Control && c.i32[b + Control.op] === ControlOp.Heartbeat) this.echoed[w] = c.f64[(b >> 1) + Control.arg];
      }
      c.advance(n);
      c.release();
      total += n;
    }
    return total;
  }
}
