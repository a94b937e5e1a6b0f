/**
 * The worker's full pre-trade check list on real shared risk buffers: every
 * reason the shared risk state adds, the exposure reservation's life (released
 * on a later reject and on cancel, settled on fill), the daily loss limit
 * tripping the kill switch, REDUCING and reduce-only, self-trade prevention,
 * and limits changed while running.
 */
import { expect } from 'chai';
import { monotonicClock } from '../core/clock/monotonic-clock.js';
import { parseLimitsConfig, symbolLimitRows, type LimitsConfigInput } from '../core/config/limits-config.js';
import { createRiskState } from '../engine/risk-state.js';
import { writeLimitsTable } from '../core/risk/limits-table.js';
import { writeInstrumentTable, type Instrument } from '../core/instruments/instrument.js';
import { LiveOrderSet } from '../core/risk/live-order-set.js';
import { PreTradeChecker } from '../core/risk/pre-trade-checks.js';
import { ReferenceBook } from '../core/risk/reference-book.js';
import { reasonName } from '../core/risk/reject-reason.js';
import { TradingMode } from '../core/breaker/trading-state.js';
import { FRAME_BYTES, Fill, Frame, FrameKind, MarketTick, NewOrder, OrderFlag, OrderType, Side } from '../ipc/frame-layout.js';
import { createInstrumentTable } from '../ipc/instrument-table-layout.js';

const BTC: Instrument = { name: 'BTC/USDT', tickSize: 0.01, lotStep: 0.00001, minQty: 0.0001, maxQty: 100, maxNotional: 250_000, collarFrac: 0.05, trading: true, venue: 0, initialPrice: 60000 };
const ETH: Instrument = { ...BTC, name: 'ETH/USDT', initialPrice: 3000 };
const NAMES = [BTC.name, ETH.name];

type Limits = Partial<LimitsConfigInput['symbolDefaults']>;
interface Setup { account?: Partial<LimitsConfigInput['account']>; symbol?: Limits; rateLimits?: LimitsConfigInput['rateLimits'] }

function config(o: Setup = {}) {
  return parseLimitsConfig(
    {
      account: { grossExposureLimit: 10_000_000, dailyLossLimit: 100_000, ...o.account },
      symbolDefaults: { maxPosition: 100, maxOpenOrders: 100, maxOpenNotional: 10_000_000, maxOrderNotional: 1_000_000, collarBps: 500, maxReferenceAgeMs: 60_000, ...o.symbol },
      rateLimits: o.rateLimits ?? { limiters: { 'binance.spot': { orders: { venue: 'binance', market: 'spot' }, rules: [{ kind: 'fixedWindow', counts: 'orders', limit: 1_000_000, windowMs: 1000 }] } } },
    },
    'test',
  );
}

interface Order { symbol?: number; side?: number; price?: number; qty?: number; type?: number; id?: number; flags?: number; venue?: number }

function setup(o: Setup = {}) {
  const clock = monotonicClock();
  const table = createInstrumentTable(2);
  writeInstrumentTable(table, [BTC, ETH]);
  const cfg = config(o);
  const risk = createRiskState(cfg, NAMES, clock);
  const book = new ReferenceBook(2);
  const tick = (s: number, last: number, time = clock.nowNs()) => {
    const f = new Float64Array(8);
    f[MarketTick.time] = time;
    f[MarketTick.bid] = last - 0.01;
    f[MarketTick.ask] = last + 0.01;
    f[MarketTick.last] = last;
    book.apply(s, f, 0);
  };
  tick(0, 60000);
  tick(1, 3000);
  const checker = new PreTradeChecker(table, book, new LiveOrderSet(1024), risk, clock);
  const buf = new ArrayBuffer(FRAME_BYTES);
  const i32 = new Int32Array(buf);
  const f64 = new Float64Array(buf);
  let nextId = 1;
  const check = (x: Order = {}) => {
    checker.beginBatch();
    i32.fill(0);
    i32[Frame.kind] = FrameKind.NewOrder;
    i32[Frame.symbol] = x.symbol ?? 0;
    i32[NewOrder.side] = x.side ?? Side.Buy;
    i32[NewOrder.type] = x.type ?? OrderType.Limit;
    i32[NewOrder.flags] = x.flags ?? 0;
    i32[NewOrder.venue] = x.venue ?? 0;
    f64[NewOrder.price] = x.price ?? 60000;
    f64[NewOrder.quantity] = x.qty ?? 1;
    f64[NewOrder.clientId] = x.id ?? nextId++;
    return reasonName(checker.check(i32, f64, 0));
  };
  /** Execution report for client id `id`: qty filled at price, leavesOpen. */
  const fill = (id: number, qty: number, price: number, leavesOpen = 0) => {
    i32.fill(0);
    i32[Frame.kind] = FrameKind.Fill;
    i32[Fill.leavesOpen] = leavesOpen;
    f64[Fill.clientId] = id;
    f64[Fill.quantity] = qty;
    f64[Fill.price] = price;
    checker.onFill(i32, f64, 0);
  };
  const lastId = () => nextId - 1;
  return { check, fill, lastId, risk, checker, tick, cfg, clock };
}

