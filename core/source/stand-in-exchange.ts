/**
 * The stand-in exchange: what answers an accepted order while no venue
 * gateway is plugged in (the built-in generator's load tests). It lives with
 * the order source that sent the order, off main: every accepted order is
 * filled whole at once at the market's mid (a fill at the passive limit price
 * would book the spread as profit on every round trip; at the mid it books
 * neither edge nor spread), the execution report goes back to the deciding
 * worker through the source's ring, and the order "call" is recorded as a
 * success on the venue's circuit breaker. A gateway to a real venue takes
 * its place behind the same call.
 */
import { Decision } from '../../ipc/frame-layout.js';
import { Outcome, type CircuitBreaker } from '../breaker/circuit-breaker.js';
import type { MonotonicClock } from '../clock/monotonic-clock.js';
import type { Dispatcher } from '../dispatch/dispatcher.js';

export class StandInExchange {
  /** [1] = the clock's reading as a box, refreshed at most once per ms: breaker windows need no finer time. */
  private readonly nowBox: unknown[] = [{}, 0];
  private readonly boxedAt = new Float64Array(1).fill(-Infinity);
  /** Fills sent (queued for the worker), a plain count. */
  fills = 0;

  constructor(
    private readonly dispatcher: Dispatcher,
    /** The market's mid per symbol (the generator's random walk, or the feed's board). */
    private readonly mids: Float64Array,
    /** Per venue id. */
    private readonly breakers: readonly CircuitBreaker[],
    private readonly clock: MonotonicClock,
  ) {}

  /**
   * Executes the accepted order whose Decision is at int32 index `base` of
   * worker w's decision ring, at the time of the clock's last reading.
   */
  execute(w: number, i32: Int32Array, f64: Float64Array, base: number): void {
    const reading = this.clock.reading;
    this.dispatcher.queueFill(w, i32, f64, base, this.mids, reading);
    this.fills++;
    const venue = i32[base + Decision.venue];
    if (venue >= 0 && venue < this.breakers.length) {
      if (reading[0] - this.boxedAt[0] >= 1e6) {
        this.nowBox[1] = reading[0];
        this.boxedAt[0] = reading[0];
      }
      this.breakers[venue].record(Outcome.SUCCESS, this.nowBox[1] as number);
    }
  }
}
