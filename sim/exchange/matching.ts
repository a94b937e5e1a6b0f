/**
 * The matching engine: one price-time book per symbol (order-book.ts) around
 * the simulator's own seeded price path. Every `stepMs` the mid moves
 * (a geometric random walk) and the synthetic liquidity is withdrawn and
 * placed again around it, the new synthetic levels entering as takers: a
 * resting client order the market has moved through is filled then, at its
 * own price, as the maker. Client orders match the book (and each other) on
 * arrival: LIMIT GTC/IOC/FOK, LIMIT_MAKER and MARKET (by quantity or by
 * quote quantity), partial fills across levels, the rest resting or expiring
 * as its timeInForce says. Every state change is reported to `onExecution`
 * synchronously, in the venue's order (NEW, then TRADEs, then EXPIRED), so a
 * listener that formats at once sees each state as it was.
 */
import type { Scheduler, TimerId } from '../../core/clock/scheduler.js';
import { Prng } from '../../core/random/prng.js';
import { Accounts } from './accounts.js';
import { SCALE } from './decimal.js';
import { badSymbol, cancelRejected, eitherParam, filterFailure, newOrderRejected, noSuchOrder } from './errors.js';
import { OrderBook, type BookEntry, type Match, type Side } from './order-book.js';
import { isOpen, type Execution, type Fill, type OrderType, type RejectReason, type TimeInForce, type Units, type VenueOrder } from './orders.js';
import type { SymbolSpec, VenueOptions } from './sim-options.js';

/** A new order, its decimals already parsed into 1e-8 units (decimal.ts). */
export interface PlaceRequest {
  symbol: string;
  side: Side;
  type: OrderType;
  timeInForce?: TimeInForce;
  quantity?: number;
  quoteOrderQty?: number;
  price?: number;
  newClientOrderId?: string;
}

export interface OrderRef {
  symbol: string;
  orderId?: number;
  origClientOrderId?: string;
}

export interface Market extends Units {
  readonly spec: SymbolSpec;
  readonly book: OrderBook<VenueOrder>;
  mid: number;
}

const ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export class MatchingEngine {
  readonly markets = new Map<string, Market>();
  readonly accounts: Accounts;
  onExecution: (account: string, x: Execution) => void = () => {};
  private readonly prng: Prng;
  private readonly entries = new Map<number, BookEntry<VenueOrder>>();
  private readonly byClientId = new Map<string, Map<string, VenueOrder[]>>();
  private readonly open = new Map<string, Map<string, VenueOrder>>();
  private readonly byId = new Map<number, VenueOrder>();
  private nextOrderId = 1;
  private nextTradeId = 1;
  private nextExecutionId = 1;
  private timer: TimerId | null = null;

  constructor(
    readonly options: VenueOptions,
    private readonly clock: Scheduler,
  ) {
    this.prng = new Prng(options.seed);
    const priceOf = new Map<string, number>();
    this.accounts = new Accounts((asset) => options.startingQuoteValue / (priceOf.get(asset) ?? 1));
    for (const spec of options.symbols) {
      const m: Market = {
        spec,
        book: new OrderBook(),
        mid: spec.price,
        tickUnits: Math.round(spec.tickSize * SCALE),
        stepUnits: Math.round(spec.stepSize * SCALE),
      };
      this.markets.set(spec.symbol, m);
      priceOf.set(spec.baseAsset, spec.price);
      this.refresh(m);
    }
  }

  /** Starts the price path: each step moves every symbol's mid and refreshes its synthetic book (also at volatility 0, so taken liquidity comes back). */
  start(): void {
    if (this.timer !== null) return;
    const tick = () => {
      for (const m of this.markets.values()) {
        m.mid = Math.max(m.spec.tickSize * 4 * this.options.halfSpreadTicks, m.mid * Math.exp(this.options.volatility * this.prng.normal()));
        this.refresh(m);
      }
      this.timer = this.clock.after(this.options.stepMs, tick);
    };
    this.timer = this.clock.after(this.options.stepMs, tick);
  }

  stop(): void {
    if (this.timer !== null) this.clock.cancel(this.timer);
    this.timer = null;
  }

  /** Moves a symbol's mid (a feed's price, a test's) and refreshes its synthetic book around it at once. */
  moveMid(symbol: string, mid: number): void {
    const m = this.market(symbol);
    m.mid = mid;
    this.refresh(m);
  }

  market(symbol: string): Market {
    const m = this.markets.get(symbol);
    if (!m) throw badSymbol();
    return m;
  }

  /**
   * Checks a new order against its symbol's filters, balance and open
   * clientOrderIds, without changing anything; returns a function that
   * accepts and executes it. The venue counts the order against ORDERS in
   * between, so an order refused by its filters is not counted.
   */
  prepare(account: string, r: PlaceRequest): () => { order: VenueOrder; fills: Fill[] } {
    const m = this.market(r.symbol);
    const s = m.spec;
    let price = 0;
    if (r.type !== 'MARKET') {
      const p = r.price!;
      if (p % m.tickUnits !== 0 || p < m.tickUnits || p > 1_000_000_000 * SCALE) throw filterFailure('PRICE_FILTER');
      price = p / m.tickUnits;
    }
    let steps: number;
    let quoteBudget = 0;
    if (r.quantity !== undefined) {
      if (r.quantity % m.stepUnits !== 0 || r.quantity < s.minQty * SCALE - 0.5 || r.quantity > s.maxQty * SCALE + 0.5) throw filterFailure('LOT_SIZE');
      steps = r.quantity / m.stepUnits;
    } else if (r.quoteOrderQty !== undefined && r.type === 'MARKET') {
      quoteBudget = r.quoteOrderQty / SCALE;
      steps = this.stepsForQuote(m, r.side, quoteBudget);
      if (steps === 0) throw newOrderRejected('Order book liquidity is less than symbol minimum quantity.');
    } else throw eitherParam('quantity', 'quoteOrderQty');
    const notional = (r.type === 'MARKET' ? m.mid : price * s.tickSize) * steps * s.stepSize;
    if (quoteBudget === 0 && (notional < s.minNotional || (r.type !== 'MARKET' && notional > s.maxNotional))) throw filterFailure('NOTIONAL');
    const clientOrderId = r.newClientOrderId ?? this.newClientId();
    if (this.open.get(account)?.has(clientOrderId)) throw newOrderRejected('Duplicate order sent.');
    const tif: TimeInForce = r.timeInForce ?? 'GTC';
    return () => this.execute(account, m, r.side, r.type, tif, price, steps, quoteBudget, clientOrderId);
  }

  cancel(account: string, ref: OrderRef, cancelId: string): { order: VenueOrder; time: number } {
    const o = this.find(account, ref);
    if (!o || !isOpen(o)) throw cancelRejected('Unknown order sent.');
    const now = this.now();
    const m = this.market(o.symbol);
    const entry = this.entries.get(o.orderId);
    if (entry) m.book.remove(o.side, o.price, entry);
    o.status = 'CANCELED';
    o.updateTime = now;
    this.close(o, m);
    this.emit(o, 'CANCELED', { cancelId });
    return { order: o, time: now };
  }

  query(account: string, ref: OrderRef): VenueOrder {
    const o = this.find(account, ref);
    if (!o) throw noSuchOrder();
    return o;
  }

  openOrders(account: string, symbol?: string): VenueOrder[] {
    const all = [...(this.open.get(account)?.values() ?? [])].sort((a, b) => a.orderId - b.orderId);
    return symbol === undefined ? all : all.filter((o) => o.symbol === symbol);
  }

  /** Every order `account` ever had accepted, by clientOrderId, oldest first. */
  ordersByClientId(account: string): ReadonlyMap<string, readonly VenueOrder[]> {
    return this.byClientId.get(account) ?? new Map();
  }

  private find(account: string, ref: OrderRef): VenueOrder | undefined {
    let o: VenueOrder | undefined;
    if (ref.orderId !== undefined) {
      o = this.byId.get(ref.orderId);
      if (o && ref.origClientOrderId !== undefined && o.clientOrderId !== ref.origClientOrderId) return undefined;
    } else if (ref.origClientOrderId !== undefined) {
      const list = this.byClientId.get(account)?.get(ref.origClientOrderId);
      o = list?.[list.length - 1];
    }
    return o && o.account === account && o.symbol === ref.symbol ? o : undefined;
  }

  private execute(
    account: string,
    m: Market,
    side: Side,
    type: OrderType,
    tif: TimeInForce,
    price: number,
    steps: number,
    quoteBudget: number,
    clientOrderId: string,
  ): { order: VenueOrder; fills: Fill[] } {
    const now = this.now();
    const s = m.spec;
    const limit = type === 'MARKET' ? null : price;
    const order: VenueOrder = {
      symbol: s.symbol,
      orderId: this.nextOrderId++,
      clientOrderId,
      account,
      side,
      type,
      timeInForce: tif,
      price,
      origQty: steps,
      origQuoteOrderQty: quoteBudget,
      executedQty: 0,
      cumQuote: 0,
      status: 'NEW',
      time: now,
      updateTime: now,
      workingTime: now,
      fills: [],
      locked: 0,
    };
    // What the order may spend: quote for a BUY (its limit, or what the book would cost a MARKET), base for a SELL.
    const reserve =
      side === 'SELL'
        ? steps * s.stepSize
        : type === 'MARKET'
          ? m.book.reach('BUY', null, steps).cost * s.tickSize * s.stepSize
          : price * s.tickSize * steps * s.stepSize;
    const crosses = type === 'LIMIT_MAKER' && m.book.reach(side, price, 1).steps > 0;
    if (crosses || !this.accounts.reserve(account, side === 'BUY' ? s.quoteAsset : s.baseAsset, reserve, now)) {
      const reason: RejectReason = crosses ? 'WOULD_MATCH_IMMEDIATELY' : 'INSUFFICIENT_BALANCES';
      order.status = 'REJECTED';
      this.emit(order, 'REJECTED', { rejectReason: reason });
      throw newOrderRejected(crosses ? 'Order would immediately match and take.' : 'Account has insufficient balance for requested action.');
    }
    order.locked = reserve;
    this.record(order);
    this.emit(order, 'NEW', {});
    const fills: Fill[] = [];
    if (tif === 'FOK' && m.book.reach(side, limit, steps).steps < steps) {
      order.expiryReason = 'UNFILLED_FOK_ORDER_EXPIRED';
    } else {
      for (const match of m.book.take(side, limit, steps)) {
        const tradeId = this.nextTradeId++;
        this.makerFill(m, match, tradeId, now);
        fills.push(this.fill(m, order, match.price, match.qty, false, tradeId, now));
      }
    }
    if (order.status === 'FILLED') return { order, fills };
    if (type === 'MARKET' || tif !== 'GTC') {
      order.status = 'EXPIRED';
      order.expiryReason ??= type === 'MARKET' ? 'INSUFFICIENT_LIQUIDITY' : 'UNFILLED_IOC_QUANTITY_EXPIRED';
      order.updateTime = now;
      this.close(order, m);
      this.emit(order, 'EXPIRED', {});
    } else {
      const entry: BookEntry<VenueOrder> = { qty: steps - order.executedQty, owner: order };
      this.entries.set(order.orderId, entry);
      m.book.rest(side, price, entry);
    }
    return { order, fills };
  }

  /** A match's fill of the resting order, when it is a client's (synthetic liquidity has no one to tell). */
  private makerFill(m: Market, match: Match<VenueOrder>, tradeId: number, now: number): void {
    if (match.entry.owner) this.fill(m, match.entry.owner, match.price, match.qty, true, tradeId, now);
  }

  private fill(m: Market, o: VenueOrder, price: number, steps: number, maker: boolean, tradeId: number, now: number): Fill {
    const s = m.spec;
    const baseQty = steps * s.stepSize;
    const quoteQty = price * s.tickSize * baseQty;
    const rate = maker ? this.options.makerCommission : this.options.takerCommission;
    const buy = o.side === 'BUY';
    const commission = buy ? baseQty * rate : quoteQty * rate;
    const f: Fill = { tradeId, price, qty: steps, quoteQty, commission, commissionAsset: buy ? s.baseAsset : s.quoteAsset, maker, time: now };
    o.executedQty += steps;
    o.cumQuote += quoteQty;
    o.fills.push(f);
    o.updateTime = now;
    const spent = buy ? quoteQty : baseQty;
    o.locked -= spent;
    this.accounts.settle(o.account, buy ? s.quoteAsset : s.baseAsset, spent, buy ? s.baseAsset : s.quoteAsset, (buy ? baseQty : quoteQty) - commission, now);
    o.status = o.executedQty >= o.origQty ? 'FILLED' : 'PARTIALLY_FILLED';
    if (o.status === 'FILLED') this.close(o, m);
    this.emit(o, 'TRADE', { fill: f });
    return f;
  }

  /** An order that ended: off the open set and the book index, its reservation returned. */
  private close(o: VenueOrder, m: Market): void {
    this.open.get(o.account)?.delete(o.clientOrderId);
    this.entries.delete(o.orderId);
    if (o.locked !== 0) this.accounts.release(o.account, o.side === 'BUY' ? m.spec.quoteAsset : m.spec.baseAsset, o.locked, o.updateTime);
    o.locked = 0;
  }

  private record(o: VenueOrder): void {
    let ids = this.byClientId.get(o.account);
    if (!ids) this.byClientId.set(o.account, (ids = new Map()));
    const list = ids.get(o.clientOrderId);
    if (list) list.push(o);
    else ids.set(o.clientOrderId, [o]);
    let open = this.open.get(o.account);
    if (!open) this.open.set(o.account, (open = new Map()));
    open.set(o.clientOrderId, o);
    this.byId.set(o.orderId, o);
  }

  private emit(order: VenueOrder, type: Execution['type'], extra: Partial<Execution>): void {
    this.onExecution(order.account, { order, type, time: this.now(), executionId: this.nextExecutionId++, ...extra });
  }

  /** Steps a quote-quantity MARKET order reaches: as many as `budget` buys (BUY) or as are needed to receive it (SELL), best levels first. */
  private stepsForQuote(m: Market, side: Side, budget: number): number {
    const unit = m.spec.tickSize * m.spec.stepSize;
    let left = budget / unit;
    let steps = 0;
    for (const [price, qty] of m.book.depth(side === 'BUY' ? 'SELL' : 'BUY', Number.MAX_SAFE_INTEGER)) {
      const s = Math.min(qty, Math.floor(left / price + 1e-9));
      steps += s;
      left -= s * price;
      if (s < qty) break;
    }
    return steps;
  }

  /** Withdraws the synthetic book and places it again around the mid; new levels that cross resting client orders fill them. */
  private refresh(m: Market): void {
    const o = this.options;
    m.book.clearSynthetic();
    const now = this.now();
    const mid = m.mid / m.spec.tickSize;
    const bidTop = Math.max(1, Math.floor(mid) - (o.halfSpreadTicks - 1));
    const askTop = Math.floor(mid) + o.halfSpreadTicks;
    const place = (side: Side, price: number) => {
      const base = o.levelNotional / (price * m.spec.tickSize) / m.spec.stepSize;
      let steps = Math.max(1, Math.round(base * (0.5 + this.prng.next())));
      for (const match of m.book.take(side, price, steps)) {
        this.makerFill(m, match, this.nextTradeId++, now);
        steps -= match.qty;
      }
      if (steps > 0) m.book.rest(side, price, { qty: steps, owner: null });
    };
    for (let i = 0; i < o.depthLevels; i++) place('SELL', askTop + i);
    for (let i = 0; i < o.depthLevels && bidTop - i >= 1; i++) place('BUY', bidTop - i);
  }

  /** Whole milliseconds, as the venue stamps everything. */
  private now(): number {
    return Math.floor(this.clock.nowMs());
  }

  private newClientId(): string {
    let id = '';
    for (let i = 0; i < 22; i++) id += ID_CHARS[this.prng.below(ID_CHARS.length)];
    return id;
  }
}