describe('pre-trade check list (shared risk state)', () => {
  it('accepts a good order and keeps its open totals until its fill', () => {
    const t = setup();
    expect(t.check({ qty: 2 })).to.equal('ACCEPTED');
    const pb = t.checker.positions;
    expect(pb.openOrders[0]).to.equal(1);
    expect(pb.openBuyQty[0]).to.equal(2);
    expect(pb.openNotional[0]).to.equal(120_000);
    expect(t.risk.exposure.used()).to.equal(120_000);
    t.fill(t.lastId(), 2, 60000);
    expect(pb.openOrders[0]).to.equal(0);
    expect(pb.position[0]).to.equal(2);
    expect(pb.avgPrice[0]).to.equal(60000);
    // The reservation became position exposure in one settle.
    expect(t.risk.exposure.used()).to.equal(120_000);
  });

  it('TRADING_HALTED for every order when HALTED is configured or the kill switch is tripped', () => {
    const t = setup();
    t.risk.registry.trading.setConfigured(TradingMode.HALTED);
    expect(t.check()).to.equal('TRADING_HALTED');
    expect(t.check({ symbol: 9 })).to.equal('TRADING_HALTED');
    t.risk.registry.trading.setConfigured(TradingMode.ACTIVE);
    expect(t.check()).to.equal('ACCEPTED');
    t.risk.registry.trading.trip(1);
    expect(t.check({ side: Side.Sell, price: 61000 })).to.equal('TRADING_HALTED');
  });

  it('REDUCING admits only orders that shrink the position (open orders included)', () => {
    const t = setup();
    t.risk.registry.trading.setConfigured(TradingMode.REDUCING);
    expect(t.check()).to.equal('REDUCE_ONLY_MODE'); // flat: nothing to reduce
    t.risk.registry.trading.setConfigured(TradingMode.ACTIVE);
    expect(t.check({ qty: 3 })).to.equal('ACCEPTED');
    t.fill(t.lastId(), 3, 60000);
    t.risk.registry.trading.setConfigured(TradingMode.REDUCING);
    expect(t.check({ qty: 1 })).to.equal('REDUCE_ONLY_MODE');
    expect(t.check({ side: Side.Sell, qty: 4, price: 60100 })).to.equal('REDUCE_ONLY_MODE');
    expect(t.check({ side: Side.Sell, qty: 2, price: 60100 })).to.equal('ACCEPTED');
    // 2 already open to sell: another 2 would take the position through zero.
    expect(t.check({ side: Side.Sell, qty: 2, price: 60100 })).to.equal('REDUCE_ONLY_MODE');
    expect(t.check({ side: Side.Sell, qty: 1, price: 60100 })).to.equal('ACCEPTED');
  });

  it('CIRCUIT_OPEN when the venue breaker is open; UNKNOWN_SYMBOL for an unknown venue', () => {
    const t = setup();
    t.risk.registry.breaker(0).forceOpen();
    expect(t.check()).to.equal('CIRCUIT_OPEN');
    expect(t.check({ venue: 2 })).to.equal('ACCEPTED');
    expect(t.check({ venue: 7 })).to.equal('UNKNOWN_SYMBOL');
  });

  it('SYMBOL_DISABLED, NOTIONAL_ABOVE_MAX and the collar come from the limits table, changed while running', () => {
    const t = setup({ symbol: { maxOrderNotional: 100_000 } });
    expect(t.check({ qty: 2 })).to.equal('NOTIONAL_ABOVE_MAX');
    expect(t.check({ qty: 1 })).to.equal('ACCEPTED');
    const next = config({ symbol: { maxOrderNotional: 200_000, collarBps: 10, enabled: false } });
    next.symbols['ETH/USDT'] = { enabled: true };
    writeLimitsTable(t.risk.table, symbolLimitRows(next, NAMES));
    expect(t.check({ qty: 1 })).to.equal('SYMBOL_DISABLED');
    expect(t.check({ symbol: 1, price: 3000, qty: 60 })).to.equal('ACCEPTED');
    expect(t.check({ symbol: 1, price: 3010, qty: 1 })).to.equal('PRICE_OUTSIDE_COLLAR');
  });

  it('MARKET_DATA_STALE when the reference is older than maxReferenceAgeMs', () => {
    const t = setup({ symbol: { maxReferenceAgeMs: 100 } });
    expect(t.check()).to.equal('ACCEPTED');
    t.tick(0, 60000, t.clock.nowNs() - 200e6);
    expect(t.check({ side: Side.Sell, price: 60100 })).to.equal('MARKET_DATA_STALE');
    t.tick(0, 60000);
    expect(t.check({ side: Side.Sell, price: 60100 })).to.equal('ACCEPTED');
  });

  it('POSITION_LIMIT counts the position and every open order on the side', () => {
    const t = setup({ symbol: { maxPosition: 3 } });
    expect(t.check({ qty: 2 })).to.equal('ACCEPTED');
    t.fill(t.lastId(), 2, 60000);
    expect(t.check({ qty: 0.6 })).to.equal('ACCEPTED');
    expect(t.check({ qty: 0.6 })).to.equal('POSITION_LIMIT');
    expect(t.check({ qty: 0.4 })).to.equal('ACCEPTED');
    expect(t.check({ side: Side.Sell, qty: 5, price: 60100 })).to.equal('ACCEPTED'); // 2 - 5 = -3
    expect(t.check({ side: Side.Sell, qty: 0.1, price: 60100 })).to.equal('POSITION_LIMIT');
  });

  it('OPEN_ORDERS_LIMIT and OPEN_NOTIONAL_LIMIT per symbol; a cancel frees both', () => {
    const t = setup({ symbol: { maxOpenOrders: 2, maxOpenNotional: 100_000 } });
    expect(t.check({ qty: 1 })).to.equal('ACCEPTED');
    const first = t.lastId();
    expect(t.check({ qty: 1 })).to.equal('OPEN_NOTIONAL_LIMIT');
    expect(t.check({ qty: 0.5 })).to.equal('ACCEPTED');
    expect(t.check({ qty: 0.1 })).to.equal('OPEN_ORDERS_LIMIT');
    expect(t.check({ symbol: 1, price: 3000, qty: 1 })).to.equal('ACCEPTED');
    t.fill(first, 0, 0); // cancelled
    expect(t.check({ qty: 1 })).to.equal('ACCEPTED');
  });

  it('GROSS_EXPOSURE_LIMIT; reservations released on a later reject and on cancel, settled on fill', () => {
    const t = setup({ account: { grossExposureLimit: 200_000 } });
    const ex = t.risk.exposure;
    expect(t.check({ qty: 2 })).to.equal('ACCEPTED');
    const buy = t.lastId();
    expect(ex.used()).to.equal(120_000);
    expect(t.check({ qty: 2 })).to.equal('GROSS_EXPOSURE_LIMIT');
    expect(ex.used()).to.equal(120_000);
    // Reserved, then rejected as a self-trade: the reservation comes back.
    expect(t.check({ side: Side.Sell, qty: 1, price: 59990 })).to.equal('SELF_TRADE');
    expect(ex.used()).to.equal(120_000);
    t.fill(buy, 0.5, 60000, 1); // partial fill: 1/4 of the reservation becomes position
    expect(ex.used()).to.equal(120_000);
    t.fill(buy, 0, 0, 0); // the rest is cancelled
    expect(ex.used()).to.equal(30_000);
    expect(t.checker.positions.position[0]).to.equal(0.5);
    // Reducing orders reserve nothing; their fill shrinks the position's exposure.
    expect(t.check({ side: Side.Sell, qty: 0.5, price: 60000 })).to.equal('ACCEPTED');
    expect(ex.used()).to.equal(30_000);
    t.fill(t.lastId(), 0.5, 60000);
    expect(ex.used()).to.equal(0);
  });

  it('the daily loss limit trips the kill switch: then every order is TRADING_HALTED, and DAILY_LOSS_LIMIT until the day resets', () => {
    const t = setup({ account: { dailyLossLimit: 500 } });
    expect(t.check({ qty: 1 })).to.equal('ACCEPTED');
    t.fill(t.lastId(), 1, 60000);
    t.tick(0, 59400);
    expect(t.check({ side: Side.Sell, qty: 1, price: 59400 })).to.equal('ACCEPTED');
    t.fill(t.lastId(), 1, 59400); // realized -600
    expect(t.risk.exposure.dailyPnl()).to.equal(-600);
    expect(t.risk.registry.trading.killReason()).to.equal(2);
    expect(t.check({ qty: 0.1, price: 59400 })).to.equal('TRADING_HALTED');
    expect(t.check({ symbol: 1, price: 3000 })).to.equal('TRADING_HALTED');
    t.risk.registry.trading.release();
    expect(t.check({ qty: 0.1, price: 59400 })).to.equal('DAILY_LOSS_LIMIT');
    expect(t.risk.exposure.used()).to.equal(0);
    t.risk.exposure.startDay(1);
    expect(t.check({ qty: 0.1, price: 59400 })).to.equal('ACCEPTED');
  });

  it('realized PnL: average entry over adds, a flip through zero re-enters at the fill price', () => {
    const t = setup();
    t.check({ qty: 1, price: 60000 });
    t.fill(t.lastId(), 1, 60000);
    t.check({ qty: 1, price: 60200 });
    t.fill(t.lastId(), 1, 60200);
    expect(t.checker.positions.avgPrice[0]).to.equal(60100);
    t.check({ side: Side.Sell, qty: 3, price: 60300 });
    t.fill(t.lastId(), 3, 60300);
    expect(t.risk.exposure.dailyPnl()).to.equal(400);
    expect(t.checker.positions.position[0]).to.equal(-1);
    expect(t.checker.positions.avgPrice[0]).to.equal(60300);
    expect(t.risk.exposure.used()).to.equal(60300);
  });

  it('SELF_TRADE: a limit crossing a resting order of the account, a market order when ours is at the touch', () => {
    const t = setup();
    expect(t.check({ qty: 1, price: 59900 })).to.equal('ACCEPTED');
    const bid = t.lastId();
    expect(t.check({ side: Side.Sell, qty: 1, price: 59900 })).to.equal('SELF_TRADE');
    expect(t.check({ side: Side.Sell, qty: 1, type: OrderType.Market, price: 0 })).to.equal('ACCEPTED'); // ours is below the bid
    expect(t.check({ qty: 1, price: 59999.99 })).to.equal('ACCEPTED');
    const atBid = t.lastId();
    expect(t.check({ side: Side.Sell, qty: 1, type: OrderType.Market, price: 0 })).to.equal('SELF_TRADE'); // ours is at the bid
    expect(t.check({ side: Side.Sell, qty: 1, price: 60000.01 })).to.equal('ACCEPTED');
    expect(t.check({ qty: 1, price: 60000.01 })).to.equal('SELF_TRADE');
    t.fill(atBid, 0, 0);
    t.fill(bid, 0, 0);
    expect(t.checker.positions.bestBuy[0]).to.equal(-Infinity);
    expect(t.check({ side: Side.Sell, qty: 1, price: 59900 })).to.equal('ACCEPTED');
  });

  it('DUPLICATE_CLIENT_ID while the id is live; free again after its fill', () => {
    const t = setup();
    expect(t.check({ id: 42 })).to.equal('ACCEPTED');
    expect(t.check({ id: 42, symbol: 1, price: 3000 })).to.equal('DUPLICATE_CLIENT_ID');
    t.fill(42, 1, 60000);
    expect(t.check({ id: 42, symbol: 1, price: 3000 })).to.equal('ACCEPTED');
  });

  it('REDUCE_ONLY_VIOLATION for a reduce-only order that would grow the position', () => {
    const t = setup();
    expect(t.check({ flags: OrderFlag.ReduceOnly })).to.equal('REDUCE_ONLY_VIOLATION');
    expect(t.check({ qty: 2 })).to.equal('ACCEPTED');
    t.fill(t.lastId(), 2, 60000);
    expect(t.check({ side: Side.Sell, qty: 3, price: 60100, flags: OrderFlag.ReduceOnly })).to.equal('REDUCE_ONLY_VIOLATION');
    expect(t.check({ side: Side.Sell, qty: 2, price: 60100, flags: OrderFlag.ReduceOnly })).to.equal('ACCEPTED');
  });

  it('RATE_LIMITED when the venue limiter refuses (no queueing); the reservation comes back', () => {
    const t = setup({ rateLimits: { limiters: { 'binance.spot': { orders: { venue: 'binance', market: 'spot' }, rules: [{ kind: 'tokenBucket', counts: 'orders', ratePerSec: 0.01, burst: 3 }] } } } });
    const got = Array.from({ length: 5 }, (_, i) => t.check({ qty: 0.1, symbol: i % 2, price: i % 2 ? 3000 : 60000 }));
    expect(got).to.deep.equal(['ACCEPTED', 'ACCEPTED', 'ACCEPTED', 'RATE_LIMITED', 'RATE_LIMITED']);
    expect(t.risk.exposure.used()).to.equal(6000 + 300 + 6000);
  });

  it("RATE_LIMITED while the venue's Retry-After (set by its gateway) runs, for that venue only; the reservation comes back", () => {
    const t = setup();
    const backoff = t.risk.registry.trading.backoffUntilNs;
    backoff[0] = monotonicClock().nowNs() + 60e9;
    expect(t.check({ qty: 0.1 })).to.equal('RATE_LIMITED');
    expect(t.risk.exposure.used()).to.equal(0);
    backoff[0] = monotonicClock().nowNs() - 1;
    expect(t.check({ qty: 0.1 })).to.equal('ACCEPTED');
  });
});
