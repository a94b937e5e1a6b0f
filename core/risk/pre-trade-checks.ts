/**
 * The full pre-trade check list, run by the worker that owns the order's
 * symbol, in this order; the first that fails decides the reason:
 *   1 trading state        TRADING_HALTED; REDUCING admits only orders that shrink the position (REDUCE_ONLY_MODE)
 *   2 venue breaker        CIRCUIT_OPEN
 *   3 instrument           UNKNOWN_SYMBOL, SYMBOL_NOT_TRADING, SYMBOL_DISABLED (limits table)
 *   4 price and quantity   PRICE_INVALID, PRICE_OFF_TICK, QTY_INVALID, QTY_OFF_STEP, QTY_BELOW_MIN, QTY_ABOVE_MAX
 *   5 order notional       NOTIONAL_ABOVE_MAX (limits table; market orders valued at the reference)
 *   6 collar               NO_REFERENCE_PRICE, MARKET_DATA_STALE (feed said so, or older than maxRefAgeNs), PRICE_OUTSIDE_COLLAR
 *   7 position             POSITION_LIMIT: |position| if every open order on the side and this one filled
 *   8 open orders          OPEN_ORDERS_LIMIT, OPEN_NOTIONAL_LIMIT (per symbol)
 *   9 portfolio VaR        VAR_LIMIT: the order would raise the account's parametric VaR above the
 *                          limit (portfolio-var.ts; only with a covariance source and `portfolioVar`)
 *  10 gross exposure       GROSS_EXPOSURE_LIMIT: CAS reservation on the account ledger (0 for an order that reduces)
 *  11 daily loss           DAILY_LOSS_LIMIT
 *  12 self-trade           SELF_TRADE: crosses a resting order of the account on the symbol
 *  13 client id            DUPLICATE_CLIENT_ID, OPEN_ORDER_TABLE_FULL
 *  14 reduce-only flag     REDUCE_ONLY_VIOLATION
 *  15 venue rate limiter   RATE_LIMITED (refused, never queued; also while the venue's 429/418 Retry-After runs)
 * A reject after step 10 gives the reservation back. An accepted order becomes
 * live (order table, open totals) until its Fill frame says done; fills move
 * the position, settle the reservation and record realized PnL (which can
 * trip the kill switch), cancels release what is left.
 *
 * Hot path: typed arrays and integer calls only. The batch's clock reading
 * reaches the limiter by position (tryAcquireOrderAt(regs, G.now)), never as a
 * double argument, which V8 would box when it does not inline the call.
 */
import { Fill, Frame, NewOrder, OrderFlag, OrderType, Side } from '../../ipc/frame-layout.js';
import { InstrumentField, InstrumentStatus, SYMBOL_STRIDE, attachInstrumentTable } from '../../ipc/instrument-table-layout.js';
import { BreakerRegistry } from '../breaker/breaker-registry.js';
import type { CircuitBreaker } from '../breaker/circuit-breaker.js';
import type { MonotonicClock } from '../clock/monotonic-clock.js';
import { LIMIT_STRIDE, LimitField, LimitsReader } from './limits-table.js';
import { RateLimiters, type RateLimiter } from '../limits/rate-limiter.js';
import { Market, VENUE_COUNT } from '../venue/venue.js';
import { ExposureLedger } from './exposure-ledger.js';
import { Insert, type LiveOrderSet } from './live-order-set.js';
import { GRID_EPS, offGridAt } from './price-grid.js';
import { OrderTable } from './order-table.js';
import { PortfolioVar, type PortfolioVarInputs } from './portfolio-var.js';
import { PositionBook } from './position-book.js';
import type { ReferenceBook } from './reference-book.js';
import { Reason } from './reject-reason.js';
import { TradingMode, type TradingState } from '../breaker/trading-state.js';

/** The shared risk buffers a worker attaches to (a subset of engine/risk-state.ts's RiskState). */
export interface RiskBuffers {
  table: SharedArrayBuffer;
  board: SharedArrayBuffer;
  ledger: SharedArrayBuffer;
  limiters: SharedArrayBuffer;
}

/** Float64 registers (indices into `regs`). */
const G = { now: 0, invExpQ: 1, invPnlQ: 2, checkedPrice: 3, fillQty: 4, fillPrice: 5 } as const;
const MAX_PNL_UNITS = 2 ** 30;

export class PreTradeChecker {
  readonly limits: LimitsReader;
  readonly trading: TradingState;
  readonly exposure: ExposureLedger;
  readonly positions: PositionBook;
  readonly orders: OrderTable;
  /** The portfolio VaR check, or null when the worker has no covariance source (check off). */
  readonly portfolio: PortfolioVar | null;
  private readonly breakers: readonly CircuitBreaker[];
  private readonly backoffUntilNs: Float64Array;
  /** Order limiter per venue (spot: the frame has no market field), or null when none is configured. */
  private readonly limiterOf: ReadonlyArray<RateLimiter | null>;
  private readonly symbols: number;
  private readonly regs = new Float64Array(6);
  private readonly instruments: Float64Array;

