/**
 * Every per-order reject reason of the spine, each triggered by one field, and
 * the order of the checks (the first failing check decides), through the
 * worker's check list (PreTradeChecker) with limits that stay out of the way.
 */
import { expect } from 'chai';
import { FRAME_BYTES, Frame, FrameKind, MarketTick, NewOrder, OrderType, Side } from '../ipc/frame-layout.js';
import { createInstrumentTable } from '../ipc/instrument-table-layout.js';
import { writeInstrumentTable, type Instrument } from '../core/instruments/instrument.js';
import { LiveOrderSet } from '../core/risk/live-order-set.js';
import { PreTradeChecker } from '../core/risk/pre-trade-checks.js';
import { monotonicClock } from '../core/clock/monotonic-clock.js';
import { parseLimitsConfig } from '../core/config/limits-config.js';
import { createRiskState } from '../engine/risk-state.js';
import { ReferenceBook } from '../core/risk/reference-book.js';
import { Reason, reasonName } from '../core/risk/reject-reason.js';

const BTC: Instrument = { name: 'BTC/USDT', tickSize: 0.01, lotStep: 0.00001, minQty: 0.0001, maxQty: 100, maxNotional: 250_000, collarFrac: 0.05, trading: true, venue: 0, initialPrice: 60000 };
const HALTED: Instrument = { ...BTC, name: 'HALT/USDT', trading: false };
const SILENT: Instrument = { ...BTC, name: 'NEW/USDT' };

function tick(book: ReferenceBook, s: number, bid: number, ask: number, last: number): void {
  const f = new Float64Array(8);
  f[MarketTick.time] = monotonicClock().nowNs();
  f[MarketTick.bid] = bid;
  f[MarketTick.ask] = ask;
  f[MarketTick.last] = last;
  book.apply(s, f, 0);
}

interface Order { symbol?: number; price?: number; qty?: number; type?: number; id?: number }

function setup(liveSlots = 1024) {
  const table = createInstrumentTable(3);
  writeInstrumentTable(table, [BTC, HALTED, SILENT]);
  const book = new ReferenceBook(3);
  tick(book, 0, 59999.99, 60000.01, 60000);
  tick(book, 1, 59999.99, 60000.01, 60000);
  const live = new LiveOrderSet(liveSlots);
  const limits = parseLimitsConfig(
    {
      account: { grossExposureLimit: 100_000_000, dailyLossLimit: 1_000_000 },
      symbolDefaults: { maxPosition: 1e6, maxOpenOrders: 1e6, maxOpenNotional: 1e9, maxOrderNotional: 250_000, collarBps: 500, maxReferenceAgeMs: 600_000 },
      rateLimits: { limiters: { 'binance.spot': { orders: { venue: 'binance', market: 'spot' }, rules: [{ kind: 'fixedWindow', counts: 'orders', limit: 1_000_000, windowMs: 1000 }] } } },
    },
    'test',
  );
  const risk = createRiskState(limits, [BTC.name, HALTED.name, SILENT.name], monotonicClock());
  const checker = new PreTradeChecker(table, book, live, risk, monotonicClock());
  const buf = new ArrayBuffer(FRAME_BYTES);
  const i32 = new Int32Array(buf);
  const f64 = new Float64Array(buf);
  let nextId = 1;
  const check = (o: Order = {}) => {
    checker.beginBatch();
    i32.fill(0);
    i32[Frame.kind] = FrameKind.NewOrder;
    i32[Frame.symbol] = o.symbol ?? 0;
    i32[NewOrder.side] = Side.Buy;
    i32[NewOrder.type] = o.type ?? OrderType.Limit;
    f64[NewOrder.price] = o.price ?? 60010;
    f64[NewOrder.quantity] = o.qty ?? 0.01;
    f64[NewOrder.clientId] = o.id ?? nextId++;
    return reasonName(checker.check(i32, f64, 0));
  };
  return { check, book, live };
}

