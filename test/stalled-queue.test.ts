/**
 * The stalled-queue model on hand-made gap lists whose queues are worked out
 * by hand: a stall's backlog drains at 1/s - rate, so orders arriving during
 * the drain are late too; a core-0 stall reaches core 1 as a burst; with no
 * work the model is the path floor.
 */
import { expect } from 'chai';
import { bucketHigh, bucketIndex } from '../ipc/latency-histogram.js';
import { pathWait } from '../perf/path-floor.js';
import { serviceForP99, stalledQueue } from '../perf/stalled-queue.js';

const T0 = 5e13; // ns: a monotonic clock ~14 hours after boot
const US = 1e3;
const MS = 1e6;
const RATE = 1e6; // an order every 1,000 ns

/** Gap list from [start µs after T0, length µs] pairs. */
function gaps(...pairs: [number, number][]): Float64Array {
  return Float64Array.from(pairs.flatMap(([s, len]) => [T0 + s * US, len * US]));
}

const none = gaps();

/** A percentile is its bucket's top: at most 0.8 % above the exact value. */
function near(got: number, want: number): void {
  expect(got).to.be.within(want, want * 1.008 + 1);
}

describe('stalled queue', () => {
  it('with no gaps every order takes exactly s0 + s1, however close s is to 1 / rate', () => {
    // Below 256 ns each value has its own bucket, so this is exact.
    const q = stalledQueue(none, none, T0, T0 + 10 * MS, RATE, 100, 120);
    expect([q.count, q.p50, q.p99, q.max, q.delayedPct]).to.deep.equal([10_000, 220, 220, 220, 0]);
    // 950 + 990 ns per order at 1,000 ns apart: only stages that overlap, each starting no earlier than its order is there, keep up.
    const busy = stalledQueue(none, none, T0, T0 + 10 * MS, RATE, 950, 990);
    for (const p of [busy.p50, busy.max]) expect(p).to.equal(bucketHigh(bucketIndex(1940)));
  });

  it('with no work is the path floor on the same gaps, overlapping or handing over', () => {
    const first = gaps([1000, 500], [3000, 8], [5000, 40]);
    const second = gaps([1400, 600], [3008, 8], [5020, 100], [7000, 1000]);
    for (const step of [100, 1000]) {
      expect(stalledQueue(first, second, T0, T0 + 10 * MS, 1e9 / step, 0, 0)).to.deep.equal(pathWait(first, second, T0, T0 + 10 * MS, step));
    }
  });

  // 1 ms stall from S = 1 ms, s1 = 500 ns: order m of the stall (arriving at S + m µs) ends at
  // S + 1 ms + 500 (m + 1) ns while the backlog lasts, latency 1 ms + 500 - 500 m ns: over 10 µs
  // for m < 1981, so 1,981 of 10,000 orders (the floor: 990); the backlog is gone at m = 2,000,
  // 1 ms after the stall. p99 is order m = 100 (the 101st latest): 950.5 µs.
  function expectDrainedStall(first: Float64Array, second: Float64Array): void {
    const q = stalledQueue(first, second, T0, T0 + 10 * MS, RATE, 0, 500);
    expect(q.count).to.equal(10_000);
    expect(q.delayedPct).to.be.closeTo(19.81, 1e-9);
    near(q.p50, 500);
    near(q.p99, 950.5 * US);
    near(q.max, 1000.5 * US);
  }

  it('a 1 ms stall on core 1 delays the orders arriving while its backlog drains, twice the floor at rho 0.5', () => {
    const stall = gaps([1000, 1000]);
    expectDrainedStall(none, stall);
    expect(pathWait(none, stall, T0, T0 + 10 * MS, 1000).delayedPct).to.be.closeTo(9.9, 1e-9);
  });

  it('a 1 ms stall on core 0 releases its orders at once, and core 1 drains them the same way', () => {
    expectDrainedStall(gaps([1000, 1000]), none);
  });

  it('work pauses through a gap and resumes after it', () => {
    // The order arriving at 1 ms has 300 of its 500 ns done when core 1 stalls for 10 µs from 1.0003 ms.
    const q = stalledQueue(none, Float64Array.from([T0 + 1 * MS + 300, 10 * US]), T0, T0 + 10 * MS, RATE, 0, 500);
    expect(q.max).to.equal(bucketHigh(bucketIndex(10_500)));
    expect(q.delayedPct).to.be.closeTo(0.01, 1e-9);
  });

  it('finds the per-order cost at which p99 is 10 µs: the backlog, not the floor, sets it', () => {
    // 1 ms stall on core 1 in 150 ms: 1,500 orders may be late. With s on both cores (s < 500 ns,
    // so the order before the stall is done by then) order m of the stall takes 1 ms + s (m + 1) - 1,000 m ns:
    // late for m < (990,000 + s) / (1,000 - s), at most 1,500 of them iff s <= 510,000 / 1,501 = 339.8 ns.
    // Without the backlog only the floor's 990 would be late, whatever s.
    const stall = gaps([1000, 1000]);
    const s = serviceForP99(none, stall, T0, T0 + 150 * MS, RATE);
    expect(s).to.be.closeTo(510_000 / 1501, 0.1);
    expect(stalledQueue(none, stall, T0, T0 + 150 * MS, RATE, s, s).delayedPct).to.be.at.most(1);
    expect(stalledQueue(none, stall, T0, T0 + 150 * MS, RATE, s * 1.001, s * 1.001).delayedPct).to.be.above(1);
  });

  it('gives NaN when the floor alone misses: 990 late orders in 50,000', () => {
    expect(serviceForP99(none, gaps([1000, 1000]), T0, T0 + 50 * MS, RATE)).to.be.NaN;
  });
});