  constructor(
    instrumentTable: SharedArrayBuffer,
    private readonly book: ReferenceBook,
    private readonly live: LiveOrderSet,
    risk: RiskBuffers,
    private readonly clock: MonotonicClock,
    portfolio: PortfolioVarInputs | null = null,
  ) {
    this.instruments = attachInstrumentTable(instrumentTable);
    this.symbols = this.instruments.length / SYMBOL_STRIDE;
    this.limits = new LimitsReader(risk.table);
    const registry = new BreakerRegistry(risk.board, clock);
    this.breakers = registry.breakers;
    this.trading = registry.trading;
    this.backoffUntilNs = registry.trading.backoffUntilNs;
    this.exposure = new ExposureLedger(risk.ledger, registry.trading);
    const limiters = new RateLimiters(risk.limiters);
    this.limiterOf = Array.from({ length: VENUE_COUNT }, (_, v) => limiters.forOrders(v, Market.spot) ?? null);
    this.positions = new PositionBook(this.symbols);
    this.orders = new OrderTable(live.limit, this.symbols);
    this.regs[G.invExpQ] = 1 / this.exposure.exposureQuantum;
    this.regs[G.invPnlQ] = 1 / this.exposure.pnlQuantum;
    this.portfolio = portfolio === null ? null : new PortfolioVar(portfolio, this.positions, book, this.limits.account);
  }

  /** Price the last accepted order was valued at (its limit, or the reference for a market order). */
  get checkedPrice(): number {
    return this.regs[G.checkedPrice];
  }

  /** Once per batch, before its frames: picks up new limits and reads the clock (and a new covariance). */
  beginBatch(): void {
    const changed = this.limits.refresh();
    this.clock.update();
    this.regs[G.now] = this.clock.reading[0];
    const pv = this.portfolio;
    if (pv !== null) {
      if (changed) pv.configure(this.limits.account);
      pv.beginBatchAt(this.regs, G.now);
    }
  }

  /** Would this order only shrink |position| even if every open order on its side filled first? */
  private reduces(s: number, side: number, f64: Float64Array, d: number): boolean {
    const qty = f64[d + NewOrder.quantity];
    const p = this.positions;
    const pos = p.position[s];
    if (side === Side.Buy) return pos < 0 && pos + p.openBuyQty[s] + qty <= 0;
    return pos > 0 && pos - p.openSellQty[s] - qty >= 0;
  }

