/**
 * The state of one order at the venue as the gateway knows it, and which
 * moves between states are allowed.
 *
 *                 submit
 *                   │ (queued until the session is ready and the budget allows)
 *                   ▼
 *   ┌──────────► SUBMITTED ──── refused (-2010, -1013 ...) ──────────► REJECTED
 *   │ retry         │  ack NEW / TRADE
 *   │ (same id)     ▼
 *   │            ACCEPTED ──► PARTIALLY_FILLED ──► FILLED
 *   │               │               │
 *   │               └── cancel ─────┴──► PENDING_CANCEL ──► CANCELED
 *   │                                                      (or FILLED, EXPIRED if the venue got there first)
 *   │   timeout, 5xx, -1007, lost response, connection dropped with the request in flight:
 *   │   SUBMITTED / PENDING_CANCEL ──► UNKNOWN ── order.status ──► whatever the venue says
 *   └───────────────────────────────  UNKNOWN ── -2013 after recvWindow (the venue never saw it)
 *
 * Terminal states: FILLED, CANCELED, REJECTED, EXPIRED. A terminal state is
 * entered once; any later transition is refused (idempotent: a duplicated
 * or late report changes nothing), so every order gets exactly one final.
 */

export const OrderState = {
  SUBMITTED: 0,
  ACCEPTED: 1,
  PARTIALLY_FILLED: 2,
  FILLED: 3,
  PENDING_CANCEL: 4,
  CANCELED: 5,
  REJECTED: 6,
  EXPIRED: 7,
  UNKNOWN: 8,
} as const;
export type OrderState = (typeof OrderState)[keyof typeof OrderState];

export const ORDER_STATE_NAMES: readonly string[] = Object.keys(OrderState);

export function isFinal(s: OrderState): boolean {
  return s === OrderState.FILLED || s === OrderState.CANCELED || s === OrderState.REJECTED || s === OrderState.EXPIRED;
}

/** Live at the venue: may still trade. */
export function isOpen(s: OrderState): boolean {
  return s === OrderState.ACCEPTED || s === OrderState.PARTIALLY_FILLED || s === OrderState.PENDING_CANCEL;
}

/** Allowed moves, from -> bit set of targets. Staying in place is always allowed (a repeated report). */
const ALLOWED: number[] = [];
function allow(from: OrderState, ...to: OrderState[]): void {
  let m = 0;
  for (const t of to) m |= 1 << t;
  ALLOWED[from] = m;
}
const S = OrderState;
allow(S.SUBMITTED, S.ACCEPTED, S.PARTIALLY_FILLED, S.FILLED, S.CANCELED, S.REJECTED, S.EXPIRED, S.UNKNOWN);
allow(S.ACCEPTED, S.PARTIALLY_FILLED, S.FILLED, S.PENDING_CANCEL, S.CANCELED, S.EXPIRED, S.UNKNOWN);
allow(S.PARTIALLY_FILLED, S.FILLED, S.PENDING_CANCEL, S.CANCELED, S.EXPIRED, S.UNKNOWN);
// A refused cancel (-2011 while the order still lives) returns it to ACCEPTED / PARTIALLY_FILLED.
allow(S.PENDING_CANCEL, S.ACCEPTED, S.PARTIALLY_FILLED, S.FILLED, S.CANCELED, S.EXPIRED, S.UNKNOWN);
// The venue's answer to order.status, or SUBMITTED again for a retry of an order the venue never saw.
allow(S.UNKNOWN, S.SUBMITTED, S.ACCEPTED, S.PARTIALLY_FILLED, S.FILLED, S.PENDING_CANCEL, S.CANCELED, S.REJECTED, S.EXPIRED);
for (const f of [S.FILLED, S.CANCELED, S.REJECTED, S.EXPIRED]) ALLOWED[f] = 0;

export function canTransition(from: OrderState, to: OrderState): boolean {
  return from === to ? !isFinal(from) : (ALLOWED[from] & (1 << to)) !== 0;
}
