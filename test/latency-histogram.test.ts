import { expect } from 'chai';
import { HISTOGRAM_BUCKETS, bucketHigh, bucketIndex, bucketLow, emptySummary, recordLatency, summarize } from '../ipc/latency-histogram.js';

describe('latency histogram', () => {
  it('puts every value in a bucket whose bounds hold it, within 1/128', () => {
    for (const v of [0, 1, 255, 256, 257, 511, 512, 1000, 12345, 1e6, 123456789, 2 ** 31, 2 ** 32 - 1]) {
      const i = bucketIndex(v);
      expect(i).to.be.within(0, HISTOGRAM_BUCKETS - 1);
      expect(bucketLow(i)).to.be.at.most(v);
      expect(bucketHigh(i)).to.be.at.least(v);
      expect(bucketHigh(i) - bucketLow(i)).to.be.at.most(Math.max(0, v / 128));
    }
  });

  it('is monotonic and contiguous across buckets', () => {
    for (let i = 1; i < HISTOGRAM_BUCKETS; i++) expect(bucketLow(i)).to.equal(bucketHigh(i - 1) + 1);
    expect(bucketHigh(HISTOGRAM_BUCKETS - 1)).to.equal(2 ** 32 - 1);
  });

  it('clamps values outside [0, 2^32)', () => {
    expect(bucketIndex(-5)).to.equal(0);
    expect(bucketIndex(1e12)).to.equal(HISTOGRAM_BUCKETS - 1);
  });

  it('reports percentiles that are never understated', () => {
    const h = new Uint32Array(HISTOGRAM_BUCKETS);
    for (let v = 1; v <= 100_000; v++) recordLatency(h, v);
    const s = summarize(h, emptySummary());
    expect(s.count).to.equal(100_000);
    expect(s.p50).to.be.within(50_000, 50_000 * 1.008);
    expect(s.p99).to.be.within(99_000, 99_000 * 1.008);
    expect(s.p999).to.be.within(99_900, 99_900 * 1.008);
    expect(s.max).to.be.within(100_000, 100_000 * 1.008);
  });
});
