/**
 * The 64-byte frames that cross threads through the rings. One frame = one
 * ring slot. Every frame starts with the same 8-byte header; the remaining
 * 56 bytes depend on the kind. Frames are read and written in place through
 * an Int32Array and a Float64Array over the ring's buffer; `base` is the
 * slot's int32 index, so an int32 field is `i32[base + T.field]` and a
 * float64 field `f64[(base >> 1) + T.field]`. Each kind has a table of its
 * own (NewOrder.price, Decision.reason, Fill.time): the indices are derived
 * from the byte offsets below, never hand-numbered, and a field of one kind
 * is never read through another kind's name.
 *
 * Header (all kinds)
 *   0        4        8
 *   +--------+--------+
 *   | kind   | symbol |   kind: FrameKind; symbol: engine symbol id (-1 = none)
 *   +--------+--------+
 *
 * MarketTick (source or main -> worker)
 *   8 time       f64  ns, shared monotonic clock: when the tick was stamped (feed receive, generator write)
 *  16 bid        f64
 *  24 ask        f64
 *  32 last       f64  last trade price, NaN when the source carries none
 *  40 bidQty     f64
 *  48 askQty     f64
 *  56 exchSeq    f64  venue sequence / update id (integer, 0 when none)
 *
 * NewOrder (source -> worker)
 *   8 time       f64  ns, when the source wrote the order into the ring (its intended
 *                     send time stays with the source, which measures from it)
 *  16 clientId   f64  client order id (integer < 2^53, unique across sources)
 *  24 price      f64  limit price; 0 for a market order
 *  32 quantity   f64
 *  40 seq        i32  the source's sequence (exactly-once accounting), wraps
 *  44 side       i32  Side
 *  48 type       i32  OrderType
 *  52 flags      i32  OrderFlag bits
 *  56 account    i32
 *  60 venue      i32
 *
 * Decision (worker -> the order's source)
 *   8 time       f64  copied from the order
 *  16 clientId   f64
 *  24 price      f64  the order's price (market: the reference it was checked at)
 *  32 quantity   f64
 *  40 seq        i32  copied from the order
 *  44 side       i32
 *  48 reason     i32  RejectReason; 0 = ACCEPTED
 *  52 queuedNs   i32  ns the order waited in the ring: the worker's batch clock minus `time`
 *                     (clamped to [0, 2^31 - 1]); splits the latency into its hops
 *  56 account    i32
 *  60 venue      i32
 *
 * Fill (the venue -> worker; an execution report)
 *   8 time       f64  ns, when the venue executed it
 *  16 clientId   f64
 *  24 price      f64
 *  32 quantity   f64  filled quantity (0 = cancelled/expired, nothing filled)
 *  40 (unused)   i32
 *  44 side       i32
 *  48 leavesOpen i32  1 while the order stays live, 0 when it is done
 *  52..63 (unused)
 *
 * OrderFinal (the venue gateway -> the order's source; with --exchange sim|URL)
 *   8 time       f64  ns, when the gateway learned the final state
 *  16 clientId   f64
 *  32 filledQty  f64  the quantity the venue filled in all
 *  40 state      i32  FinalState
 *  44 reason     i32  0: the venue's own ending; < 0 the venue's error code; > 0 the gateway's reason
 *
 * Control (main <-> worker)
 *   8 time       f64  ns
 *  16 arg        f64  heartbeat sequence
 *  24 op         i32  ControlOp (header symbol: the symbol it concerns, or -1)
 */

export const FRAME_BYTES = 64;
export const FRAME_I32 = FRAME_BYTES >> 2;
export const FRAME_F64 = FRAME_BYTES >> 3;

/** Index of the int32 / float64 field at a byte offset in the frame. */
const i32At = (byte: number): number => byte >> 2;
const f64At = (byte: number): number => byte >> 3;

export const FrameKind = {
  Empty: 0,
  MarketTick: 1,
  NewOrder: 2,
  Decision: 3,
  Fill: 4,
  Control: 5,
  OrderFinal: 6,
} as const;

/** The one final state of an order sent to a venue (OrderFinal.state). */
export const FinalState = { FILLED: 0, CANCELED: 1, REJECTED: 2, EXPIRED: 3 } as const;
export type FinalState = (typeof FinalState)[keyof typeof FinalState];
export const FINAL_STATE_NAMES = ['FILLED', 'CANCELED', 'REJECTED', 'EXPIRED'] as const;
export type FrameKind = (typeof FrameKind)[keyof typeof FrameKind];

export const Side = { Buy: 1, Sell: -1 } as const;
export const OrderType = { Limit: 0, Market: 1 } as const;
export const OrderFlag = { ReduceOnly: 1, PostOnly: 2 } as const;
export const ControlOp = {
  /** main -> worker -> main: liveness probe, echoed with the same arg. */
  Heartbeat: 1,
  /** main -> worker: finish every ring, then exit. */
  Shutdown: 2,
  /** main -> worker: the feed for `symbol` went silent; its reference price is stale until the next tick. */
  MarketDataStale: 3,
} as const;

/** The header every kind shares (int32 indices). */
export const Frame = { kind: i32At(0), symbol: i32At(4) } as const;

export const MarketTick = {
  time: f64At(8),
  bid: f64At(16),
  ask: f64At(24),
  last: f64At(32),
  bidQty: f64At(40),
  askQty: f64At(48),
  exchSeq: f64At(56),
} as const;

export const NewOrder = {
  time: f64At(8),
  clientId: f64At(16),
  price: f64At(24),
  quantity: f64At(32),
  seq: i32At(40),
  side: i32At(44),
  type: i32At(48),
  flags: i32At(52),
  account: i32At(56),
  venue: i32At(60),
} as const;

export const Decision = {
  time: f64At(8),
  clientId: f64At(16),
  price: f64At(24),
  quantity: f64At(32),
  seq: i32At(40),
  side: i32At(44),
  reason: i32At(48),
  queuedNs: i32At(52),
  account: i32At(56),
  venue: i32At(60),
} as const;

export const Fill = {
  time: f64At(8),
  clientId: f64At(16),
  price: f64At(24),
  quantity: f64At(32),
  side: i32At(44),
  leavesOpen: i32At(48),
} as const;

export const OrderFinal = {
  time: f64At(8),
  clientId: f64At(16),
  filledQty: f64At(32),
  state: i32At(40),
  reason: i32At(44),
} as const;

export const Control = {
  time: f64At(8),
  arg: f64At(16),
  op: i32At(24),
} as const;
