/**
 * The venue's order records and how they are written in responses and in
 * executionReport events (rest-api.md "New order", "Query order";
 * user-data-stream.md "Order Update"). Prices and quantities are kept in
 * ticks and steps (see order-book.ts) and written with 8 decimals, as the
 * venue writes them.
 */
import { formatAmount, formatUnits } from './decimal.js';
import type { Side } from './order-book.js';

export type OrderType = 'LIMIT' | 'MARKET' | 'LIMIT_MAKER';
export type TimeInForce = 'GTC' | 'IOC' | 'FOK';
export type OrderStatus = 'NEW' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELED' | 'REJECTED' | 'EXPIRED';
export type ExecutionType = 'NEW' | 'TRADE' | 'CANCELED' | 'REJECTED' | 'EXPIRED';
export type RejectReason = 'NONE' | 'INSUFFICIENT_BALANCES' | 'WOULD_MATCH_IMMEDIATELY';

export interface Fill {
  tradeId: number;
  /** Ticks and steps. */
  price: number;
  qty: number;
  quoteQty: number;
  commission: number;
  commissionAsset: string;
  maker: boolean;
  time: number;
}

export interface VenueOrder {
  readonly symbol: string;
  readonly orderId: number;
  readonly clientOrderId: string;
  readonly account: string;
  readonly side: Side;
  readonly type: OrderType;
  readonly timeInForce: TimeInForce;
  /** Ticks; 0 for MARKET. */
  readonly price: number;
  /** Steps; for a quote-quantity MARKET order, what it could buy or sell at most. */
  readonly origQty: number;
  readonly origQuoteOrderQty: number;
  executedQty: number;
  cumQuote: number;
  status: OrderStatus;
  readonly time: number;
  updateTime: number;
  /** When it started working (accepted: all orders here work at once, no triggers). */
  readonly workingTime: number;
  fills: Fill[];
  /** Still reserved for the order, in the asset it spends (quote for BUY, base for SELL). */
  locked: number;
  expiryReason?: 'UNFILLED_IOC_QUANTITY_EXPIRED' | 'UNFILLED_FOK_ORDER_EXPIRED' | 'INSUFFICIENT_LIQUIDITY';
}

/** How a symbol's ticks and steps become decimals. */
export interface Units {
  /** 1e-8 units per tick / per step. */
  tickUnits: number;
  stepUnits: number;
}

export const isOpen = (o: VenueOrder) => o.status === 'NEW' || o.status === 'PARTIALLY_FILLED';

export const priceText = (u: Units, ticks: number) => formatUnits(ticks * u.tickUnits);
export const qtyText = (u: Units, steps: number) => formatUnits(steps * u.stepUnits);

/** The RESULT response of order placement and the shared head of query/cancel answers. */
function common(o: VenueOrder) {
  return {
    symbol: o.symbol,
    orderId: o.orderId,
    orderListId: -1,
    clientOrderId: o.clientOrderId,
  };
}

function body(o: VenueOrder, u: Units) {
  return {
    price: priceText(u, o.price),
    origQty: qtyText(u, o.origQty),
    executedQty: qtyText(u, o.executedQty),
    origQuoteOrderQty: formatAmount(o.origQuoteOrderQty),
    cummulativeQuoteQty: formatAmount(o.cumQuote),
    status: o.status,
    timeInForce: o.timeInForce,
    type: o.type,
    side: o.side,
  };
}

export type RespType = 'ACK' | 'RESULT' | 'FULL';

/** POST /api/v3/order and order.place. `fills` are the ones this request made. */
export function placeResponse(o: VenueOrder, u: Units, respType: RespType, fills: readonly Fill[]): Record<string, unknown> {
  const ack = { ...common(o), transactTime: o.time };
  if (respType === 'ACK') return ack;
  const result: Record<string, unknown> = { ...ack, ...body(o, u), workingTime: o.workingTime, selfTradePreventionMode: 'NONE' };
  if (o.expiryReason) result.expiryReason = o.expiryReason;
  if (respType === 'RESULT') return result;
  result.fills = fills.map((f) => ({
    price: priceText(u, f.price),
    qty: qtyText(u, f.qty),
    commission: formatAmount(f.commission),
    commissionAsset: f.commissionAsset,
    tradeId: f.tradeId,
  }));
  return result;
}

/** GET /api/v3/order, openOrders, order.status. */
export function queryResponse(o: VenueOrder, u: Units): Record<string, unknown> {
  const r: Record<string, unknown> = {
    ...common(o),
    ...body(o, u),
    stopPrice: '0.00000000',
    icebergQty: '0.00000000',
    time: o.time,
    updateTime: o.updateTime,
    isWorking: true,
    workingTime: o.workingTime,
    selfTradePreventionMode: 'NONE',
  };
  if (o.expiryReason) r.expiryReason = o.expiryReason;
  return r;
}

/** DELETE /api/v3/order, order.cancel. */
export function cancelResponse(o: VenueOrder, u: Units, cancelId: string, transactTime: number): Record<string, unknown> {
  return {
    symbol: o.symbol,
    origClientOrderId: o.clientOrderId,
    orderId: o.orderId,
    orderListId: -1,
    clientOrderId: cancelId,
    transactTime,
    ...body(o, u),
    selfTradePreventionMode: 'NONE',
  };
}

export interface Execution {
  order: VenueOrder;
  type: ExecutionType;
  fill?: Fill;
  rejectReason?: RejectReason;
  /** For CANCELED: the cancel request's id (c), the order's own goes to C. */
  cancelId?: string;
  time: number;
  executionId: number;
}

/** The executionReport event (user-data-stream.md, "Order Update"). */
export function executionReport(x: Execution, u: Units): Record<string, unknown> {
  const o = x.order;
  const f = x.fill;
  const ev: Record<string, unknown> = {
    e: 'executionReport',
    E: x.time,
    s: o.symbol,
    c: x.cancelId ?? o.clientOrderId,
    S: o.side,
    o: o.type,
    f: o.timeInForce,
    q: qtyText(u, o.origQty),
    p: priceText(u, o.price),
    P: '0.00000000',
    F: '0.00000000',
    g: -1,
    C: x.cancelId !== undefined ? o.clientOrderId : '',
    x: x.type,
    X: o.status,
    r: x.rejectReason ?? 'NONE',
    i: o.orderId,
    l: f ? qtyText(u, f.qty) : '0.00000000',
    z: qtyText(u, o.executedQty),
    L: f ? priceText(u, f.price) : '0.00000000',
    n: f ? formatAmount(f.commission) : '0',
    N: f ? f.commissionAsset : null,
    T: f ? f.time : x.time,
    t: f ? f.tradeId : -1,
    I: x.executionId,
    w: isOpen(o) && o.type !== 'MARKET' && o.timeInForce === 'GTC',
    m: f ? f.maker : false,
    M: false,
    O: o.time,
    Z: formatAmount(o.cumQuote),
    Y: f ? formatAmount(f.quoteQty) : '0.00000000',
    Q: formatAmount(o.origQuoteOrderQty),
    W: o.workingTime,
    V: 'NONE',
  };
  if (x.type === 'EXPIRED' && o.expiryReason) ev.eR = o.expiryReason;
  return ev;
}
