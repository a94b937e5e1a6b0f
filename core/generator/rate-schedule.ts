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

  /** rate = orders per second; Infinity = as fast as the rings accept; startNs: where the burst period starts (restart() may move it). */
  constructor(
    readonly rate: number,
    private startNs: number,
    burst?: BurstPattern,
  ) {
    this.baseGapNs = 1e9 / rate;
    this.burstGapNs = burst ? this.baseGapNs / burst.factor : this.baseGapNs;
    this.periodNs = burst ? burst.periodSeconds * 1e9 : Infinity;
    this.burstStartNs = burst ? (burst.periodSeconds - burst.burstSeconds) * 1e9 : Infinity;
  }

  /** Starts the burst period at startNs (a source built ahead of its start time). */
  restart(startNs: number): void {
    this.startNs = startNs;
  }

  get paced(): boolean {
    return Number.isFinite(this.rate);
  }

  /**
   * Moves the due time held in due[i] to the next order's. In place, because a
   * double returned from a call V8 does not inline is boxed (an allocation per order).
   */
  advance(due: Float64Array, i: number): void {
    const t = due[i];
    if (this.periodNs === Infinity) {
      due[i] = t + this.baseGapNs;
      return;
    }
    const phase = (t - this.startNs) % this.periodNs;
    due[i] = t + (phase >= this.burstStartNs ? this.burstGapNs : this.baseGapNs);
  }
}
