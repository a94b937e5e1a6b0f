/**
 * When each generated order is due. A paced schedule spaces orders 1/rate
 * apart, multiplied by the burst factor during the last `burstSeconds` of each
 * `periodSeconds`; the due time of order i+1 follows from that of order i, so
 * an order's intended send time never depends on when the sender got to it
 * (latency is measured from it: no coordinated omission).
 */

export interface BurstPattern {
  factor: number;
  burstSeconds: number;
  periodSeconds: number;
}

export class RateSchedule {
  private readonly baseGapNs: number;
  private readonly burstGapNs: number;
  private readonly periodNs: number;
  private readonly burstStartNs: number;

  /** rate = orders per second; Infinity = as fast as the rings accept. */
  constructor(
    readonly rate: number,
    private readonly startNs: number,
    burst?: BurstPattern,
  ) {
    this.baseGapNs = 1e9 / rate;
    this.burstGapNs = burst ? this.baseGapNs / burst.factor : this.baseGapNs;
    this.periodNs = burst ? burst.periodSeconds * 1e9 : Infinity;
    this.burstStartNs = burst ? (burst.periodSeconds - burst.burstSeconds) * 1e9 : Infinity;
  }

  get paced(): boolean {
    return Number.isFinite(this.rate);
  }

  /** Due time of the order after one due at `dueNs`. */
  next(dueNs: number): number {
    if (this.periodNs === Infinity) return dueNs + this.baseGapNs;
    const phase = (dueNs - this.startNs) % this.periodNs;
    return dueNs + (phase >= this.burstStartNs ? this.burstGapNs : this.baseGapNs);
  }
}
