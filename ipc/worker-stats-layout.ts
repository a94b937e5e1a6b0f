/**
 * Per-worker statistics block: one SharedArrayBuffer per worker. The worker is
 * the only writer of every field (plain stores: a single writer needs no
 * read-modify-write); main only reads, once a second, to build the metrics
 * line. Counters are float64 so they do not wrap in a long run; an aligned
 * 8-byte store does not tear on the 64-bit targets Node supports.
 *
 *   byte 0                                                               256             1024                    14336
 *   +--------------------------------------------------------------------+---------------+-----------------------+-----------------------+
 *   | f64 counters, index:                                               | (reserved)    | order latency         | tick latency          |
 *   |  0 ordersIn   1 ticksIn    2 fillsIn   3 controlsIn  4 decisions  |               | uint32 x 3328         | uint32 x 3328         |
 *   |  5 batches    6 sleeps     7 gcCount   8 gcPauseNs   9 heapUsed   |               | dispatch-to-decision  | tick stamp (feed      |
 *   | 10 state     11 core      12 tid      13 pinned    14 lastBeatNs   |               | ns (latency-histogram)| receive / generator)  |
 *   | 15 startedNs  16..31 free                                          |               |                       | to worker applying it |
 *   +--------------------------------------------------------------------+---------------+-----------------------+-----------------------+
 *
 * state: 0 starting, 1 running, 2 stopped (after the shutdown frame was drained).
 * Invariant: decisions <= ordersIn (every order read gets one decision before the batch is released).
 * A restarted worker keeps adding to the same block, so totals span incarnations.
 */
import { HISTOGRAM_BYTES } from './latency-histogram.js';

export const WorkerStat = {
  ordersIn: 0,
  ticksIn: 1,
  fillsIn: 2,
  controlsIn: 3,
  decisions: 4,
  batches: 5,
  sleeps: 6,
  gcCount: 7,
  gcPauseNs: 8,
  heapUsed: 9,
  state: 10,
  core: 11,
  tid: 12,
  pinned: 13,
  lastBeatNs: 14,
  startedNs: 15,
} as const;

export const WorkerState = { Starting: 0, Running: 1, Stopped: 2 } as const;

export const HISTOGRAM_OFFSET = 1024;
export const TICK_HISTOGRAM_OFFSET = HISTOGRAM_OFFSET + HISTOGRAM_BYTES;
export const WORKER_STATS_BYTES = TICK_HISTOGRAM_OFFSET + HISTOGRAM_BYTES;

export interface WorkerStatsView {
  readonly f64: Float64Array;
  /** Orders: intended send time -> decision published. */
  readonly histogram: Uint32Array;
  /** Market ticks: the frame's stamp -> the worker applied it. */
  readonly tickHistogram: Uint32Array;
}

export function createWorkerStats(): SharedArrayBuffer {
  return new SharedArrayBuffer(WORKER_STATS_BYTES);
}

export function workerStatsView(sab: SharedArrayBuffer): WorkerStatsView {
  return {
    f64: new Float64Array(sab, 0, HISTOGRAM_OFFSET >> 3),
    histogram: new Uint32Array(sab, HISTOGRAM_OFFSET, HISTOGRAM_BYTES >> 2),
    tickHistogram: new Uint32Array(sab, TICK_HISTOGRAM_OFFSET, HISTOGRAM_BYTES >> 2),
  };
}