describe('per-order checks', () => {
  const cases: Array<[string, Order]> = [
    ['UNKNOWN_SYMBOL', { symbol: 7 }],
    ['UNKNOWN_SYMBOL', { symbol: -1 }],
    ['SYMBOL_NOT_TRADING', { symbol: 1 }],
    ['PRICE_INVALID', { price: 0 }],
    ['PRICE_INVALID', { price: -60000 }],
    ['PRICE_INVALID', { price: NaN }],
    ['PRICE_OFF_TICK', { price: 60000.005 }],
    ['QTY_INVALID', { qty: 0 }],
    ['QTY_INVALID', { qty: -1 }],
    ['QTY_INVALID', { qty: NaN }],
    ['QTY_INVALID', { qty: Infinity }],
    ['QTY_OFF_STEP', { qty: 0.010005 }],
    ['QTY_BELOW_MIN', { qty: 0.00009 }],
    ['QTY_ABOVE_MAX', { qty: 100.00001 }],
    ['NOTIONAL_ABOVE_MAX', { qty: 5 }],
    ['PRICE_INVALID', { price: Infinity }],
    ['PRICE_OUTSIDE_COLLAR', { price: 63000.01 }],
    ['PRICE_OUTSIDE_COLLAR', { price: 56999.99 }],
    ['NO_REFERENCE_PRICE', { symbol: 2 }],
    ['NO_REFERENCE_PRICE', { symbol: 2, type: OrderType.Market, price: 0 }],
  ];
  for (const [reason, order] of cases) {
    it(`rejects ${JSON.stringify(order)} with ${reason}`, () => {
      expect(setup().check(order)).to.equal(reason);
    });
  }

  it('accepts a clean limit order, and limits exactly at the bounds', () => {
    const { check } = setup();
    expect(check()).to.equal('ACCEPTED');
    expect(check({ price: 63000, qty: 0.0001 })).to.equal('ACCEPTED'); // collar edge, min qty
    expect(check({ price: 57000 })).to.equal('ACCEPTED');
    expect(check({ price: 2500, qty: 100 })).to.equal('PRICE_OUTSIDE_COLLAR'); // max qty passes, collar decides
  });

  it('values a market order at the reference price for the notional cap', () => {
    const { check } = setup();
    expect(check({ type: OrderType.Market, price: 0, qty: 4 })).to.equal('ACCEPTED'); // 240k
    expect(check({ type: OrderType.Market, price: 0, qty: 4.2 })).to.equal('NOTIONAL_ABOVE_MAX'); // 252k
  });

  it('rejects a stale reference until the next tick', () => {
    const { check, book } = setup();
    book.markStale(0);
    expect(check()).to.equal('MARKET_DATA_STALE');
    tick(book, 0, 60000, 60000.02, NaN);
    expect(check()).to.equal('ACCEPTED');
  });

  it('rejects a client id while it is live, and accepts it again once filled', () => {
    const { check, live } = setup();
    expect(check({ id: 42 })).to.equal('ACCEPTED');
    expect(check({ id: 42 })).to.equal('DUPLICATE_CLIENT_ID');
    live.delete(42);
    expect(check({ id: 42 })).to.equal('ACCEPTED');
  });

  it('rejects with OPEN_ORDER_TABLE_FULL when the live table is at its limit', () => {
    const { check } = setup(8); // limit 6
    for (let i = 0; i < 6; i++) expect(check()).to.equal('ACCEPTED');
    expect(check()).to.equal('OPEN_ORDER_TABLE_FULL');
  });

  it('checks in the documented order: the first failing check decides', () => {
    const { check } = setup();
    expect(check({ symbol: 1, price: -1, qty: 0 })).to.equal('SYMBOL_NOT_TRADING');
    expect(check({ price: 60000.005, qty: 0 })).to.equal('PRICE_OFF_TICK');
    expect(check({ qty: 1000.000005 })).to.equal('QTY_OFF_STEP');
    expect(check({ price: 90000, qty: 10 })).to.equal('NOTIONAL_ABOVE_MAX');
  });

  it('has a distinct name for every code', () => {
    const names = Object.keys(Reason);
    expect(new Set(Object.values(Reason)).size).to.equal(names.length);
    for (const n of names) expect(reasonName(Reason[n as keyof typeof Reason])).to.equal(n);
  });
});
