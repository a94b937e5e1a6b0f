/**
 * The platform floor under an order's path across two cores: main sends it on
 * the first core, a worker decides it on the second. An order arriving at
 * instant t waits for the first core to run, then for the second:
 *   wait(t) = r0(t) + r1(t + r0(t))
 * where rc(x) is what is left at x of the gap covering x on core c (0 if c
 * runs at x). The per-core floors miss that chaining, so they understate what
 * an order sees; no engine on these cores can beat this wait's percentiles
 * over the same window. Pure, over the gap lists perf/hiccup-worker.ts records.
 */
import { HISTOGRAM_BUCKETS, bucketIndex, emptySummary, summarize, type LatencySummary } from '../ipc/latency-histogram.js';

/** Waits above this count as delayed: the paced p99 target. */
export const DELAYED_NS = 10_000;

/** Percentiles of the wait in ns (each its bucket's top, so within 0.8 % above). */
export interface PathWait extends LatencySummary {
  /** Share of arrivals that wait more than DELAYED_NS, in percent. */
  delayedPct: number;
}

/** End of the run of back-to-back gaps starting with gap i (the meter lists one gap per pair of clock reads). */
function runEnd(gaps: Float64Array, i: number): number {
  let end = gaps[i] + gaps[i + 1];
  for (let m = i + 2; m < gaps.length && gaps[m] <= end; m += 2) end = gaps[m] + gaps[m + 1];
  return end;
}

/**
 * The wait of arrivals every `stepNs` across [t0, t1). Each list holds one
 * core's gaps as (start ns, length ns) pairs, sorted by start, not overlapping.
 */
export function pathWait(first: Float64Array, second: Float64Array, t0: number, t1: number, stepNs = 100): PathWait {
  const counts = new Uint32Array(HISTOGRAM_BUCKETS);
  const n = Math.max(0, Math.ceil((t1 - t0) / stepNs));
  let delayed = 0;
  let i = 0; // first gap of `first` not over by t
  let j = 0; // first gap of `second` not over by u
  for (let k = 0; k < n; k++) {
    const t = t0 + k * stepNs;
    while (i < first.length && first[i] + first[i + 1] <= t) i += 2;
    const r0 = i < first.length && first[i] <= t ? runEnd(first, i) - t : 0;
    // u = t + r0 never decreases as t grows (it is either t or the end of the gap t falls in), so j only moves forward.
    const u = t + r0;
    while (j < second.length && second[j] + second[j + 1] <= u) j += 2;
    const r1 = j < second.length && second[j] <= u ? runEnd(second, j) - u : 0;
    counts[bucketIndex(r0 + r1)]++;
    if (r0 + r1 > DELAYED_NS) delayed++;
  }
  return { ...summarize(counts, emptySummary()), delayedPct: n ? (100 * delayed) / n : 0 };
}