  /** Checks the NewOrder frame at int32 index `base`; returns Reason.ACCEPTED or the reason to reject. */
  check(i32: Int32Array, f64: Float64Array, base: number): number {
    const d = base >> 1;
    const s = i32[base + Frame.symbol];
    const known = s >= 0 && s < this.symbols;
    const side = i32[base + NewOrder.side] === Side.Buy ? Side.Buy : Side.Sell;
    const qty = f64[d + NewOrder.quantity];

    const mode = this.trading.mode();
    if (mode === TradingMode.HALTED) return Reason.TRADING_HALTED;
    if (mode === TradingMode.REDUCING && known && !this.reduces(s, side, f64, d)) return Reason.REDUCE_ONLY_MODE;

    const venue = i32[base + NewOrder.venue];
    if (venue < 0 || venue >= VENUE_COUNT || !known) return Reason.UNKNOWN_SYMBOL;
    if (!this.breakers[venue].allow()) return Reason.CIRCUIT_OPEN;

    const row = s * SYMBOL_STRIDE;
    const ins = this.instruments;
    if (ins[row + InstrumentField.status] !== InstrumentStatus.Trading) return Reason.SYMBOL_NOT_TRADING;
    const lim = this.limits.rows;
    const lr = s * LIMIT_STRIDE;
    if (lim[lr + LimitField.enabled] === 0) return Reason.SYMBOL_DISABLED;

    const market = i32[base + NewOrder.type] === OrderType.Market;
    const price = f64[d + NewOrder.price];
    if (!market) {
      // NaN fails `> 0` too.
      if (!(price > 0) || price === Infinity) return Reason.PRICE_INVALID;
      if (offGridAt(f64, d + NewOrder.price, ins, row + InstrumentField.tickSize)) return Reason.PRICE_OFF_TICK;
    }
    if (!(qty > 0) || qty === Infinity) return Reason.QTY_INVALID;
    if (offGridAt(f64, d + NewOrder.quantity, ins, row + InstrumentField.lotStep)) return Reason.QTY_OFF_STEP;
    if (qty < ins[row + InstrumentField.minQty] * (1 - GRID_EPS)) return Reason.QTY_BELOW_MIN;
    if (qty > ins[row + InstrumentField.maxQty] * (1 + GRID_EPS)) return Reason.QTY_ABOVE_MAX;

    // Reference: last trade, else mid (NaN when neither was seen).
    const book = this.book;
    const last = book.last[s];
    const ref = last === last ? last : (book.bid[s] + book.ask[s]) * 0.5;
    if (market && ref !== ref) return Reason.NO_REFERENCE_PRICE;
    const valuedAt = market ? ref : price;
    const notional = valuedAt * qty;
    if (!(notional <= lim[lr + LimitField.maxOrderNotional])) return Reason.NOTIONAL_ABOVE_MAX;

    if (ref !== ref) return Reason.NO_REFERENCE_PRICE;
    if (book.stale[s] !== 0 || this.regs[G.now] - book.time[s] > lim[lr + LimitField.maxRefAgeNs]) return Reason.MARKET_DATA_STALE;
    if (!market) {
      const dev = price - ref;
      if ((dev < 0 ? -dev : dev) > lim[lr + LimitField.collarFrac] * ref) return Reason.PRICE_OUTSIDE_COLLAR;
    }

    const pb = this.positions;
    const pos = pb.position[s];
    const worst = side === Side.Buy ? pos + pb.openBuyQty[s] + qty : -(pos - pb.openSellQty[s] - qty);
    if (worst > lim[lr + LimitField.maxPosition] * (1 + GRID_EPS)) return Reason.POSITION_LIMIT;
    if (pb.openOrders[s] + 1 > lim[lr + LimitField.maxOpenOrders]) return Reason.OPEN_ORDERS_LIMIT;
    if (pb.openNotional[s] + notional > lim[lr + LimitField.maxOpenNotional]) return Reason.OPEN_NOTIONAL_LIMIT;
    const pv = this.portfolio;
    if (pv !== null && pv.exceeds(s, side, f64, d)) return Reason.VAR_LIMIT;

    const reducing = this.reduces(s, side, f64, d);
    const units = reducing ? 0 : Math.ceil(notional * this.regs[G.invExpQ]) | 0;
    if (units !== 0 && !this.exposure.tryReserve(units)) return Reason.GROSS_EXPOSURE_LIMIT;
    const reason = this.afterReserve(i32, f64, base, s, side, market, reducing);
    if (reason !== Reason.ACCEPTED) {
      if (units !== 0) this.exposure.release(units);
      return reason;
    }

    const id = f64[d + NewOrder.clientId];
    const r = this.orders.alloc(s, side);
    this.live.key[0] = id;
    this.live.insertKey(r);
    const orders = this.orders;
    orders.price[r] = valuedAt;
    orders.openQty[r] = qty;
    orders.reserved[r] = units;
    // A market order takes liquidity and never rests: it sits outside the best-price range.
    const rest = market ? (side === Side.Buy ? -Infinity : Infinity) : price;
    orders.rest[r] = rest;
    pb.openOrders[s]++;
    pb.openNotional[s] += notional;
    if (side === Side.Buy) {
      pb.openBuyQty[s] += qty;
      if (rest > pb.bestBuy[s]) pb.bestBuy[s] = rest;
    } else {
      pb.openSellQty[s] += qty;
      if (rest < pb.bestSell[s]) pb.bestSell[s] = rest;
    }
    this.regs[G.checkedPrice] = valuedAt;
    if (pv !== null) pv.commit(s);
    return Reason.ACCEPTED;
  }

  /** Steps 10-14, after the exposure reservation (the caller releases it on a reject). */
  private afterReserve(i32: Int32Array, f64: Float64Array, base: number, s: number, side: number, market: boolean, reducing: boolean): number {
    if (this.exposure.dailyLossReached()) return Reason.DAILY_LOSS_LIMIT;
    const pb = this.positions;
    const d = base >> 1;
    // A limit crosses our resting orders at or through its price; a market order takes the touch, so
    // it crosses ours only if they are at or better than the touch.
    if (side === Side.Buy) {
      if (pb.bestSell[s] <= (market ? this.book.ask[s] : f64[d + NewOrder.price])) return Reason.SELF_TRADE;
    } else if (pb.bestBuy[s] >= (market ? this.book.bid[s] : f64[d + NewOrder.price])) return Reason.SELF_TRADE;
    this.live.key[0] = f64[d + NewOrder.clientId];
    if (this.live.hasKey()) return Reason.DUPLICATE_CLIENT_ID;
    if (this.live.size >= this.live.limit) return Reason.OPEN_ORDER_TABLE_FULL;
    if ((i32[base + NewOrder.flags] & OrderFlag.ReduceOnly) !== 0 && !reducing) return Reason.REDUCE_ONLY_VIOLATION;
    const venue = i32[base + NewOrder.venue];
    if (this.backoffUntilNs[venue] > this.regs[G.now]) return Reason.RATE_LIMITED;
    const limiter = this.limiterOf[venue];
    if (limiter !== null && !limiter.tryAcquireOrderAt(this.regs, G.now)) return Reason.RATE_LIMITED;
    return Reason.ACCEPTED;
  }

