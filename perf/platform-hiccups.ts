/**
 * The platform's own latency floor, measured beside the engine in the same
 * bench run: one pinned thread per core reads the clock back to back
 * (perf/hiccup-worker.ts) and every gap is time it was not running. From the
 * gaps follows what an event arriving at a random instant must wait before
 * that core runs again: P(wait > x) = sum over gaps g of max(0, g - x) / T.
 * No code on that core can give a p99 below that wait's p99.
 * An order needs two cores in turn, so the first core is also chained to each
 * other one over the window both ran (perf/path-floor.ts): the path floor.
 */
import { Worker } from 'node:worker_threads';
import { HISTOGRAM_BUCKETS, bucketHigh, bucketLow } from '../ipc/latency-histogram.js';
import type { HiccupReply } from './hiccup-worker.js';
import { DELAYED_NS, pathWait } from './path-floor.js';

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
  /** Share of random arrivals that wait more than 10 µs, in percent. */
  delayedPct: number;
  /** Long gaps the worker had no room to list (the path window then ends at the first). */
  droppedGaps: number;
  /** Of the gaps, what the guest's scheduler saw: time waiting for the core while other tasks ran, and how often (null: no figures). */
  sched: { waitPct: number; preemptedPerS: number } | null;
}

/** The wait of an order arriving at a random instant on `from`, then handed to `to`, µs. */
export interface PathHiccups {
  from: number;
  to: number;
  /** Length of the window both threads ran and listed every long gap, s. */
  windowS: number;
  waitP50Us: number;
  waitP99Us: number;
  waitP999Us: number;
  maxWaitUs: number;
  /** Share of arrivals that wait more than 10 µs, in percent. */
  delayedPct: number;
  /** The gaps listed on each core and the window [t0, t1) (ns) the wait was taken over, for models on the same stalls (perf/stalled-queue.ts). */
  stalls: { first: Float64Array; second: Float64Array; t0: number; t1: number };
}

export interface Hiccups {
  cores: CoreHiccups[];
  /** The first core chained to each other one; empty with a single core. */
  paths: PathHiccups[];
}

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

function summarizeCore(r: HiccupReply): CoreHiccups {
  const elapsedNs = r.endNs - r.startNs;
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
    stalledPct: (100 * stalled) / elapsedNs,
    maxGapUs: maxGap / 1e3,
    waitP99Us: waitQuantile(r.gaps, elapsedNs, 0.01, maxGap) / 1e3,
    waitP999Us: waitQuantile(r.gaps, elapsedNs, 0.001, maxGap) / 1e3,
    delayedPct: 100 * tail(r.gaps, elapsedNs, DELAYED_NS),
    droppedGaps: r.dropped,
    sched: r.sched,
  };
}

function summarizePath(a: HiccupReply, b: HiccupReply): PathHiccups {
  const t0 = Math.max(a.startNs, b.startNs);
  const t1 = Math.min(a.listedUntilNs, b.listedUntilNs);
  // Arrivals every 100 ns, or sparser past 10 s so the counts stay well inside 32 bits.
  const w = pathWait(a.listed, b.listed, t0, t1, Math.max(100, (t1 - t0) / 1e8));
  return {
    from: a.core,
    to: b.core,
    windowS: Math.max(0, t1 - t0) / 1e9,
    waitP50Us: w.p50 / 1e3,
    waitP99Us: w.p99 / 1e3,
    waitP999Us: w.p999 / 1e3,
    maxWaitUs: w.max / 1e3,
    delayedPct: w.delayedPct,
    stalls: { first: a.listed, second: b.listed, t0, t1 },
  };
}

/** Runs one spinning, pinned thread per listed core at the same time for `seconds`; paths start on the first. */
export async function measureHiccups(cores: readonly number[], seconds: number): Promise<Hiccups> {
  const replies = await Promise.all(
    cores.map(
      (core) =>
        new Promise<HiccupReply>((resolve, reject) => {
          const w = new Worker(new URL('./hiccup-worker.js', import.meta.url), { workerData: { core, seconds } });
          w.once('message', (m: HiccupReply) => {
            resolve(m);
            void w.terminate();
          });
          w.once('error', reject);
        }),
    ),
  );
  return { cores: replies.map(summarizeCore), paths: replies.slice(1).map((r) => summarizePath(replies[0], r)) };
}
