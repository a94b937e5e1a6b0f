/**
 * The 64-byte frames that cross threads through the rings. One frame = one
 * ring slot. Every frame starts with the same 8-byte header; the remaining
 * 56 bytes are seven float64 or fourteen int32 fields depending on the kind.
 * Frames are read and written in place through an Int32Array and a
 * Float64Array over the ring's buffer: `base` is the slot's first byte,
 * `i32 = base >> 2`, `f64 = base >> 3`.
 *
 * Header (all kinds)
 *   0        4        8
 *   +--------+--------+
 *   | kind   | symbol |   kind: FrameKind; symbol: engine symbol id (-1 = none)
 *   +--------+--------+
 *
 * MarketTick (main -> worker)
 *   8 sendTime   f64  ns, monotonic clock, when main wrote the frame
 *  16 bid        f64
 *  24 ask        f64
 *  32 last       f64  last trade price, NaN when the source carries none
 *  40 bidQty     f64
 *  48 askQty     f64
 *  56 exchSeq    f64  venue sequence / update id (integer, 0 when none)
 *
 * NewOrder (main -> worker)
 *   8 intendedTime f64  ns, when the order was due to be sent (latency origin)
 *  16 clientId     f64  client order id (integer < 2^53)
 *  24 price        f64  limit price; 0 for a market order
 *  32 quantity     f64
 *  40 seq          i32  generator sequence (exactly-once accounting), wraps
 *  44 side         i32  Side
 *  48 type         i32  OrderType
 *  52 flags        i32  OrderFlag bits
 *  56 account      i32
 *  60 venue        i32
 *
 * Decision (worker -> main)
 *   8 intendedTime f64  copied from the order
 *  16 clientId     f64
 *  24 price        f64  the order's price (market: the reference it was checked at)
 *  32 quantity     f64
 *  40 seq          i32  copied from the order
 *  44 side         i32
 *  48 reason       i32  RejectReason; 0 = ACCEPTED
 *  52 worker       i32  id of the deciding worker
 *  56 account      i32
 *  60 venue        i32
 *
 * Fill (main -> worker; the exchange's execution report)
 *   8 time         f64  ns
 *  16 clientId     f64
 *  24 price        f64
 *  32 quantity     f64  filled quantity (0 = cancelled/expired, nothing filled)
 *  40 (unused)     i32
 *  44 side         i32
 *  48 leavesOpen   i32  1 while the order stays live, 0 when it is done
 *  52..63 (unused)
 *
 * Control (both ways)
 *   8 time         f64  ns
 *  16 arg          f64  heartbeat sequence
 *  24 op           i32  ControlOp (header symbol: the symbol it concerns, or -1)
 */

export const FRAME_BYTES = 64;
export const FRAME_I32 = FRAME_BYTES >> 2;
export const FRAME_F64 = FRAME_BYTES >> 3;

export const FrameKind = {
  Empty: 0,
  MarketTick: 1,
  NewOrder: 2,
  Decision: 3,
  Fill: 4,
  Control: 5,
} as const;
export type FrameKind = (typeof FrameKind)[keyof typeof FrameKind];

export const Side = { Buy: 1, Sell: -1 } as const;
export const OrderType = { Limit: 0, Market: 1 } as const;
export const OrderFlag = { ReduceOnly: 1, PostOnly: 2 } as const;
export const ControlOp = {
  /** main -> worker -> main: liveness probe, echoed with the same arg. */
  Heartbeat: 1,
  /** main -> worker: finish the ring, then exit. */
  Shutdown: 2,
  /** main -> worker: the feed for `symbol` went silent; its reference price is stale until the next tick. */
  MarketDataStale: 3,
} as const;

/** int32 offsets from the slot's first int32 (`base >> 2`). */
export const I32 = {
  kind: 0,
  symbol: 1,
  seq: 10,
  side: 11,
  type: 12,
  reason: 12,
  leavesOpen: 12,
  flags: 13,
  worker: 13,
  account: 14,
  venue: 15,
  op: 6,
} as const;

/** float64 offsets from the slot's first float64 (`base >> 3`). */
export const F64 = {
  time: 1,
  bid: 2,
  ask: 3,
  last: 4,
  bidQty: 5,
  askQty: 6,
  exchSeq: 7,
  clientId: 2,
  price: 3,
  quantity: 4,
  arg: 2,
} as const;
