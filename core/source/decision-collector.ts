/**
 * An order source's collector: drains the decision ring from each worker,
 * settles each decision in the source's ledger (exactly once), records the
 * order's latency and its hops, and hands each accepted order to the venue
 * (the stand-in exchange, whose fill goes back to the worker through the
 * source's fill queue). It drains no more decisions than that queue has room
 * for (core/dispatch/in-flight.ts), so a full in-ring can never deadlock
 * against a full out-ring.
 *
 * One clock read per drained batch stamps when the source saw its decisions.
 * For each order (ns, ipc/source-stats-layout.ts):
 *   latency  = seen - intended          lateness = written - intended
 *   queued   = the worker's batch clock - written (carried in the Decision)
 *   back     = seen - written - queued
 */
import { Decision, Frame, FrameKind } from '../../ipc/frame-layout.js';
import { bucketIndex } from '../../ipc/latency-histogram.js';
import { RingConsumer } from '../../ipc/spsc-ring.js';
import type { SourceStatsView } from '../../ipc/source-stats-layout.js';
import { applyWaitStrategy, type WaitStrategyName } from '../../ipc/wait-strategy.js';
import type { MonotonicClock } from '../clock/monotonic-clock.js';
import type { Dispatcher } from '../dispatch/dispatcher.js';
import type { DecisionLedger } from '../metrics/decision-ledger.js';
import { Reason } from '../risk/reject-reason.js';
import type { StandInExchange } from './stand-in-exchange.js';

export class DecisionCollector {
  readonly consumers: RingConsumer[];
  private readonly latency: Uint32Array;
  private readonly lateness: Uint32Array;
  private readonly queued: Uint32Array;
  private readonly back: Uint32Array;

  constructor(
    rings: readonly SharedArrayBuffer[],
    wait: WaitStrategyName,
    private readonly ledger: DecisionLedger,
    private readonly dispatcher: Dispatcher,
    /** null with a venue gateway (the worker forwards accepted orders to it). */
    private readonly venue: StandInExchange | null,
    private readonly clock: MonotonicClock,
    stats: SourceStatsView,
  ) {
    this.consumers = rings.map((sab) => {
      const c = new RingConsumer(sab);
      applyWaitStrategy(wait, { consumer: c });
      return c;
    });
    this.latency = stats.histograms.latency;
    this.lateness = stats.histograms.lateness;
    this.queued = stats.histograms.queued;
    this.back = stats.histograms.back;
  }

  /** Drains every decision ring once; returns the decisions handled. */
  drainAll(): number {
    let total = 0;
    for (let w = 0; w < this.consumers.length; w++) total += this.drain(w);
    return total;
  }

  drain(w: number): number {
    const c = this.consumers[w];
    let n = c.available();
    if (n === 0) return 0;
    const room = this.dispatcher.fillRoom(w);
    if (n > room) n = room;
    const i32 = c.i32;
    const f64 = c.f64;
    const ledger = this.ledger;
    const intended = ledger.intended;
    const mask = ledger.mask;
    this.clock.update();
    const seen = this.clock.reading[0];
    for (let k = 0; k < n; k++) {
      const b = c.frameAt(k);
      if (i32[b + Frame.kind] !== FrameKind.Decision) continue;
      const seq = i32[b + Decision.seq];
      const reason = i32[b + Decision.reason];
      if (!ledger.decide(seq, reason)) continue;
      const due = intended[seq & mask];
      const written = f64[(b >> 1) + Decision.time];
      const queued = i32[b + Decision.queuedNs];
      this.latency[bucketIndex(seen - due)]++;
      this.lateness[bucketIndex(written - due)]++;
      this.queued[bucketIndex(queued)]++;
      this.back[bucketIndex(seen - written - queued)]++;
      if (reason === Reason.ACCEPTED && this.venue !== null) this.venue.execute(w, i32, f64, b);
    }
    c.advance(n);
    c.release();
    return n;
  }
}
