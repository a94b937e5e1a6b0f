/**
 * The account exposure ledger and daily loss limit on one thread, then under
 * real worker threads racing: the gross limit is never crossed (every thread
 * racing for the last unit gets exactly the limit in total), no reservation
 * or release is lost, and the daily loss limit trips the kill switch once.
 */
import { expect } from 'chai';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { breakerSettings } from '../core/breaker/breaker-settings.js';
import { createBreakerBoard } from '../core/breaker/breaker-layout.js';
import { createExposureLedger, ExposureLedger } from '../core/risk/exposure-ledger.js';
import { KillReason, TradingMode, TradingState } from '../core/breaker/trading-state.js';
import type { ExposureRacerData, ExposureRacerResult } from './fixtures/exposure-racer.js';
import { FakeClock } from './fixtures/fake-clock.js';

const THREADS = Math.max(8, 2 * os.availableParallelism());

function setup(gross: number, loss: number): { ledger: ExposureLedger; trading: TradingState; sab: SharedArrayBuffer; board: SharedArrayBuffer } {
  const board = createBreakerBoard([breakerSettings()]);
  const trading = new TradingState(board, new FakeClock());
  const sab = createExposureLedger({ exposureQuantum: 1, pnlQuantum: 0.01 });
  const ledger = new ExposureLedger(sab, trading);
  ledger.setLimits(gross, loss);
  return { ledger, trading, sab, board };
}

async function race(data: Omit<ExposureRacerData, 'ctrl' | 'seed'>): Promise<ExposureRacerResult[]> {
  const ctrl = new SharedArrayBuffer(4);
  const workers = Array.from({ length: THREADS }, (_, i) => {
    const wd: ExposureRacerData = { ...data, ctrl, seed: 0x9e3779b9 * (i + 1) };
    return new Worker(new URL('./fixtures/exposure-racer.js', import.meta.url), { workerData: wd });
  });
  const results = workers.map(
    (w) =>
      // The result counts once the racer's thread has ended: no racer outlives the test.
      new Promise<ExposureRacerResult>((resolve, reject) => {
        let result: ExposureRacerResult | undefined;
        w.once('message', (m: ExposureRacerResult) => (result = m));
        w.once('error', reject);
        w.once('exit', (code) => (result && code === 0 ? resolve(result) : reject(new Error(`racer exited ${code} without a result`))));
      }),
  );
  await Promise.all(workers.map((w) => new Promise((resolve) => w.once('online', resolve))));
  Atomics.store(new Int32Array(ctrl), 0, 1);
  return Promise.all(results);
}

