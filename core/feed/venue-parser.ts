/**
 * What every venue parser offers the feed client: parse one message from the
 * bytes ws hands over, into a TickBatch, returning a Reason (OK or why the
 * whole message was refused). Parsers allocate nothing per message and never
 * throw on any input.
 */
import { Reason } from './feed-stats.js';
import { ScanError, skipValue, skipWs } from './json-scanner.js';
import type { Venue } from './symbol-map.js';
import type { TickBatch } from './tick-batch.js';

/** What a message parsed with Reason.OK was. */
export const MessageKind = {
  None: 0,
  /** Market data: batch.count items, each accepted or refused. */
  Ticks: 1,
  /** A venue heartbeat (Coinbase heartbeats channel, Kraken heartbeat channel). */
  Heartbeat: 2,
  /** A subscription acknowledgement. */
  Ack: 3,
  /** An application-level pong (Kraken). */
  Pong: 4,
  /** Other known, harmless messages (Kraken status). */
  Info: 5,
} as const;
export type MessageKind = (typeof MessageKind)[keyof typeof MessageKind];

export interface VenueParser {
  readonly venue: Venue;
  readonly batch: TickBatch;
  /** MessageKind of the last message parsed with Reason.OK. */
  readonly kind: number;
  /**
   * seq[0]: the last message's connection-wide sequence number (Coinbase
   * sequence_num), NaN when it carried none. A typed array, so that reading
   * it never boxes a double.
   */
  readonly seq: Float64Array;
  /** Parses b[start..end). Returns Reason.OK or the reason the whole message is refused. */
  parse(b: Uint8Array, start: number, end: number): number;
}

/** A parser's own scan error: a key it must compare holds an escape. */
export const KEY_ESCAPED = -4;
/** Status of a message-level member the message did not carry. */
export const ABSENT = -1;

/** Reason for a negative scan result. */
export function scanFailure(code: number): number {
  switch (code) {
    case ScanError.TRUNCATED:
      return Reason.TRUNCATED;
    case ScanError.TOO_DEEP:
      return Reason.TOO_DEEP;
    case KEY_ESCAPED:
      return Reason.ESCAPED_STRING;
    default:
      return Reason.MALFORMED;
  }
}

/** Default batch size: the most ticks one message may carry (more are counted as BATCH_OVERFLOW). */
export const DEFAULT_BATCH_CAPACITY = 256;

/**
 * Where a message's top-level object starts: the index of its '{', or, when
 * the message is not an object, -1 - the reason to refuse it (TRUNCATED;
 * UNKNOWN_MESSAGE for any other well-formed JSON value; MALFORMED or the
 * scanner's failure otherwise). Every venue's general scanner starts here.
 */
export function topLevelObject(b: Uint8Array, start: number, end: number): number {
  let i = skipWs(b, start, end);
  if (i >= end) return -1 - Reason.TRUNCATED;
  if (b[i] === 0x7b) return i;
  i = skipValue(b, i, end);
  if (i < 0) return -1 - scanFailure(i);
  return -1 - (skipWs(b, i, end) === end ? Reason.UNKNOWN_MESSAGE : Reason.MALFORMED);
}
