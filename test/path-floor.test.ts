/**
 * The two-core path floor on hand-made gap lists whose waits are known by
 * hand: an arrival waits out core 0's gap, then whatever is left of core 1's
 * gap at that moment (chained, not added), and only inside the window.
 */
import { expect } from 'chai';
import { pathWait, type PathWait } from '../perf/path-floor.js';

const T0 = 5e13; // ns: a monotonic clock ~14 hours after boot
const US = 1e3;
const WINDOW = 10_000 * US; // arrivals every 100 ns: 100,000 of them

/** Gap list from [start µs after T0, length µs] pairs. */
function gaps(...pairs: [number, number][]): Float64Array {
  return Float64Array.from(pairs.flatMap(([s, len]) => [T0 + s * US, len * US]));
}

const none = gaps();

/** A percentile is its bucket's top: at most 0.8 % above the exact value. */
function near(got: number, want: number): void {
  expect(got).to.be.within(want, want * 1.008 + 1);
}

/** One 1 ms stall in the 10 ms window, seen from arrivals: wait 1 ms - (t - start) inside it, 0 elsewhere. */
function expectOneMillisecondStall(w: PathWait): void {
  expect(w.count).to.equal(100_000);
  expect(w.p50).to.equal(0);
  // 9,900 of the 10,000 arrivals inside the stall wait more than 10 µs.
  expect(w.delayedPct).to.be.closeTo(9.9, 1e-9);
  // P(wait > x) = (1 ms - x) / 10 ms: 1 % at 900 µs, 0.1 % at 990 µs.
  near(w.p99, 900 * US);
  near(w.p999, 990 * US);
  near(w.max, 1000 * US);
}

describe('path floor', () => {
  it('is zero everywhere with no gaps, or gaps only outside the window', () => {
    for (const [a, b] of [[none, none], [gaps([-500, 400]), gaps([WINDOW / US + 1, 1000])]]) {
      const w = pathWait(a, b, T0, T0 + WINDOW);
      expect(w.count).to.equal(100_000);
      expect([w.p50, w.p99, w.p999, w.max, w.delayedPct]).to.deep.equal([0, 0, 0, 0, 0]);
    }
  });

  it('a 1 ms gap on core 0 delays 9.9 % of arrivals, p99 900 µs', () => {
    expectOneMillisecondStall(pathWait(gaps([1000, 1000]), none, T0, T0 + WINDOW));
  });

  it('a 1 ms gap on core 1 only delays the same arrivals', () => {
    expectOneMillisecondStall(pathWait(none, gaps([1000, 1000]), T0, T0 + WINDOW));
  });

  it('chains: an arrival in a core-0 gap that ends inside a core-1 gap waits for both', () => {
    // Overlapping (core 1 stalls from 1.4 ms) and adjacent (from 1.5 ms): either way an arrival at
    // t in [1, 2) ms waits until 2 ms, as for one 1 ms stall. Adding r0(t) + r1(t) would top out at
    // 0.7 and 0.5 ms; ignoring core 1, at 0.5 ms.
    for (const second of [gaps([1400, 600]), gaps([1500, 500])]) {
      expectOneMillisecondStall(pathWait(gaps([1000, 500]), second, T0, T0 + WINDOW));
    }
  });

  it('chains two 8 µs stalls into waits over 10 µs that neither gives alone', () => {
    const first = gaps([1000, 8]);
    const second = gaps([1008, 8]);
    const w = pathWait(first, second, T0, T0 + WINDOW);
    // Arrivals in the first 6 µs of core 0's stall wait 10 to 16 µs: 60 of 100,000.
    expect(w.delayedPct).to.be.closeTo(0.06, 1e-9);
    near(w.max, 16 * US);
    expect(pathWait(first, none, T0, T0 + WINDOW).delayedPct).to.equal(0);
    expect(pathWait(none, second, T0, T0 + WINDOW).delayedPct).to.equal(0);
  });

  it('a core-1 gap over before core 0 resumes costs nothing', () => {
    // Core 1 stalls from 1.2 to 1.4 ms, inside core 0's stall: the order only reaches it at 2 ms.
    // Adding would raise the waits of arrivals in [1.2, 1.4) ms and the p99 to about 933 µs.
    expectOneMillisecondStall(pathWait(gaps([1000, 1000]), gaps([1200, 200]), T0, T0 + WINDOW));
  });

  it('counts only arrivals inside the window, and of a gap straddling its start only the part inside', () => {
    // Core 0 stalls from 0.5 ms before the window to 0.5 ms into it: 4,900 of 100,000 arrivals wait over 10 µs.
    const w = pathWait(gaps([-500, 1000]), none, T0, T0 + WINDOW);
    expect(w.count).to.equal(100_000);
    expect(w.delayedPct).to.be.closeTo(4.9, 1e-9);
    near(w.max, 500 * US);
  });

  it('waits out back-to-back gaps on one core as one stall', () => {
    // The meter lists each pair of slow clock reads as its own gap: 1 ms as 0.4 ms then 0.6 ms.
    expectOneMillisecondStall(pathWait(gaps([1000, 400], [1400, 600]), none, T0, T0 + WINDOW));
    expectOneMillisecondStall(pathWait(none, gaps([1000, 400], [1400, 600]), T0, T0 + WINDOW));
  });
});
