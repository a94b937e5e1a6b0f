/**
 * Log-linear latency histogram over a Uint32Array of bucket counts, HDR-style:
 * values (integer nanoseconds) below 256 get a bucket each; above, each power
 * of two is split into 128 linear sub-buckets, so any recorded value is known
 * to within 1/128 (0.8 %). Values are clamped to [0, 2^32 - 1] ns (4.29 s).
 *
 * Layout: BUCKETS consecutive uint32 counts (13,312 bytes), placed by the owner
 * of the buffer (see worker-stats-layout.ts). One thread records into a
 * histogram (plain `++`, about 2 ns); others may read it at any time and see
 * each count whole (aligned 32-bit stores do not tear).
 *
 *   index:   0 ........ 255 | 256 ..... 383 | 384 ..... 511 | ... | 3200 .... 3327
 *   value:   0 ........ 255 | 256..510 by 2 | 512..1020 by 4| ... | 2^31..2^32 by 2^24
 */

const SUB_BITS = 7;
const SUB = 1 << SUB_BITS;
export const HISTOGRAM_BUCKETS = (25 << SUB_BITS) + SUB; // 3328
export const HISTOGRAM_BYTES = HISTOGRAM_BUCKETS * 4;
const MAX_VALUE = 4294967295;

export function bucketIndex(ns: number): number {
  const v = (ns > MAX_VALUE ? MAX_VALUE : ns < 0 ? 0 : ns) >>> 0;
  if (v < SUB << 1) return v;
  const shift = 31 - Math.clz32(v) - SUB_BITS;
  return (shift << SUB_BITS) + (v >>> shift);
}

/** Lowest value that lands in bucket i. */
export function bucketLow(i: number): number {
  if (i < SUB << 1) return i;
  const shift = (i >> SUB_BITS) - 1;
  return ((i & (SUB - 1)) + SUB) * 2 ** shift;
}

/** Highest value that lands in bucket i. */
export function bucketHigh(i: number): number {
  if (i < SUB << 1) return i;
  return bucketLow(i) + 2 ** ((i >> SUB_BITS) - 1) - 1;
}

export function recordLatency(counts: Uint32Array, ns: number): void {
  counts[bucketIndex(ns)]++;
}

export interface LatencySummary {
  count: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
}

/**
 * Percentiles of a histogram, each reported as the highest value of its bucket
 * (never understated). `into` is reused to avoid allocating once a second.
 */
export function summarize(counts: ArrayLike<number>, into: LatencySummary): LatencySummary {
  let total = 0;
  let top = -1;
  for (let i = 0; i < HISTOGRAM_BUCKETS; i++) {
    const c = counts[i];
    if (c !== 0) {
      total += c;
      top = i;
    }
  }
  into.count = total;
  if (total === 0) {
    into.p50 = into.p99 = into.p999 = into.max = 0;
    return into;
  }
  const r50 = Math.ceil(total * 0.5);
  const r99 = Math.ceil(total * 0.99);
  const r999 = Math.ceil(total * 0.999);
  let seen = 0;
  let p50 = -1;
  let p99 = -1;
  let p999 = -1;
  for (let i = 0; i <= top; i++) {
    seen += counts[i];
    if (p50 < 0 && seen >= r50) p50 = bucketHigh(i);
    if (p99 < 0 && seen >= r99) p99 = bucketHigh(i);
    if (p999 < 0 && seen >= r999) {
      p999 = bucketHigh(i);
      break;
    }
  }
  into.p50 = p50;
  into.p99 = p99;
  into.p999 = p999;
  into.max = bucketHigh(top);
  return into;
}

export function emptySummary(): LatencySummary {
  return { count: 0, p50: 0, p99: 0, p999: 0, max: 0 };
}
