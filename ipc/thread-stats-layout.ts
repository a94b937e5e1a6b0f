/**
 * What every engine thread on the order path (risk worker, order source)
 * publishes about itself, at the start of its statistics block, and the
 * block's header. The thread writes every field (plain stores: one writer
 * needs no read-modify-write); main reads them once a second. Counters are
 * float64 so they do not wrap; an aligned 8-byte store does not tear on the
 * 64-bit targets Node supports.
 *
 *   0        4         8                   L (one cache line, ipc/cache-line.ts)
 *   +--------+---------+-------------------+-------------------------------------------+
 *   | magic  | version | (pad)             | f64[0..15] ThreadStat, then the kind's own |
 *   +--------+---------+-------------------+-------------------------------------------+
 *   magic, version: creator (main), once; checked on attach (the kind's own magic).
 *
 * ThreadStat (f64 index from byte L):
 *   0 state     ThreadState            1 core      pinned core, -1 none  2 tid
 *   3 pinned    1 when verified        4 gcCount   since start           5 gcPauseNs
 *   6 heapUsed  bytes                  7 lastBeatNs housekeeping time   8 startedNs
 *   9 warmupNs  how long warm-up took 10 warmupOrders synthetic orders run through it
 *   11..15 reserved
 * Invariant: state only moves forward, except Starting again after a restart.
 */
import { CACHE_LINE_BYTES } from './cache-line.js';

export const STATS_HEADER_BYTES = CACHE_LINE_BYTES;
/** f64 slots of ThreadStat; a kind's own fields start here. */
export const THREAD_STAT_SLOTS = 16;

export const ThreadStat = {
  state: 0,
  core: 1,
  tid: 2,
  pinned: 3,
  gcCount: 4,
  gcPauseNs: 5,
  heapUsed: 6,
  lastBeatNs: 7,
  startedNs: 8,
  warmupNs: 9,
  warmupOrders: 10,
} as const;

export const ThreadState = { Starting: 0, WarmingUp: 1, Ready: 2, Running: 3, Draining: 4, Stopped: 5 } as const;

const MAGIC = 0;
const VERSION = 1;

/** Writes the header of a new statistics block. */
export function writeStatsHeader(sab: SharedArrayBuffer, magic: number, version: number): void {
  const h = new Int32Array(sab, 0, 2);
  h[MAGIC] = magic;
  h[VERSION] = version;
}

/** Throws unless `sab` is a statistics block of this kind, version and size. */
export function checkStatsHeader(sab: SharedArrayBuffer, what: string, magic: number, version: number, bytes: number): void {
  const h = sab.byteLength >= 8 ? new Int32Array(sab, 0, 2) : new Int32Array(2);
  if (sab.byteLength !== bytes || h[MAGIC] !== magic || h[VERSION] !== version) {
    throw new RangeError(`not a ${what}: ${sab.byteLength} bytes, magic 0x${(h[MAGIC] >>> 0).toString(16)} version ${h[VERSION]}; expected ${bytes} bytes, 0x${magic.toString(16)} version ${version}`);
  }
}