describe('exposure ledger', () => {
  it('reserves up to the limit exactly, refuses past it, and releases', () => {
    const { ledger } = setup(1000, 0);
    expect(ledger.tryReserve(600)).to.equal(true);
    expect(ledger.tryReserve(401)).to.equal(false);
    expect(ledger.tryReserve(400)).to.equal(true);
    expect(ledger.used()).to.equal(1000);
    expect(ledger.tryReserve(1)).to.equal(false);
    ledger.release(400);
    expect(ledger.used()).to.equal(600);
    expect(ledger.tryReserve(0)).to.equal(true);
  });

  it('rounds notional up to whole units, so it never under-counts', () => {
    const { ledger } = setup(1000, 0);
    expect(ledger.units(99.01)).to.equal(100);
    expect(ledger.units(100)).to.equal(100);
  });

  it('settles a fill: releases the reserved part and books the position change in one add', () => {
    const { ledger } = setup(1000, 0);
    ledger.tryReserve(300);
    ledger.settle(100, 100); // a third filled, position grew by the same notional
    expect(ledger.used()).to.equal(300);
    ledger.settle(200, -50); // the rest filled against the position: it shrank
    expect(ledger.used()).to.equal(50);
  });

  it('a lowered limit refuses new reservations until exposure drains below it', () => {
    const { ledger } = setup(1000, 0);
    ledger.tryReserve(800);
    ledger.setLimits(500, 0);
    expect(ledger.tryReserve(1)).to.equal(false);
    ledger.release(400);
    expect(ledger.tryReserve(100)).to.equal(true);
    expect(ledger.tryReserve(1)).to.equal(false);
  });

  it('daily loss: trips the kill switch once the day loses the limit, and not before', () => {
    const { ledger, trading } = setup(1000, 500);
    expect(ledger.recordRealizedPnl(-300)).to.equal(false);
    expect(ledger.recordRealizedPnl(+100)).to.equal(false);
    expect(ledger.recordRealizedPnl(-299.99)).to.equal(false);
    expect(ledger.dailyLossReached()).to.equal(false);
    expect(trading.mode()).to.equal(TradingMode.ACTIVE);
    expect(ledger.recordRealizedPnl(-0.01)).to.equal(true);
    expect(ledger.dailyLossReached()).to.equal(true);
    expect(trading.mode()).to.equal(TradingMode.HALTED);
    expect(trading.killReason()).to.equal(KillReason.DAILY_LOSS);
    expect(ledger.recordRealizedPnl(-1)).to.equal(false); // already tripped
    expect(ledger.dailyPnl()).to.be.closeTo(-501, 1e-9);
    ledger.startDay(2);
    expect(ledger.dailyPnl()).to.equal(0);
    expect(ledger.day()).to.equal(2);
    expect(trading.mode()).to.equal(TradingMode.HALTED); // a new day does not release the kill switch
  });

  it('a day of profits saturates instead of wrapping the int32 into a loss', () => {
    const { ledger, trading } = setup(1000, 500);
    for (let i = 0; i < 30; i++) expect(ledger.recordRealizedPnlUnits(2 ** 29)).to.equal(false);
    expect(ledger.dailyPnl()).to.be.greaterThan(0);
    expect(ledger.dailyLossReached()).to.equal(false);
    expect(trading.mode()).to.equal(TradingMode.ACTIVE);
  });

  it('refuses limits that do not fit the fixed point', () => {
    const { ledger } = setup(1000, 0);
    expect(() => ledger.setLimits(2 ** 31, 0)).to.throw(/gross exposure limit/);
    expect(() => ledger.setLimits(1000, 2 ** 29)).to.throw(/daily loss limit/);
  });
});

describe(`exposure ledger: ${THREADS} real threads racing`, function () {
  this.timeout(60_000);

  it('every thread racing one unit at a time for the last units: exactly the limit is granted', async () => {
    for (const limit of [1, 2_000]) {
      const { ledger, sab, board } = setup(limit, 0);
      const results = await race({ ledger: sab, board, mode: 'last-unit', patience: 2000, ms: 0, count: 0, lossEach: 0 });
      expect(results.reduce((a, r) => a + r.won, 0), `limit ${limit}`).to.equal(limit);
      expect(ledger.used()).to.equal(limit);
    }
  });

  it('random reserve/release churn never sees used above the limit and loses no update', async () => {
    const { ledger, sab, board } = setup(2000, 0);
    const results = await race({ ledger: sab, board, mode: 'churn', patience: 0, ms: 400, count: 0, lossEach: 0 });
    expect(results.reduce((a, r) => a + r.violations, 0)).to.equal(0);
    expect(results.reduce((a, r) => a + r.won, 0), 'reservations granted').to.be.greaterThan(0);
    expect(ledger.used()).to.equal(results.reduce((a, r) => a + r.net, 0));
    expect(ledger.used()).to.be.at.most(2000);
  });

  it('losses booked by every thread at once: exact total, and exactly one thread trips the kill switch', async () => {
    const { ledger, sab, board, trading } = setup(1000, 5000);
    const results = await race({ ledger: sab, board, mode: 'loss', patience: 0, ms: 0, count: 10_000, lossEach: 0.25 });
    expect(results.reduce((a, r) => a + r.trips, 0)).to.equal(1);
    expect(ledger.dailyPnl()).to.be.closeTo(-0.25 * 10_000 * THREADS, 1e-6);
    expect(trading.killReason()).to.equal(KillReason.DAILY_LOSS);
  });
});
