/**
 * The platform's own latency floor, measured beside the engine in the same
 * bench run: one pinned thread per core reads the clock back to back
 * (perf/hiccup-worker.ts) and every gap is time it was not running. From the
 * gaps follows what an event arriving at a random instant must wait before
 * that core runs again: P(wait > x) = sum over gaps g of max(0, g - x) / T.
 * No code on that core can give a p99 below that wait's p99.
 */
import { Worker } from 'node:worker_threads';
import { HISTOGRAM_BUCKETS, bucketHigh, bucketLow } from '../ipc/latency-histogram.js';

export interface CoreHiccups {
  core: number;
  pinned: boolean;
  /** Share of the time spent in gaps longer than 10 µs, in percent. */
  stalledPct: number;
  /** Longest gap seen, µs. */
  maxGapUs: number;
  /** p99 and p99.9 of the wait an event arriving at a random instant sees before the core runs again, µs. */
  waitP99Us: number;
  waitP999Us: number;
}

interface Reply { core: number; pinned: boolean; elapsedNs: number; gaps: Uint32Array }

/** P(wait > x) for an arrival at a uniformly random instant. */
function tail(gaps: Uint32Array, elapsedNs: number, x: number): number {
  let s = 0;
  for (let i = 0; i < HISTOGRAM_BUCKETS; i++) {
    if (gaps[i] === 0) continue;
    const g = (bucketLow(i) + bucketHigh(i)) / 2;
    if (g > x) s += gaps[i] * (g - x);
  }
  return s / elapsedNs;
}

/** Smallest wait x with P(wait > x) <= p (bisection: the tail falls as x grows). */
function waitQuantile(gaps: Uint32Array, elapsedNs: number, p: number, maxGap: number): number {
  let lo = 0;
  let hi = maxGap;
  for (let k = 0; k < 60; k++) {
    const mid = (lo + hi) / 2;
    if (tail(gaps, elapsedNs, mid) > p) lo = mid;
    else hi = mid;
  }
  return hi;
}

function summarizeCore(r: Reply): CoreHiccups {
  let stalled = 0;
  let maxGap = 0;
  for (let i = 0; i < HISTOGRAM_BUCKETS; i++) {
    if (r.gaps[i] === 0) continue;
    const g = (bucketLow(i) + bucketHigh(i)) / 2;
    if (g > 1e4) stalled += r.gaps[i] * g;
    maxGap = bucketHigh(i);
  }
  return {
    core: r.core,
    pinned: r.pinned,
    stalledPct: (100 * stalled) / r.elapsedNs,
    maxGapUs: maxGap / 1e3,
    waitP99Us: waitQuantile(r.gaps, r.elapsedNs, 0.01, maxGap) / 1e3,
    waitP999Us: waitQuantile(r.gaps, r.elapsedNs, 0.001, maxGap) / 1e3,
  };
}

/** Runs one spinning, pinned thread per listed core at the same time for `seconds`. */
export async function measureHiccups(cores: readonly number[], seconds: number): Promise<CoreHiccups[]> {
  const replies = await Promise.all(
    cores.map(
      (core) =>
        new Promise<Reply>((resolve, reject) => {
          const w = new Worker(new URL('./hiccup-worker.js', import.meta.url), { workerData: { core, seconds } });
          w.once('message', (m: Reply) => {
            resolve(m);
            void w.terminate();
          });
          w.once('error', reject);
        }),
    ),
  );
  return replies.map(summarizeCore);
}
