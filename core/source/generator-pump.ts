/**
 * Drives an order source's generator into its rings. Paced: each order has a
 * due time from the rate schedule; the ledger keeps it as the order's
 * intended send time (latency is measured from it, so a stalled source shows
 * up as latency: no coordinated omission), and the frame carries the time the
 * source actually wrote it. A paced order is published as soon as it is
 * written. `max`: stamps each pump with the current time and writes until a
 * ring is full, publishing once per pump. An order that finds its ring full
 * waits up to the backpressure bound (draining decisions meanwhile) and is
 * then rejected with BACKPRESSURE; a generated tick that finds it full is
 * conflated (the dispatcher keeps the newest per symbol).
 * What it pumps is an EventSource: the generator itself (--source-mode
 * generate) or the replay of events it prepared before the run (replay).
 * One pump behind a tiny interface rather than a sibling class, so pacing,
 * backpressure and conflation cannot drift apart between the modes; a source
 * thread builds only one kind, so its call sites stay monomorphic.
 */
import { MarketTick, NewOrder, FRAME_BYTES, FrameKind } from '../../ipc/frame-layout.js';
import type { WaitStrategyName } from '../../ipc/wait-strategy.js';
import type { MonotonicClock } from '../clock/monotonic-clock.js';
import type { Dispatcher } from '../dispatch/dispatcher.js';
import type { RateSchedule } from '../generator/rate-schedule.js';
import type { DecisionLedger } from '../metrics/decision-ledger.js';
import { Reason } from '../risk/reject-reason.js';
import type { DecisionCollector } from './decision-collector.js';
import type { EventSource } from './event-source.js';

/** Most events one pump writes before the source attends to its decisions. */
const EVENTS_PER_PUMP = 1024;

export class GeneratorPump {
  /** [0]: due time of the next order (Infinity at max); a typed-array slot, so updating or reading it never boxes. */
  readonly due = new Float64Array(1);
  private prepared = false;
  /** Orders rejected with BACKPRESSURE. */
  backpressureRejects = 0;
  /** Generated ticks written or conflated. */
  ticks = 0;
  private readonly scratch = new ArrayBuffer(FRAME_BYTES);
  private readonly scratchI32 = new Int32Array(this.scratch);
  private readonly scratchF64 = new Float64Array(this.scratch);

  constructor(
    private readonly gen: EventSource,
    private readonly schedule: RateSchedule,
    private readonly dispatcher: Dispatcher,
    private readonly collector: DecisionCollector,
    private readonly ledger: DecisionLedger,
    private readonly clock: MonotonicClock,
    private readonly backpressureNs: number,
    private readonly wait: WaitStrategyName,
    startNs: number,
  ) {
    this.begin(startNs);
  }

  /** The first order is due at startNs (paced): the schedule, and a scripted path's time, start there. */
  begin(startNs: number): void {
    this.gen.begin(startNs);
    this.schedule.restart(startNs);
    this.due[0] = this.schedule.paced ? startNs : Infinity;
  }

  /** Writes the events due now (one clock read); returns how many were written. */
  pump(): number {
    this.clock.update();
    const nowNs = this.clock.reading[0];
    const paced = this.schedule.paced;
    const gen = this.gen;
    const d = this.dispatcher;
    const ledger = this.ledger;
    let sent = 0;
    while (sent < EVENTS_PER_PUMP) {
      if (!this.prepared) {
        gen.prepare();
        this.prepared = true;
      }
      if (paced && !gen.forced && this.due[0] > nowNs) break;
      const w = d.owner(gen.symbol);
      const isOrder = gen.kind === FrameKind.NewOrder;
      let slot = d.claim(w);
      if (slot < 0) {
        if (!paced) break; // max: the generator runs at the rings' pace
        if (!isOrder) {
          gen.write(this.scratchI32, this.scratchF64, 0, 0);
          this.scratchF64[MarketTick.time] = nowNs;
          d.dispatchTick(this.scratchI32, this.scratchF64, 0);
          this.ticks++;
          this.prepared = false;
          sent++;
          continue;
        }
        slot = this.waitForRoom(w);
        if (slot < 0) {
          ledger.decide(ledger.issue(), Reason.BACKPRESSURE);
          this.backpressureRejects++;
          this.advance(isOrder);
          sent++;
          continue;
        }
      }
      const p = d.producers[w];
      if (isOrder) {
        const seq = ledger.issue();
        ledger.intended[seq & ledger.mask] = paced ? this.due[0] : nowNs;
        gen.write(p.i32, p.f64, slot, seq);
        p.f64[(slot >> 1) + NewOrder.time] = nowNs;
        if (paced) p.publish();
      } else {
        gen.write(p.i32, p.f64, slot, 0);
        p.f64[(slot >> 1) + MarketTick.time] = nowNs;
        this.ticks++;
      }
      this.advance(isOrder);
      sent++;
    }
    d.publishAll();
    return sent;
  }

  private advance(isOrder: boolean): void {
    this.prepared = false;
    if (isOrder && this.schedule.paced && !this.gen.forced) this.schedule.advance(this.due, 0);
  }

  /** Bounded wait for room in worker w's ring, draining decisions meanwhile. */
  private waitForRoom(w: number): number {
    const d = this.dispatcher;
    const p = d.producers[w];
    p.publish(); // what is written so far must reach the worker, or the ring never drains
    const clock = this.clock;
    clock.update();
    const deadline = clock.reading[0] + this.backpressureNs;
    for (;;) {
      this.collector.drainAll();
      const slot = d.claim(w);
      if (slot >= 0) return slot;
      clock.update();
      if (clock.reading[0] >= deadline) return -1;
      if (this.wait === 'block') p.sleepUntilFree(0.05);
    }
  }
}
