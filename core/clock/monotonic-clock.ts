/**
 * Monotonic nanosecond clock shared by every thread of the process.
 *
 * performance.now() allocates on Node 20 (it builds an hrtime array: about 600
 * scavenges per 20 M calls here) and each thread has its own time origin.
 * clock_gettime(CLOCK_MONOTONIC) through koffi writes into a preallocated
 * buffer (no allocation) and reads the one kernel clock all threads share, so a
 * timestamp taken on main and one taken on a worker subtract exactly. It costs
 * about 100 ns a call here: read it once per batch, not once per frame.
 *
 * Hot paths call update() and read `reading[0]`: a double returned from a
 * call V8 does not inline is boxed into a fresh heap number, a garbage
 * collection in the making; a typed-array slot is not.
 */
import koffi from 'koffi';
import { performance } from 'node:perf_hooks';

const CLOCK_MONOTONIC = 1;

export interface MonotonicClock {
  /** Nanoseconds since an arbitrary fixed point, identical across threads. */
  nowNs(): number;
  /** Reads the clock into reading[0] (allocation-free even when not inlined). */
  update(): void;
  /** reading[0]: nanoseconds at the last update(). */
  readonly reading: Float64Array;
  /** 'clock_gettime' when shared and allocation-free; 'performance.now' otherwise. */
  readonly source: 'clock_gettime' | 'performance.now';
}

let shared: MonotonicClock | undefined;

function makeClockGettime(): MonotonicClock {
  const libc = koffi.load('libc.so.6');
  const clockGettime = libc.func('int clock_gettime(int, void *)') as (id: number, ts: Int32Array) => number;
  // struct timespec { int64 tv_sec; int64 tv_nsec; } on x86_64 / aarch64 Linux.
  const ts = new Int32Array(4);
  if (clockGettime(CLOCK_MONOTONIC, ts) !== 0) throw new Error('clock_gettime failed');
  const reading = new Float64Array(1);
  return {
    source: 'clock_gettime',
    reading,
    update(): void {
      clockGettime(CLOCK_MONOTONIC, ts);
      // tv_sec fits in 32 bits for 68 years of uptime; the sum stays below 2^53.
      reading[0] = ts[0] * 1e9 + ts[2];
    },
    nowNs(): number {
      clockGettime(CLOCK_MONOTONIC, ts);
      return ts[0] * 1e9 + ts[2];
    },
  };
}

function makePerformanceNow(): MonotonicClock {
  // Fallback: per-thread origin; shifted by timeOrigin so threads roughly agree.
  const origin = performance.timeOrigin;
  const reading = new Float64Array(1);
  return {
    source: 'performance.now',
    reading,
    update: () => {
      reading[0] = (origin + performance.now()) * 1e6;
    },
    nowNs: () => (origin + performance.now()) * 1e6,
  };
}

/** The process-wide clock; falls back to performance.now() where libc cannot be loaded. */
export function monotonicClock(): MonotonicClock {
  if (shared) return shared;
  try {
    shared = makeClockGettime();
  } catch {
    shared = makePerformanceNow();
  }
  return shared;
}
