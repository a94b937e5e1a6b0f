/**
 * The venue gateway's block: its statistics, written only by the gateway
 * thread, read by main once a second for the metrics line, the summary and
 * Prometheus.
 *
 *   0        L                          4L                 4L + 13312
 *   +--------+--------------------------+------------------+------------------+
 *   | header | f64 x 48 (gateway)       | ack latency      | fill latency     |
 *   |        | ThreadStat 0..15, then   | uint32 x 3328    | uint32 x 3328    |
 *   |        | the fields below         | (gateway)        | (gateway)        |
 *   +--------+--------------------------+------------------+------------------+
 *   (L = one cache line, ipc/cache-line.ts; header and ThreadStat: thread-stats-layout.ts)
 *
 * f64 (index from byte L): ThreadStat 0..15, then
 *   16 received     accepted orders taken from the workers' rings
 *   17 sent         order.place requests written to the venue (retries included)
 *   18 acked        orders the venue acknowledged (NEW, or a first fill)
 *   19 filled       final FILLED        20 canceled  final CANCELED   21 rejected final REJECTED
 *   22 expired      final EXPIRED       23 executions  trades applied (deduplicated by trade id)
 *   24 unknown      outcomes that became UNKNOWN (timeout, 5xx, -1007, lost response, dropped connection)
 *   25 resolved     UNKNOWN outcomes resolved by querying the order
 *   26 retries      requests resent under the same clientOrderId
 *   27 reconnects   sessions re-established   28 duplicatesRefused  -2010 answers (a retry the venue had)
 *   29 venueErrors  errors and timeouts recorded on the venue's breaker
 *   30 backoffs     429 / 418 answers           31 open  orders not yet final
 *   32 connected    1 while logged on           33 fillsQueuedPeak  executions waiting for a full worker ring
 *   34 duplicateTrades  executions ignored (trade id seen before)
 * Histograms (ns, ipc/latency-histogram.ts):
 *   ack   the gateway took the order from the ring -> the venue's acknowledgement arrived
 *   fill  the gateway took the order -> its last execution arrived (filled orders)
 * Invariants: filled + canceled + rejected + expired + open = received (every order one final state);
 *   resolved <= unknown.
 */
import { CACHE_LINE_BYTES } from './cache-line.js';
import { HISTOGRAM_BYTES } from './latency-histogram.js';
import { STATS_HEADER_BYTES, THREAD_STAT_SLOTS, ThreadStat, checkStatsHeader, writeStatsHeader } from './thread-stats-layout.js';

export const GATEWAY_STATS_MAGIC = 0x47575354; // 'GWST'
export const GATEWAY_STATS_VERSION = 1;

export const GatewayStat = {
  ...ThreadStat,
  received: THREAD_STAT_SLOTS,
  sent: THREAD_STAT_SLOTS + 1,
  acked: THREAD_STAT_SLOTS + 2,
  filled: THREAD_STAT_SLOTS + 3,
  canceled: THREAD_STAT_SLOTS + 4,
  rejected: THREAD_STAT_SLOTS + 5,
  expired: THREAD_STAT_SLOTS + 6,
  executions: THREAD_STAT_SLOTS + 7,
  unknown: THREAD_STAT_SLOTS + 8,
  resolved: THREAD_STAT_SLOTS + 9,
  retries: THREAD_STAT_SLOTS + 10,
  reconnects: THREAD_STAT_SLOTS + 11,
  duplicatesRefused: THREAD_STAT_SLOTS + 12,
  venueErrors: THREAD_STAT_SLOTS + 13,
  backoffs: THREAD_STAT_SLOTS + 14,
  open: THREAD_STAT_SLOTS + 15,
  connected: THREAD_STAT_SLOTS + 16,
  fillsQueuedPeak: THREAD_STAT_SLOTS + 17,
  duplicateTrades: THREAD_STAT_SLOTS + 18,
} as const;

const F64_SLOTS = 48;
const COUNTERS_OFFSET = STATS_HEADER_BYTES;
const HISTOGRAMS_OFFSET = COUNTERS_OFFSET + 3 * CACHE_LINE_BYTES;
export const GATEWAY_HISTOGRAMS = ['ack', 'fill'] as const;
export type GatewayHistogram = (typeof GATEWAY_HISTOGRAMS)[number];
export const GATEWAY_STATS_BYTES = HISTOGRAMS_OFFSET + GATEWAY_HISTOGRAMS.length * HISTOGRAM_BYTES;

export interface GatewayStatsView {
  readonly f64: Float64Array;
  readonly histograms: Record<GatewayHistogram, Uint32Array>;
}

export function createGatewayStats(): SharedArrayBuffer {
  const sab = new SharedArrayBuffer(GATEWAY_STATS_BYTES);
  writeStatsHeader(sab, GATEWAY_STATS_MAGIC, GATEWAY_STATS_VERSION);
  return sab;
}

export function gatewayStatsView(sab: SharedArrayBuffer): GatewayStatsView {
  checkStatsHeader(sab, 'gateway statistics block', GATEWAY_STATS_MAGIC, GATEWAY_STATS_VERSION, GATEWAY_STATS_BYTES);
  const histograms = {} as Record<GatewayHistogram, Uint32Array>;
  GATEWAY_HISTOGRAMS.forEach((name, i) => (histograms[name] = new Uint32Array(sab, HISTOGRAMS_OFFSET + i * HISTOGRAM_BYTES, HISTOGRAM_BYTES >> 2)));
  return { f64: new Float64Array(sab, COUNTERS_OFFSET, F64_SLOTS), histograms };
}
