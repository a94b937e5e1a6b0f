/**
 * Why a paced engine's p99 sits far above the platform floor: queueing. The
 * floor (perf/path-floor.ts) counts only the orders that arrive during a stall;
 * but a stall of g leaves g x rate orders queued, which drain only at the
 * excess rate 1/s - rate, so the orders arriving during the drain wait too:
 * about g x rho / (1 - rho) more, rho = rate x s. This simulates that exactly
 * over measured gap lists: a tandem of two FIFO single servers, core 0 then
 * core 1, each taking a fixed s ns per order and pausing through its core's gaps.
 */
import { HISTOGRAM_BUCKETS, bucketIndex, emptySummary, summarize } from '../ipc/latency-histogram.js';
import { DELAYED_NS, type PathWait } from './path-floor.js';

/**
 * When `work` ns started at t end on a core with these gaps, i being its first
 * gap not over by t: the work waits out the gap t falls in, then pauses
 * through each gap it runs into and resumes after it.
 */
function finish(gaps: Float64Array, i: number, t: number, work: number): number {
  while (i < gaps.length && gaps[i] <= t) {
    t = gaps[i] + gaps[i + 1];
    i += 2;
  }
  while (i < gaps.length && gaps[i] < t + work) {
    work -= gaps[i] - t;
    t = gaps[i] + gaps[i + 1];
    i += 2;
  }
  return t + work;
}

/**
 * Latency (stage-1 finish - arrival) of orders arriving every 1/rateHz s across
 * [t0, t1): each takes s0 ns on core 0, then s1 ns on core 1. Gap lists as for
 * pathWait; with s0 = s1 = 0 this is pathWait at stepNs = 1e9 / rateHz.
 */
export function stalledQueue(first: Float64Array, second: Float64Array, t0: number, t1: number, rateHz: number, s0: number, s1: number): PathWait {
  const counts = new Uint32Array(HISTOGRAM_BUCKETS);
  const step = 1e9 / rateHz;
  const n = Math.max(0, Math.ceil((t1 - t0) / step));
  let delayed = 0;
  let i = 0; // first gap of `first` not over by the time stage 0 takes the order
  let j = 0; // same for `second` and stage 1: both times only grow, so the pointers only move forward
  let done0 = -Infinity; // when each stage finished its previous order
  let done1 = -Infinity;
  for (let k = 0; k < n; k++) {
    const t = t0 + k * step;
    const start0 = t > done0 ? t : done0;
    while (i < first.length && first[i] + first[i + 1] <= start0) i += 2;
    done0 = finish(first, i, start0, s0);
    const start1 = done0 > done1 ? done0 : done1;
    while (j < second.length && second[j] + second[j + 1] <= start1) j += 2;
    done1 = finish(second, j, start1, s1);
    const latency = done1 - t;
    counts[bucketIndex(latency)]++;
    if (latency > DELAYED_NS) delayed++;
  }
  return { ...summarize(counts, emptySummary()), delayedPct: n ? (100 * delayed) / n : 0 };
}

/**
 * The largest per-order cost s (ns, the same on both cores) at which at most
 * 1 % of orders at rateHz take over DELAYED_NS: p99 <= 10 µs exactly, not to
 * the histogram's bucket. The cost is below 1 / rateHz (else the queue grows
 * without bound); NaN if even s = 0 misses, the floor itself being above it.
 * Bisection: every finish time only grows with s.
 */
export function serviceForP99(first: Float64Array, second: Float64Array, t0: number, t1: number, rateHz: number): number {
  const meets = (s: number) => stalledQueue(first, second, t0, t1, rateHz, s, s).delayedPct <= 1;
  if (!meets(0)) return NaN;
  let lo = 0; // meets
  let hi = 1e9 / rateHz; // not known to
  while (hi - lo > 0.1) {
    const mid = (lo + hi) / 2;
    if (meets(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}
