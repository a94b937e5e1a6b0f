/**
 * The threads' log-linear latency histograms (ipc/latency-histogram.ts: 3,328
 * uint32 counts in nanoseconds, each bucket a range [low, high]) as a
 * Prometheus histogram: cumulative counts per upper bound `le`, in seconds,
 * a +Inf bucket equal to the count, and a sum.
 *
 * A log-linear bucket goes under the first bound at or above its *highest*
 * value, so a bucket straddling a bound counts above it: a Prometheus
 * quantile is never understated, as the reporter's percentiles are not
 * (summarize reports a bucket's highest value). Buckets are within 1/128 of
 * their values, so the shift is at most 0.8 %. The histograms keep counts, not
 * values, so the sum takes each bucket at its midpoint (exact below 256 ns).
 *
 * Several histograms (one per order source) are summed bucket by bucket.
 * The conversion runs on main at scrape time, reading the shared counts; it
 * never touches the threads that record into them.
 */
import { HISTOGRAM_BUCKETS, bucketHigh, bucketLow } from '../../ipc/latency-histogram.js';

/** Upper bounds in seconds: 1 µs to 50 ms, the range between a quiet decision and a stalled one. */
export const LATENCY_BOUNDS_S: readonly number[] = [1e-6, 2e-6, 5e-6, 1e-5, 2e-5, 5e-5, 1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3, 1e-2, 5e-2];

export interface PrometheusBuckets {
  /** Cumulative count at each bound, in the order of the bounds. */
  cumulative: number[];
  /** Every observation: the +Inf bucket and `_count`. */
  count: number;
  /** Sum of the observations in seconds, each at its bucket's midpoint. */
  sumS: number;
}

export class HistogramBuckets {
  /** For each log-linear bucket, the index of the bound it counts under (bounds.length: only +Inf). */
  private readonly boundOf = new Uint8Array(HISTOGRAM_BUCKETS);
  private readonly midNs = new Float64Array(HISTOGRAM_BUCKETS);

  constructor(readonly boundsS: readonly number[] = LATENCY_BOUNDS_S) {
    if (boundsS.length >= 255 || boundsS.some((b, k) => !(b > 0) || (k > 0 && b <= boundsS[k - 1]))) throw new RangeError('histogram bounds must increase, be > 0 and fewer than 255');
    // Rounded: 1e-6 * 1e9 is not always exactly 1000 in floating point.
    const boundsNs = boundsS.map((b) => Math.round(b * 1e9));
    let k = 0;
    for (let i = 0; i < HISTOGRAM_BUCKETS; i++) {
      while (k < boundsNs.length && bucketHigh(i) > boundsNs[k]) k++;
      this.boundOf[i] = k;
      this.midNs[i] = (bucketLow(i) + bucketHigh(i)) / 2;
    }
  }

  /** The histograms' counts, summed, as cumulative Prometheus buckets. */
  convert(histograms: readonly Uint32Array[]): PrometheusBuckets {
    const perBound = new Array<number>(this.boundsS.length + 1).fill(0);
    let sumNs = 0;
    for (const h of histograms) {
      for (let i = 0; i < HISTOGRAM_BUCKETS; i++) {
        const c = h[i];
        if (c === 0) continue;
        perBound[this.boundOf[i]] += c;
        sumNs += c * this.midNs[i];
      }
    }
    const cumulative: number[] = [];
    let seen = 0;
    for (let k = 0; k < this.boundsS.length; k++) cumulative.push((seen += perBound[k]));
    return { cumulative, count: seen + perBound[this.boundsS.length], sumS: sumNs / 1e9 };
  }
}
