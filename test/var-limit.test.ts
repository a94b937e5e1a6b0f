/**
 * VAR_LIMIT end to end in the worker's check list: the `portfolioVar` section
 * of the limits file (validation, the limits table's account row, reload),
 * an order rejected when it would raise VaR over the limit, an order that
 * lowers VaR always accepted (also a hedge in a correlated symbol, also when
 * VaR is already over a lowered limit), and no check without a covariance
 * source or without a limit.
 */
import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { monotonicClock } from '../core/clock/monotonic-clock.js';
import { LimitsConfigError, parseLimitsConfig, readLimitsConfig, symbolLimitRows, varLimitRow, type LimitsConfigInput } from '../core/config/limits-config.js';
import { writeInstrumentTable, type Instrument } from '../core/instruments/instrument.js';
import { AccountField, LimitsReader, VAR_OFF, writeLimitsTable } from '../core/risk/limits-table.js';
import { LiveOrderSet } from '../core/risk/live-order-set.js';
import { normalQuantile } from '../core/risk/normal-quantile.js';
import { PreTradeChecker } from '../core/risk/pre-trade-checks.js';
import { createPositionBoard } from '../core/risk/position-board.js';
import { ReferenceBook } from '../core/risk/reference-book.js';
import { reasonName } from '../core/risk/reject-reason.js';
import { LimitsLoader } from '../engine/limits-loader.js';
import { createRiskState } from '../engine/risk-state.js';
import { FRAME_BYTES, Fill, Frame, FrameKind, MarketTick, NewOrder, OrderType, Side } from '../ipc/frame-layout.js';
import { createInstrumentTable } from '../ipc/instrument-table-layout.js';
import { FakeCovariance } from './fixtures/covariance.js';

const BTC: Instrument = { name: 'BTC/USDT', tickSize: 0.01, lotStep: 0.00001, minQty: 0.0001, maxQty: 100, maxNotional: 1_000_000, collarFrac: 0.05, trading: true, venue: 0, initialPrice: 60000 };
const ETH: Instrument = { ...BTC, name: 'ETH/USDT', initialPrice: 3000 };
const NAMES = [BTC.name, ETH.name];
/** Per-sample vol 0.1 % for both, correlation 0.9; sample 1 s, horizon 1 s: VaR = z * sd(per sample). */
const VOL = 1e-3;
const RHO = 0.9;
const Z = normalQuantile(0.99);

function input(portfolioVar?: LimitsConfigInput['portfolioVar']): LimitsConfigInput {
  return {
    account: { grossExposureLimit: 10_000_000, dailyLossLimit: 100_000 },
    symbolDefaults: { maxPosition: 100, maxOpenOrders: 100, maxOpenNotional: 10_000_000, maxOrderNotional: 1_000_000, collarBps: 500, maxReferenceAgeMs: 60_000 },
    rateLimits: { limiters: {} },
    ...(portfolioVar ? { portfolioVar } : {}),
  };
}

