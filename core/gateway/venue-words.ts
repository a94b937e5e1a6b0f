/**
 * The words of the venue's messages as bytes, for MessageDecoder: member
 * keys, and the enum values (order status, execution type, rate limit type
 * and interval) with the numbers the gateway uses for them
 * (enums.md, web-socket-api.md "Rate limits", user-data-stream.md).
 */
import { fieldStatus, strEnd, strStart } from '../feed/field-reader.js';
import { Reason } from '../feed/feed-stats.js';
import { ascii, bytesAre } from '../feed/json-scanner.js';

export const MsgKind = {
  MALFORMED: -1,
  RESPONSE: 1,
  EXECUTION_REPORT: 2,
  SERVER_SHUTDOWN: 3,
  /** Any other event (outboundAccountPosition, balanceUpdate, eventStreamTerminated...). */
  OTHER_EVENT: 4,
} as const;

/** Order status (X / status), 0 = absent or unknown. */
export const VenueStatus = { NONE: 0, NEW: 1, PARTIALLY_FILLED: 2, FILLED: 3, CANCELED: 4, PENDING_CANCEL: 5, REJECTED: 6, EXPIRED: 7 } as const;
/** Execution type (x). */
export const ExecType = { NONE: 0, NEW: 1, TRADE: 2, CANCELED: 3, REJECTED: 4, EXPIRED: 5, OTHER: 6 } as const;
export const LimitType = { OTHER: 0, ORDERS: 1, REQUEST_WEIGHT: 2, RAW_REQUESTS: 3 } as const;

export const STATUS_WORDS: [Uint8Array, number][] = [
  [ascii('NEW'), VenueStatus.NEW],
  [ascii('PARTIALLY_FILLED'), VenueStatus.PARTIALLY_FILLED],
  [ascii('FILLED'), VenueStatus.FILLED],
  [ascii('CANCELED'), VenueStatus.CANCELED],
  [ascii('PENDING_CANCEL'), VenueStatus.PENDING_CANCEL],
  [ascii('REJECTED'), VenueStatus.REJECTED],
  [ascii('EXPIRED'), VenueStatus.EXPIRED],
  [ascii('EXPIRED_IN_MATCH'), VenueStatus.EXPIRED],
];
export const EXEC_WORDS: [Uint8Array, number][] = [
  [ascii('NEW'), ExecType.NEW],
  [ascii('TRADE'), ExecType.TRADE],
  [ascii('CANCELED'), ExecType.CANCELED],
  [ascii('REJECTED'), ExecType.REJECTED],
  [ascii('EXPIRED'), ExecType.EXPIRED],
];
export const LIMIT_WORDS: [Uint8Array, number][] = [
  [ascii('ORDERS'), LimitType.ORDERS],
  [ascii('REQUEST_WEIGHT'), LimitType.REQUEST_WEIGHT],
  [ascii('RAW_REQUESTS'), LimitType.RAW_REQUESTS],
];
export const INTERVAL_MS: [Uint8Array, number][] = [
  [ascii('SECOND'), 1000],
  [ascii('MINUTE'), 60_000],
  [ascii('HOUR'), 3_600_000],
  [ascii('DAY'), 86_400_000],
];

/** The number of the string just read (readString) in `table`, or `otherwise`. */
export function word(b: Uint8Array, table: [Uint8Array, number][], otherwise: number): number {
  if (fieldStatus !== Reason.OK) return otherwise;
  for (const [w, v] of table) if (bytesAre(b, strStart, strEnd, w)) return v;
  return otherwise;
}

export const K = {
  id: ascii('id'),
  status: ascii('status'),
  result: ascii('result'),
  error: ascii('error'),
  rateLimits: ascii('rateLimits'),
  event: ascii('event'),
  code: ascii('code'),
  msg: ascii('msg'),
  data: ascii('data'),
  retryAfter: ascii('retryAfter'),
  clientOrderId: ascii('clientOrderId'),
  origClientOrderId: ascii('origClientOrderId'),
  orderId: ascii('orderId'),
  executedQty: ascii('executedQty'),
  cummulativeQuoteQty: ascii('cummulativeQuoteQty'),
  origQty: ascii('origQty'),
  rateLimitType: ascii('rateLimitType'),
  interval: ascii('interval'),
  intervalNum: ascii('intervalNum'),
  limit: ascii('limit'),
  count: ascii('count'),
} as const;
export const EV_EXECUTION = ascii('executionReport');
export const EV_SHUTDOWN = ascii('serverShutdown');
