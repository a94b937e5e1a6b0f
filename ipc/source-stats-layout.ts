/**
 * An order source's block: its statistics (written only by the source), its
 * exactly-once ledger counters and its latency histograms, and one line of
 * commands that only main writes. Main reads the rest once a second and
 * merges every source's block into the metrics line and the summary.
 *
 *   0        L          3L         4L                 4L+512      +13312 x 4
 *   +--------+----------+----------+------------------+-----------+-----------+-----------+-----------+
 *   | header | f64 x 32 | commands | rejects by reason| latency   | lateness  | queued    | back      |
 *   |        | (source) | (main)   | f64 x 64 (source)| (source)  | (source)  | (source)  | (source)  |
 *   +--------+----------+----------+------------------+-----------+-----------+-----------+-----------+
 *   (L = one cache line, ipc/cache-line.ts; header and ThreadStat: thread-stats-layout.ts)
 *
 * f64 (index from byte L): ThreadStat 0..15, then the ledger's counters
 *   16 generated 17 decided 18 accepted 19 rejected 20 duplicates 21 overruns
 * (in this order: DecisionLedger writes them through a view), and
 *   22 backpressure 23 ticksSent 24 fillsSent 25 fillsQueuedPeak 26 conflatedTicks,
 *   27..30 finals: the venue's final states of the source's orders (FILLED, CANCELED, REJECTED,
 *   EXPIRED) as the gateway reported them (--exchange sim|URL; OrderFinal frames).
 * Commands (byte 3L), main only: go i32 @0 (0 -> 1 once: start sending; Atomics.store,
 *   Atomics.notify), stop i32 @4 (0 -> 1 once: stop generating, drain, exit),
 *   startNs f64 @8 (written before go: the shared clock time the schedule starts at).
 * Histograms (ns, ipc/latency-histogram.ts), one record per decided order:
 *   latency   intended send time -> the source read the decision (what a client sees)
 *   lateness  intended send time -> the source wrote the order (the source's own delay)
 *   queued    written -> the worker's batch took it (ring and worker backlog)
 *   back      the worker's batch -> the source read the decision (checks, publish, ring back)
 * Invariants: decided + outstanding = generated; accepted + rejected = decided.
 */
import { CACHE_LINE_BYTES } from './cache-line.js';
import { HISTOGRAM_BYTES } from './latency-histogram.js';
import { STATS_HEADER_BYTES, THREAD_STAT_SLOTS, ThreadStat, checkStatsHeader, writeStatsHeader } from './thread-stats-layout.js';

export const SOURCE_STATS_MAGIC = 0x53525354; // 'SRST'
export const SOURCE_STATS_VERSION = 2;

export const SourceStat = {
  ...ThreadStat,
  generated: THREAD_STAT_SLOTS,
  decided: THREAD_STAT_SLOTS + 1,
  accepted: THREAD_STAT_SLOTS + 2,
  rejected: THREAD_STAT_SLOTS + 3,
  duplicates: THREAD_STAT_SLOTS + 4,
  overruns: THREAD_STAT_SLOTS + 5,
  backpressure: THREAD_STAT_SLOTS + 6,
  ticksSent: THREAD_STAT_SLOTS + 7,
  fillsSent: THREAD_STAT_SLOTS + 8,
  fillsQueuedPeak: THREAD_STAT_SLOTS + 9,
  conflatedTicks: THREAD_STAT_SLOTS + 10,
  /** First of four: final states by FinalState (ipc/frame-layout.ts). */
  finals: THREAD_STAT_SLOTS + 11,
} as const;
/** The ledger's six counters, generated .. overruns, as DecisionLedger indexes them. */
export const LEDGER_COUNTERS = { from: SourceStat.generated, to: SourceStat.overruns + 1 } as const;

/** Reject counts by reason code (REASON_SLOTS in core/risk/reject-reason.ts). */
export const SOURCE_REASON_SLOTS = 64;
const F64_SLOTS = 32;
const COUNTERS_OFFSET = STATS_HEADER_BYTES;
const COMMANDS_OFFSET = COUNTERS_OFFSET + 2 * CACHE_LINE_BYTES;
const REASONS_OFFSET = COMMANDS_OFFSET + CACHE_LINE_BYTES;
const HISTOGRAMS_OFFSET = REASONS_OFFSET + SOURCE_REASON_SLOTS * 8;
export const SOURCE_HISTOGRAMS = ['latency', 'lateness', 'queued', 'back'] as const;
export type SourceHistogram = (typeof SOURCE_HISTOGRAMS)[number];
export const SOURCE_STATS_BYTES = HISTOGRAMS_OFFSET + SOURCE_HISTOGRAMS.length * HISTOGRAM_BYTES;

/** Command words, int32 index into `commands`. */
export const SourceCommand = { go: 0, stop: 1 } as const;
/** float64 index of startNs in `commandsF64`. */
export const SOURCE_START_NS = 1;

export interface SourceStatsView {
  readonly f64: Float64Array;
  readonly commands: Int32Array;
  readonly commandsF64: Float64Array;
  readonly byReason: Float64Array;
  readonly histograms: Record<SourceHistogram, Uint32Array>;
}

export function createSourceStats(): SharedArrayBuffer {
  const sab = new SharedArrayBuffer(SOURCE_STATS_BYTES);
  writeStatsHeader(sab, SOURCE_STATS_MAGIC, SOURCE_STATS_VERSION);
  return sab;
}

export function sourceStatsView(sab: SharedArrayBuffer): SourceStatsView {
  checkStatsHeader(sab, 'source statistics block', SOURCE_STATS_MAGIC, SOURCE_STATS_VERSION, SOURCE_STATS_BYTES);
  const histograms = {} as Record<SourceHistogram, Uint32Array>;
  SOURCE_HISTOGRAMS.forEach((name, i) => (histograms[name] = new Uint32Array(sab, HISTOGRAMS_OFFSET + i * HISTOGRAM_BYTES, HISTOGRAM_BYTES >> 2)));
  return {
    f64: new Float64Array(sab, COUNTERS_OFFSET, F64_SLOTS),
    commands: new Int32Array(sab, COMMANDS_OFFSET, CACHE_LINE_BYTES >> 2),
    commandsF64: new Float64Array(sab, COMMANDS_OFFSET, CACHE_LINE_BYTES >> 3),
    byReason: new Float64Array(sab, REASONS_OFFSET, SOURCE_REASON_SLOTS),
    histograms,
  };
}