function setup(limit: number | undefined, withSource = true) {
  const clock = monotonicClock();
  const table = createInstrumentTable(2);
  writeInstrumentTable(table, [BTC, ETH]);
  const cfg = parseLimitsConfig(input(limit === undefined ? undefined : { limit, horizonMs: 1000 }), 'test');
  const risk = createRiskState(cfg, NAMES, clock);
  const book = new ReferenceBook(2);
  const f = new Float64Array(8);
  for (const [s, px] of [[0, 60000], [1, 3000]]) {
    f[MarketTick.time] = clock.nowNs();
    f[MarketTick.bid] = px - 0.01;
    f[MarketTick.ask] = px + 0.01;
    f[MarketTick.last] = px;
    book.apply(s, f, 0);
  }
  const cov = new FakeCovariance(2);
  cov.publish(Float64Array.from([VOL * VOL, RHO * VOL * VOL, RHO * VOL * VOL, VOL * VOL]));
  const portfolio = withSource ? { covariance: cov, board: createPositionBoard(2), sampleMs: 1000, own: Uint8Array.of(1, 1) } : null;
  const checker = new PreTradeChecker(table, book, new LiveOrderSet(1024), risk, clock, portfolio);
  const buf = new ArrayBuffer(FRAME_BYTES);
  const i32 = new Int32Array(buf);
  const f64 = new Float64Array(buf);
  let nextId = 1;
  let accepted = 0;
  const check = (symbol: number, side: number, qty: number) => {
    checker.beginBatch();
    i32.fill(0);
    i32[Frame.kind] = FrameKind.NewOrder;
    i32[Frame.symbol] = symbol;
    i32[NewOrder.side] = side;
    i32[NewOrder.type] = OrderType.Market;
    f64[NewOrder.quantity] = qty;
    f64[NewOrder.clientId] = nextId;
    const reason = reasonName(checker.check(i32, f64, 0));
    if (reason === 'ACCEPTED') accepted = nextId;
    nextId++;
    return reason;
  };
  /** Execution report for the last accepted order: qty at price, nothing left open (qty 0: cancelled). */
  const fillLast = (qty: number, price: number) => {
    i32.fill(0);
    i32[Frame.kind] = FrameKind.Fill;
    f64[Fill.clientId] = accepted;
    f64[Fill.quantity] = qty;
    f64[Fill.price] = price;
    checker.onFill(i32, f64, 0);
  };
  /** VaR (quote) of BTC and ETH notionals, the closed form. */
  const varOf = (btc: number, eth: number) => Z * VOL * Math.sqrt(btc * btc + eth * eth + 2 * RHO * btc * eth);
  return { check, fillLast, checker, risk, cfg, varOf };
}

describe('VAR_LIMIT in the pre-trade check list', () => {
  it('rejects an order that would raise VaR over the limit; orders that lower it always pass', () => {
    const t = setup(300);
    const pv = t.checker.portfolio!;
    expect(t.check(0, Side.Buy, 1)).to.equal('ACCEPTED');
    expect(t.check(0, Side.Buy, 1)).to.equal('ACCEPTED'); // open, not filled: counted all the same
    expect(pv.valueAtRisk).to.be.closeTo(t.varOf(120_000, 0), 1e-6);
    expect(t.check(0, Side.Buy, 0.2)).to.equal('VAR_LIMIT'); // 132 000 long: VaR 307 > 300
    expect(t.check(0, Side.Buy, 0.1)).to.equal('ACCEPTED'); // 126 000 long: VaR 293
    t.fillLast(0.1, 60000);
    // A long ETH adds to a correlated long BTC; a short ETH hedges it.
    expect(t.check(1, Side.Buy, 2)).to.equal('VAR_LIMIT');
    expect(t.check(1, Side.Sell, 20)).to.equal('ACCEPTED');
    expect(pv.valueAtRisk).to.be.closeTo(t.varOf(126_000, -60_000), 1e-6);
    // The limit lowered under the VaR in force (limits reload): only orders that lower it pass.
    writeLimitsTable(t.risk.table, symbolLimitRows(t.cfg, NAMES), { ...varLimitRow(t.cfg), limit: 50 });
    expect(t.check(0, Side.Buy, 0.001)).to.equal('VAR_LIMIT');
    expect(t.check(0, Side.Sell, 0.5)).to.equal('ACCEPTED');
    expect(pv.valueAtRisk).to.be.above(50);
    expect(t.check(1, Side.Sell, 1)).to.equal('ACCEPTED'); // more ETH short: still lowers VaR
    expect(t.check(1, Side.Sell, 70)).to.equal('VAR_LIMIT'); // overshoots the hedge: raises VaR
  });

  it('a cancelled remainder gives its exposure back', () => {
    const t = setup(300);
    expect(t.check(0, Side.Buy, 2)).to.equal('ACCEPTED');
    expect(t.check(0, Side.Buy, 0.5)).to.equal('VAR_LIMIT');
    t.fillLast(0, 0); // the whole order cancelled
    expect(t.checker.portfolio!.valueAtRisk).to.be.closeTo(0, 1e-6);
    expect(t.check(0, Side.Buy, 0.5)).to.equal('ACCEPTED');
  });

  it('no check without a covariance source, nor without portfolioVar in the limits file', () => {
    for (const [limit, source] of [[300, false], [undefined, true]] as const) {
      const t = setup(limit, source);
      for (let k = 0; k < 5; k++) expect(t.check(0, Side.Buy, 1)).to.equal('ACCEPTED');
    }
    expect(setup(undefined).checker.portfolio!.enabled).to.equal(false);
  });
});

