/**
 * A risk worker's statistics block: one SharedArrayBuffer per worker, written
 * only by that worker (ThreadStat and the fields below), read by main once a
 * second. A restarted worker keeps adding to the same block, so totals span
 * incarnations. Order latency is measured where orders come from (the order
 * sources, source-stats-layout.ts); the worker records tick latency.
 *
 *   0        L                                    3L                      3L + 13312
 *   +--------+------------------------------------+-----------------------+
 *   | header | f64: ThreadStat 0..15, then         | tick latency          |
 *   |        | 16 ordersIn 17 ticksIn 18 fillsIn   | uint32 x 3328         |
 *   |        | 19 controlsIn 20 decisions          | stamp -> applied, ns  |
 *   |        | 21 batches  22 haltSeenNs           | (latency-histogram)   |
 *   |        | 23..31 free                         |                       |
 *   +--------+------------------------------------+-----------------------+
 *   (L = one cache line, ipc/cache-line.ts; header and ThreadStat: thread-stats-layout.ts)
 *
 * Invariant: decisions <= ordersIn (every order read gets one decision before the batch is released).
 */
import { CACHE_LINE_BYTES } from './cache-line.js';
import { HISTOGRAM_BYTES } from './latency-histogram.js';
import { STATS_HEADER_BYTES, THREAD_STAT_SLOTS, ThreadStat, checkStatsHeader, writeStatsHeader } from './thread-stats-layout.js';

export const WORKER_STATS_MAGIC = 0x5753544b; // 'WSTK'
export const WORKER_STATS_VERSION = 3;

export const WorkerStat = {
  ...ThreadStat,
  ordersIn: THREAD_STAT_SLOTS,
  ticksIn: THREAD_STAT_SLOTS + 1,
  fillsIn: THREAD_STAT_SLOTS + 2,
  controlsIn: THREAD_STAT_SLOTS + 3,
  decisions: THREAD_STAT_SLOTS + 4,
  batches: THREAD_STAT_SLOTS + 5,
  /**
   * Shared-clock ns at which this worker rejected an order TRADING_HALTED after its last decision
   * of any other kind: when the halt or kill in force reached it; 0 once it decides an order any
   * other way (trading there). Read by `status` and the control bench.
   */
  haltSeenNs: THREAD_STAT_SLOTS + 6,
} as const;

const F64_SLOTS = 32;
const COUNTERS_OFFSET = STATS_HEADER_BYTES;
export const TICK_HISTOGRAM_OFFSET = COUNTERS_OFFSET + 2 * CACHE_LINE_BYTES;
export const WORKER_STATS_BYTES = TICK_HISTOGRAM_OFFSET + HISTOGRAM_BYTES;

export interface WorkerStatsView {
  readonly f64: Float64Array;
  /** Market ticks: the frame's stamp -> the worker applied it. */
  readonly tickHistogram: Uint32Array;
}

export function createWorkerStats(): SharedArrayBuffer {
  const sab = new SharedArrayBuffer(WORKER_STATS_BYTES);
  writeStatsHeader(sab, WORKER_STATS_MAGIC, WORKER_STATS_VERSION);
  return sab;
}

export function workerStatsView(sab: SharedArrayBuffer): WorkerStatsView {
  checkStatsHeader(sab, 'worker statistics block', WORKER_STATS_MAGIC, WORKER_STATS_VERSION, WORKER_STATS_BYTES);
  return {
    f64: new Float64Array(sab, COUNTERS_OFFSET, F64_SLOTS),
    tickHistogram: new Uint32Array(sab, TICK_HISTOGRAM_OFFSET, HISTOGRAM_BYTES >> 2),
  };
}
