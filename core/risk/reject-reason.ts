/**
 * Decision codes carried in Decision frames. 0 is ACCEPTED; every other code is
 * one reason for rejecting an order, counted separately in the metrics.
 * Codes are stable: they appear in logs and JSON metrics by name.
 */
export const Reason = {
  ACCEPTED: 0,
  UNKNOWN_SYMBOL: 1,
  SYMBOL_NOT_TRADING: 2,
  PRICE_INVALID: 3,
  PRICE_OFF_TICK: 4,
  QTY_INVALID: 5,
  QTY_OFF_STEP: 6,
  QTY_BELOW_MIN: 7,
  QTY_ABOVE_MAX: 8,
  NOTIONAL_ABOVE_MAX: 9,
  PRICE_OUTSIDE_COLLAR: 10,
  NO_REFERENCE_PRICE: 11,
  MARKET_DATA_STALE: 12,
  DUPLICATE_CLIENT_ID: 13,
  OPEN_ORDER_TABLE_FULL: 14,
  BACKPRESSURE: 15,
  TRADING_HALTED: 16,
  REDUCE_ONLY_MODE: 17,
  CIRCUIT_OPEN: 18,
  RATE_LIMITED: 19,
  SYMBOL_DISABLED: 20,
  POSITION_LIMIT: 21,
  OPEN_ORDERS_LIMIT: 22,
  OPEN_NOTIONAL_LIMIT: 23,
  GROSS_EXPOSURE_LIMIT: 24,
  DAILY_LOSS_LIMIT: 25,
  SELF_TRADE: 26,
  REDUCE_ONLY_VIOLATION: 27,
  VAR_LIMIT: 28,
} as const;
export type Reason = (typeof Reason)[keyof typeof Reason];

/** Room for the codes later check lists add; counters are sized by this. */
export const REASON_SLOTS = 64;

export const REASON_NAMES: readonly string[] = (() => {
  const names: string[] = [];
  for (const [name, code] of Object.entries(Reason)) names[code] = name;
  return names;
})();

export function reasonName(code: number): string {
  return REASON_NAMES[code] ?? `REASON_${code}`;
}