describe('portfolioVar in the limits file', () => {
  const error = (v: unknown) => {
    try {
      parseLimitsConfig({ ...input(), portfolioVar: v }, 'test.json');
    } catch (e) {
      expect(e).to.be.instanceOf(LimitsConfigError);
      return (e as Error).message;
    }
    throw new Error('expected a validation error');
  };

  it('validates at the edge, with defaults, and is off when absent', () => {
    expect(parseLimitsConfig(input({ limit: 1000 }), 't').portfolioVar).to.deep.equal({ limit: 1000, confidence: 0.99, horizonMs: 86_400_000, fallbackDailyVol: 0.05, fallbackCorrelation: 0.8 });
    expect(varLimitRow(parseLimitsConfig(input(), 't'))).to.equal(VAR_OFF);
    expect(error({ limit: 0 })).to.match(/^limits config test\.json: portfolioVar\.limit: Too small/);
    expect(error({ limit: 1, confidence: 1 })).to.match(/portfolioVar\.confidence: Too big/);
    expect(error({ limit: 1, confidence: 0.5 })).to.match(/portfolioVar\.confidence: Too small/);
    expect(error({ limit: 1, horizonMs: -1 })).to.match(/portfolioVar\.horizonMs/);
    expect(error({ limit: 1, fallbackCorrelation: 1.5 })).to.match(/portfolioVar\.fallbackCorrelation/);
    expect(error({ limit: 1, z: 2 })).to.match(/portfolioVar: Unrecognized key: "z"/);
  });

  it('reaches the workers through the limits table\'s account row, under its seqlock', () => {
    const cfg = parseLimitsConfig(input({ limit: 5000, confidence: 0.95, horizonMs: 60_000 }), 't');
    const state = createRiskState(cfg, NAMES, monotonicClock());
    const reader = new LimitsReader(state.table);
    expect(Array.from(reader.account.subarray(0, 5))).to.deep.equal([5000, 0.95, 60_000, 0.05, 0.8]);
    writeLimitsTable(state.table, symbolLimitRows(cfg, NAMES));
    expect(reader.refresh()).to.equal(true);
    expect(reader.account[AccountField.varLimit]).to.equal(0);
  });

  it('a reload sets, changes and removes it while the engine runs', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'var-limit-')), 'limits.json');
    writeFileSync(path, JSON.stringify(input()));
    const initial = readLimitsConfig(path);
    const state = createRiskState(initial.config, NAMES, monotonicClock());
    const loader = new LimitsLoader(path, initial, state, pino({ level: 'silent' }));
    const reader = new LimitsReader(state.table);
    expect(reader.account[AccountField.varLimit]).to.equal(0);
    writeFileSync(path, JSON.stringify(input({ limit: 2500, confidence: 0.975 })));
    expect(loader.reload('test').outcome).to.equal('applied');
    expect(reader.refresh()).to.equal(true);
    expect(reader.account[AccountField.varLimit]).to.equal(2500);
    expect(reader.account[AccountField.varConfidence]).to.equal(0.975);
    writeFileSync(path, JSON.stringify(input()));
    expect(loader.reload('test').outcome).to.equal('applied');
    reader.refresh();
    expect(reader.account[AccountField.varLimit]).to.equal(0);
  });
});
