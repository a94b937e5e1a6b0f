/**
 * Feed reject reasons and the feed's counters.
 *
 * The counters are one Float64Array, optionally over a caller's
 * (Shared)ArrayBuffer so that a metrics reporter on another thread can read
 * them. Layout (byte offsets; 8 bytes per slot):
 *
 *   0          8          16         24         32         40         48         56         64
 *   +----------+----------+----------+----------+----------+----------+----------+----------+
 *   | messages | bytes    | ticks    | rejected | gaps     |reconnects|staleEvts |heartbeats|
 *   +----------+----------+----------+----------+----------+----------+----------+----------+
 *   | controls | pings    | pongs    | connects | (unused: 4 slots)                         |  64..127
 *   +----------+----------+----------+----------+-------------------------------------------+
 *   | reject count by Reason code: slot 16 + reason (Reason.OK's slot is unused)             |  128..
 *   +---------------------------------------------------------------------------------------+
 *
 * Owner: the feed client's thread (main) is the only writer, with plain
 * writes. Invariant: every slot only grows; rejected = sum of the reason
 * slots. Readers on other threads may see a count late (no Atomics: these
 * are statistics) and, per the JS memory model, a Float64 read racing a
 * write is not guaranteed tear-free; read them from the writer's thread when
 * exact values matter.
 */

/** Why a message, or one tick of it, was refused. 0 = accepted. */
export const Reason = {
  OK: 0,
  /** Not JSON. */
  MALFORMED: 1,
  /** JSON that ends before its value does. */
  TRUNCATED: 2,
  /** Nesting deeper than the scanner's stack (JSON.parse would accept it). */
  TOO_DEEP: 3,
  /** A binary WebSocket frame: every venue here sends text. */
  BINARY_FRAME: 4,
  /** Larger than maxPayload: ws closes the connection (1009). */
  OVERSIZED: 5,
  /** Valid JSON that is no message of this venue we know. */
  UNKNOWN_MESSAGE: 6,
  /** The venue answered with an error (bad subscription, ...). */
  VENUE_ERROR: 7,
  MISSING_FIELD: 8,
  /** A field of the wrong JSON type (a price as an object, a symbol as a number, ...). */
  WRONG_TYPE: 9,
  /** A key or a field whose bytes carry a JSON escape: compared as raw bytes, so refused. */
  ESCAPED_STRING: 10,
  /** A numeric string that is not a JSON number ("abc", "1.", " 1", "0x10"). */
  BAD_NUMBER: 11,
  /** NaN, Infinity, or a number that overflows a double. */
  NOT_FINITE: 12,
  /** A price <= 0. */
  NON_POSITIVE_PRICE: 13,
  /** A negative quantity, or a trade of zero quantity. */
  BAD_QUANTITY: 14,
  UNKNOWN_SYMBOL: 15,
  /** A book side with zero quantity: no reference price. */
  ZERO_BOOK: 16,
  /** bid >= ask. */
  CROSSED_BOOK: 17,
  /** A sequence number at or below the last one seen (duplicate or replay). */
  OUT_OF_ORDER: 18,
  /** More ticks in one message than the parser's batch holds. */
  BATCH_OVERFLOW: 19,
} as const;
export type Reason = (typeof Reason)[keyof typeof Reason];

export const REASON_COUNT = 20;

/** Reason names by code, for logs and metrics. */
export const REASON_NAMES: readonly string[] = (() => {
  const names = new Array<string>(REASON_COUNT);
  for (const [name, code] of Object.entries(Reason)) names[code] = name;
  return names;
})();

/** Counter slots (Float64Array indices). */
export const FeedCounter = {
  /** WebSocket messages received (text and binary). */
  messages: 0,
  bytes: 1,
  /** Ticks handed to the TickSink. */
  ticks: 2,
  /** Messages or ticks refused, all reasons. */
  rejected: 3,
  /** Sequence gaps seen (Binance u/t, Coinbase sequence_num, Kraken trade_id). */
  gaps: 4,
  /** Connection attempts after the first. */
  reconnects: 5,
  /** Times the feed went silent for longer than staleMs. */
  staleEvents: 6,
  /** Venue heartbeat messages (Coinbase heartbeats, Kraken heartbeat). */
  heartbeats: 7,
  /** Acks, status and pong messages. */
  controls: 8,
  /** WebSocket ping frames received from the server. */
  pings: 9,
  /** WebSocket pong frames received for our pings. */
  pongs: 10,
  /** Connections opened. */
  connects: 11,
} as const;
export type FeedCounter = (typeof FeedCounter)[keyof typeof FeedCounter];

export const REASON_BASE = 16;
export const FEED_STATS_SLOTS = REASON_BASE + REASON_COUNT;
export const FEED_STATS_BYTES = FEED_STATS_SLOTS * 8;

export interface FeedStatsSnapshot {
  messages: number;
  bytes: number;
  ticks: number;
  rejected: number;
  gaps: number;
  reconnects: number;
  staleEvents: number;
  heartbeats: number;
  controls: number;
  pings: number;
  pongs: number;
  connects: number;
  /** Non-zero reject counts by reason name. */
  rejects: Record<string, number>;
}

export class FeedStats {
  readonly counts: Float64Array;

  constructor(buffer?: ArrayBuffer | SharedArrayBuffer, byteOffset = 0) {
    this.counts = buffer ? new Float64Array(buffer, byteOffset, FEED_STATS_SLOTS) : new Float64Array(FEED_STATS_SLOTS);
  }

  reject(reason: number, n = 1): void {
    this.counts[REASON_BASE + reason] += n;
    this.counts[FeedCounter.rejected] += n;
  }

  rejects(reason: number): number {
    return this.counts[REASON_BASE + reason];
  }

  get(counter: FeedCounter): number {
    return this.counts[counter];
  }

  /** A plain object of every counter (allocates: for reporters and tests, not the hot path). */
  snapshot(): FeedStatsSnapshot {
    const c = this.counts;
    const rejects: Record<string, number> = {};
    for (let r = 1; r < REASON_COUNT; r++) if (c[REASON_BASE + r] !== 0) rejects[REASON_NAMES[r]] = c[REASON_BASE + r];
    return {
      messages: c[FeedCounter.messages],
      bytes: c[FeedCounter.bytes],
      ticks: c[FeedCounter.ticks],
      rejected: c[FeedCounter.rejected],
      gaps: c[FeedCounter.gaps],
      reconnects: c[FeedCounter.reconnects],
      staleEvents: c[FeedCounter.staleEvents],
      heartbeats: c[FeedCounter.heartbeats],
      controls: c[FeedCounter.controls],
      pings: c[FeedCounter.pings],
      pongs: c[FeedCounter.pongs],
      connects: c[FeedCounter.connects],
      rejects,
    };
  }
}
