/**
 * The delay and loss of one direction of the path (client -> venue, or
 * venue -> client), message after message. Three parts, all drawn from one
 * seeded Prng so a run replays exactly:
 *
 * - Jitter correlated in time, AR(1) on a unit-variance series:
 *     u(n) = phi * u(n-1) + sqrt(1 - phi^2) * z(n),  z(n) ~ N(0, 1)
 *   so u stays N(0, 1) and corr(u(n), u(n-1)) = phi; the base delay is
 *   max(0, mean + sigma * u(n)) (clamped: a delay is never negative). "Time"
 *   is the message sequence of this direction, not the clock: consecutive
 *   messages have similar delays however far apart they were sent. Keeping u
 *   unit-free lets a profile switch rescale it at once with no jump in the
 *   series' state.
 * - Bursts (a stall of the path): when no burst is in force at the send
 *   time, a message starts one with probability BURST_PROBABILITY, lasting
 *   burstMs from its send time; every message sent while one is in force
 *   (the starter included) is held until it ends: extra = burst end - send
 *   time. At a low message rate each burst delays one message by burstMs;
 *   at a high rate everything sent in the window leaves together at its end.
 * - Loss: Bernoulli with the profile's rate, drawn independently.
 *
 * Every message consumes one normal and two uniforms whatever the profile,
 * so the random stream does not depend on the state of the path.
 */
import type { Prng } from '../../core/random/prng.js';
import type { MessageFate } from './conditions.js';
import { BURST_PROBABILITY, type NetworkProfile } from './profiles.js';

export class DirectionProcess {
  private u = 0;
  private readonly innovation: number;
  private burstEndMs = -Infinity;
  /** Base (jitter) delay of the last message drawn, without the burst: for statistics and tests. */
  lastBaseMs = 0;
  /** Burst extra of the last message drawn (0 outside a burst). */
  lastBurstMs = 0;

  constructor(
    private readonly prng: Prng,
    private readonly phi: number,
  ) {
    if (!(phi >= 0 && phi < 1)) throw new RangeError(`AR(1) coefficient must be in [0, 1), got ${phi}`);
    this.innovation = Math.sqrt(1 - phi * phi);
    // Start in the stationary distribution, so the first messages are not special.
    this.u = prng.normal();
  }

  next(nowMs: number, p: NetworkProfile): MessageFate {
    this.u = this.phi * this.u + this.innovation * this.prng.normal();
    const base = Math.max(0, p.meanMs + p.sigmaMs * this.u);
    const startsBurst = this.prng.next() < BURST_PROBABILITY;
    const lost = this.prng.next() < p.lossRate;
    if (p.burstMs > 0 && nowMs >= this.burstEndMs && startsBurst) this.burstEndMs = nowMs + p.burstMs;
    const extra = nowMs < this.burstEndMs ? this.burstEndMs - nowMs : 0;
    this.lastBaseMs = base;
    this.lastBurstMs = extra;
    return { delayMs: base + extra, lost };
  }

  /** Ends a burst in force (a profile switch: the new conditions apply from now on). */
  endBurst(): void {
    this.burstEndMs = -Infinity;
  }
}
