/**
 * Main-thread collector: drains every worker's out-ring, settles each
 * decision in the ledger (exactly once), turns each accepted order into an
 * execution report for its worker (the stand-in exchange fills at once), and
 * notes heartbeat echoes. Each fill is also the stand-in exchange's answer to
 * the order "call": a success recorded on the venue's circuit breaker. It drains no more decisions than the fill queue can
 * take, so a full in-ring can never deadlock against a full out-ring.
 */
import { ControlOp, F64, FrameKind, I32 } from '../../ipc/frame-layout.js';
import { RingConsumer } from '../../ipc/spsc-ring.js';
import { Reason } from '../../core/risk/reject-reason.js';
import type { DecisionLedger } from '../../core/metrics/decision-ledger.js';
import { Outcome, type CircuitBreaker } from '../../core/breaker/circuit-breaker.js';
import type { MonotonicClock } from '../../core/clock/monotonic-clock.js';
import type { Dispatcher } from './dispatcher.js';

export class Collector {
  readonly consumers: RingConsumer[];
  /** Last heartbeat sequence echoed by each worker. */
  readonly heartbeatEcho: Float64Array;
  /** [1] = main's last clock reading as a box, refreshed at most once per ms (see PreTradeChecker). */
  private readonly nowBox: unknown[] = [{}, 0];
  private readonly boxedAt = new Float64Array(1).fill(-Infinity);

  constructor(
    rings: readonly SharedArrayBuffer[],
    private readonly ledger: DecisionLedger,
    private readonly dispatcher: Dispatcher,
    /** Per venue id; orders' outcomes are recorded here when given. */
    private readonly breakers: readonly CircuitBreaker[] = [],
    private readonly clock?: MonotonicClock,
  ) {
    this.consumers = rings.map((sab) => new RingConsumer(sab));
    this.heartbeatEcho = new Float64Array(rings.length).fill(-1);
  }

  /** Drains every out-ring once; returns the frames handled. */
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
    const breakers = this.breakers;
    if (this.clock !== undefined) {
      // The main loop reads the clock every pass; its last reading is recent enough for breaker windows.
      const now = this.clock.reading[0];
      if (now - this.boxedAt[0] >= 1e6) {
        this.nowBox[1] = now;
        this.boxedAt[0] = now;
      }
    }
    for (let k = 0; k < n; k++) {
      const b = c.frameAt(k);
      const kind = i32[b + I32.kind];
      if (kind === FrameKind.Decision) {
        const reason = i32[b + I32.reason];
        if (ledger.decide(i32[b + I32.seq], reason) && reason === Reason.ACCEPTED) {
          this.dispatcher.queueFill(w, i32, f64, b);
          const venue = i32[b + I32.venue];
          if (venue >= 0 && venue < breakers.length) breakers[venue].record(Outcome.SUCCESS, this.nowBox[1] as number);
        }
      } else if (kind === FrameKind.Control && i32[b + I32.op] === ControlOp.Heartbeat) {
        this.heartbeatEcho[w] = f64[(b >> 1) + F64.arg];
      }
    }
    c.advance(n);
    c.release();
    return n;
  }
}
