/**
 * How the gateway reads a venue answer's outcome, and its own final reasons.
 *
 * A final state's reason is 0 when the venue ended the order itself (filled,
 * cancelled, expired), the venue's error code (negative, errors.md) when it
 * refused the order, or a GatewayReason (positive) when the gateway ended it.
 */
import type { MessageDecoder } from './message-decoder.js';

export const GatewayReason = {
  NONE: 0,
  /** Unknown symbol index, a non-positive quantity or limit price (after rounding to the grid), a bad side or type. */
  BAD_ORDER: 1,
  QUEUE_FULL: 2,
  /** Waited longer than maxQueueAgeMs for the venue (disconnected, backing off). */
  STALE: 3,
  /** The venue never saw it after maxPlaceSends sends. */
  NOT_AT_VENUE: 4,
  /** Cancelled before it reached the venue. */
  CANCELED_LOCALLY: 5,
  /** The gateway stopped before it was sent. */
  STOPPED: 6,
} as const;

export const ERR_UNKNOWN_RESP = -1006;
export const ERR_TIMEOUT = -1007;
export const ERR_BUSY = -1008;
export const ERR_NEW_ORDER_REJECTED = -2010;
export const ERR_CANCEL_REJECTED = -2011;
export const ERR_NO_SUCH_ORDER = -2013;
const DUPLICATE = new TextEncoder().encode('Duplicate order sent.');

/**
 * The request may or may not have been executed (web-socket-api.md: 5xx "does not
 * necessarily mean that your request has failed"; errors.md -1006, -1007; -1008
 * SERVER_BUSY is taken the same way, as the safe side): only a query can tell.
 */
export function outcomeUnknown(d: MessageDecoder): boolean {
  return d.status >= 500 || d.errorCode === ERR_UNKNOWN_RESP || d.errorCode === ERR_TIMEOUT || d.errorCode === ERR_BUSY;
}

/** 429 (slow down) or 418 (banned): refused before the matching engine, nothing executed. */
export function rateRefused(d: MessageDecoder): boolean {
  return d.status === 429 || d.status === 418;
}

/** -2010 "Duplicate order sent.": the clientOrderId is in use by an open order (errors.md). */
export function duplicateRefused(d: MessageDecoder): boolean {
  if (d.errorCode !== ERR_NEW_ORDER_REJECTED || d.errorMsgEnd - d.errorMsgStart !== DUPLICATE.length) return false;
  for (let k = 0; k < DUPLICATE.length; k++) if (d.bytes[d.errorMsgStart + k] !== DUPLICATE[k]) return false;
  return true;
}
