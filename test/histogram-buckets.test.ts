/**
 * The log-linear histograms as Prometheus buckets, against numbers worked out
 * by hand from ipc/latency-histogram.ts's bucket ranges: each bucket counts
 * under the first bound at or above its highest value, the buckets are
 * cumulative, +Inf is the count, and the sum takes each bucket's midpoint.
 */
import { expect } from 'chai';
import { HistogramBuckets, LATENCY_BOUNDS_S } from '../engine/metrics/histogram-buckets.js';
import { HISTOGRAM_BUCKETS, bucketIndex } from '../ipc/latency-histogram.js';

function histogram(values: Array<[ns: number, times: number]>): Uint32Array {
  const h = new Uint32Array(HISTOGRAM_BUCKETS);
  for (const [ns, times] of values) h[bucketIndex(ns)] += times;
  return h;
}

describe('histogram buckets (log-linear -> Prometheus)', () => {
  it('sums two histograms into cumulative buckets, +Inf = count, sum from midpoints (golden)', () => {
    // Buckets [low, high] ns, midpoint:  100 [100, 100] 100;  500 [500, 501] 500.5;  999 [996, 999] 997.5;
    // 1000 [1000, 1003] 1001.5;  1500 [1496, 1503] 1499.5;  7e6 [6979584, 7012351] 6995967.5;
    // 1e8 [99614720, 100139007] 99876863.5 (above 50 ms: +Inf only).
    const a = histogram([[100, 4], [500, 3], [1500, 1], [7e6, 1]]);
    const b = histogram([[1000, 2], [999, 1], [1e8, 1]]);
    const out = new HistogramBuckets().convert([a, b]);
    // le 1 µs: 4 + 3 + 1 (999 ns); the 1000 ns bucket reaches 1003 ns, so it counts under 2 µs with 1500 ns.
    expect(out.cumulative).to.deep.equal([8, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 12, 12]);
    expect(out.count).to.equal(13);
    // 4*100 + 3*500.5 + 1499.5 + 6995967.5 + 2*1001.5 + 997.5 + 99876863.5 = 106879232.5 ns
    expect(out.sumS).to.be.closeTo(0.1068792325, 1e-15);
  });

  it('uses the bounds 1 µs .. 50 ms, in seconds', () => {
    expect(LATENCY_BOUNDS_S).to.deep.equal([1e-6, 2e-6, 5e-6, 1e-5, 2e-5, 5e-5, 1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3, 1e-2, 5e-2]);
  });

  it('counts a bucket under a bound when its highest value is at or below it, else above', () => {
    // Exact buckets below 256 ns: 100 ns ends on a 100 ns bound, 101 ns does not.
    expect(new HistogramBuckets([1e-7]).convert([histogram([[100, 1], [101, 2]])]).cumulative).to.deep.equal([1]);
    // 2000 ns is the low end of [2000, 2007]: above 2 µs. 1996 ns is in [1992, 1999]: under it.
    const conv = new HistogramBuckets([1e-6, 2e-6]);
    expect(conv.convert([histogram([[2000, 1], [1996, 2]])])).to.deep.equal({ cumulative: [0, 2], count: 3, sumS: (2 * 1995.5 + 2003.5) / 1e9 });
    expect(conv.convert([])).to.deep.equal({ cumulative: [0, 0], count: 0, sumS: 0 });
  });

  it('refuses bounds that do not increase', () => {
    expect(() => new HistogramBuckets([2e-6, 1e-6])).to.throw(RangeError);
    expect(() => new HistogramBuckets([0, 1e-6])).to.throw(RangeError);
  });
});