  /**
   * The Fill frame at `base`: quantity > 0 fills part or all of the order at
   * the frame's price; leavesOpen 0 ends it (quantity 0 = cancelled or
   * expired). Unknown client ids are ignored. Returns the order's symbol, or -1 when ignored.
   */
  onFill(i32: Int32Array, f64: Float64Array, base: number): number {
    const d = base >> 1;
    const done = i32[base + Fill.leavesOpen] === 0;
    this.live.key[0] = f64[d + Fill.clientId];
    const r = done ? this.live.takeKey() : this.live.getKey();
    if (r < 0) return -1;
    const orders = this.orders;
    const pb = this.positions;
    const s = orders.symbol[r];
    const side = orders.side[r];
    let qty = f64[d + Fill.quantity];
    const open = orders.openQty[r];
    if (qty > open) qty = open;
    if (qty > 0) {
      const whole = qty >= open;
      const part = whole ? orders.reserved[r] : Math.floor((orders.reserved[r] * qty) / open) | 0;
      orders.reserved[r] -= part;
      orders.openQty[r] = whole ? 0 : open - qty;
      pb.openNotional[s] -= orders.price[r] * qty;
      if (side === Side.Buy) pb.openBuyQty[s] -= qty;
      else pb.openSellQty[s] -= qty;
      this.regs[G.fillQty] = qty;
      this.regs[G.fillPrice] = f64[d + Fill.price];
      this.applyPosition(s, side, part);
    }
    if (!done) {
      if (this.portfolio !== null) this.portfolio.commit(s);
      return s;
    }
    const left = orders.reserved[r];
    if (left !== 0) this.exposure.release(left);
    const rest = orders.rest[r];
    if (orders.openQty[r] > 0) {
      pb.openNotional[s] -= orders.price[r] * orders.openQty[r];
      if (side === Side.Buy) pb.openBuyQty[s] -= orders.openQty[r];
      else pb.openSellQty[s] -= orders.openQty[r];
    }
    orders.free(r);
    if (--pb.openOrders[s] === 0) {
      // Exact zeros once nothing is open: no floating-point residue carried forward.
      pb.openNotional[s] = 0;
      pb.openBuyQty[s] = 0;
      pb.openSellQty[s] = 0;
    }
    if (side === Side.Buy ? rest >= pb.bestBuy[s] && rest > -Infinity : rest <= pb.bestSell[s] && rest < Infinity) pb.rescanBest(orders, s, side);
    if (this.portfolio !== null) this.portfolio.commit(s);
    return s;
  }

  /** Moves the position by a fill, settles its reservation and records any realized PnL. */
  private applyPosition(s: number, side: number, reservedPart: number): void {
    const qty = this.regs[G.fillQty];
    const price = this.regs[G.fillPrice];
    const pb = this.positions;
    const old = pb.position[s];
    const signed = side === Side.Buy ? qty : -qty;
    const next = old + signed;
    const avg = pb.avgPrice[s];
    let pnlUnits = 0;
    if (old !== 0 && (old > 0) !== (signed > 0)) {
      const absOld = old < 0 ? -old : old;
      const closed = qty < absOld ? qty : absOld;
      const pnl = (old > 0 ? price - avg : avg - price) * closed;
      pb.realizedPnl[s] += pnl;
      let u = Math.round(pnl * this.regs[G.invPnlQ]);
      if (u > MAX_PNL_UNITS) u = MAX_PNL_UNITS;
      if (u < -MAX_PNL_UNITS) u = -MAX_PNL_UNITS;
      pnlUnits = u | 0;
      // Flipped through zero: the remainder is a new position entered at this price. One store
      // whatever the case: a store that warm-up never reached (an exact flat is rare) would
      // deoptimise this function the first time traffic reached it.
      pb.avgPrice[s] = qty > absOld ? price : next === 0 ? 0 : avg;
    } else {
      const absOld = old < 0 ? -old : old;
      pb.avgPrice[s] = (avg * absOld + price * qty) / (absOld + qty);
    }
    pb.position[s] = next;
    const absNext = next < 0 ? -next : next;
    const units = Math.ceil(absNext * pb.avgPrice[s] * this.regs[G.invExpQ]) | 0;
    this.exposure.settle(reservedPart, units - pb.positionUnits[s]);
    pb.positionUnits[s] = units;
    if (pnlUnits !== 0) this.exposure.recordRealizedPnlUnits(pnlUnits);
  }
}
