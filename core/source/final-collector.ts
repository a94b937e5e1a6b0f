/**
 * An order source's view of its orders' ends at the venue (--exchange
 * sim|URL): drains the ring on which the gateway writes an OrderFinal frame
 * for each of the source's orders that reached a final state, and counts
 * them by state in the source's stats block (the source is its only writer),
 * as a client counts the final acknowledgements of its orders.
 */
import { FINAL_STATE_NAMES, Frame, FrameKind, OrderFinal } from '../../ipc/frame-layout.js';
import { SourceStat, type SourceStatsView } from '../../ipc/source-stats-layout.js';
import { RingConsumer } from '../../ipc/spsc-ring.js';
import type { MonotonicClock } from '../clock/monotonic-clock.js';

/**
 * How long a stopping source waits, once every order has its decision, for the venue's final
 * state of each accepted one: an order resting on the book may never end (the gateway still
 * reconciles it with the venue).
 */
const SETTLE_WAIT_NS = 3e9;

export class FinalCollector {
  private readonly ring: RingConsumer;
  private readonly f64: Float64Array;
  /** Finals taken so far, all states. */
  total = 0;
  private deadlineNs = Infinity;

  constructor(
    sab: SharedArrayBuffer,
    stats: SourceStatsView,
    private readonly clock: MonotonicClock,
  ) {
    this.ring = new RingConsumer(sab);
    this.f64 = stats.f64;
  }

  /** A stopping source's question: has every one of its `accepted` orders ended, or is the wait over? */
  settled(accepted: number): boolean {
    if (this.total >= accepted) return true;
    this.clock.update();
    if (this.deadlineNs === Infinity) this.deadlineNs = this.clock.reading[0] + SETTLE_WAIT_NS;
    return this.clock.reading[0] >= this.deadlineNs;
  }

  /** Takes every final waiting; returns how many. */
  drain(): number {
    const c = this.ring;
    const n = c.available();
    if (n === 0) return 0;
    const i32 = c.i32;
    const f = this.f64;
    for (let k = 0; k < n; k++) {
      const b = c.frameAt(k);
      if (i32[b + Frame.kind] !== FrameKind.OrderFinal) continue;
      const state = i32[b + OrderFinal.state];
      if (state >= 0 && state < FINAL_STATE_NAMES.length) f[SourceStat.finals + state]++;
      this.total++;
    }
    c.advance(n);
    c.release();
    return n;
  }
}
