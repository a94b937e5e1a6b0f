/**
 * The daily loss limit under a reload (defects 1 and 2 of "Operator control and
 * safety"): a raised limit lifts a daily-loss kill, a lowered one that the day's
 * loss already passes trips it at once, with the breaker watcher's one warn line.
 */
import { expect } from 'chai';
import { mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { BreakerWatcher } from '../core/breaker/breaker-watcher.js';
import { KillReason, TradingMode } from '../core/breaker/trading-state.js';
import { readLimitsConfig, type LimitsConfigInput } from '../core/config/limits-config.js';
import { LimitsLoader } from '../engine/limits-loader.js';
import { createRiskState, type RiskState } from '../engine/risk-state.js';
import { FakeClock } from './fixtures/fake-clock.js';

const EXAMPLE = new URL('../../config/limits.example.json', import.meta.url);

interface Line { level: number; msg: string }

describe('daily loss limit on reload', () => {
  let path: string;
  let state: RiskState;
  let loader: LimitsLoader;
  let lines: Line[];
  let logger: pino.Logger;

  function writeLimits(dailyLossLimit: number): void {
    const c = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as LimitsConfigInput;
    c.account.dailyLossLimit = dailyLossLimit;
    writeFileSync(`${path}.tmp`, JSON.stringify(c));
    renameSync(`${path}.tmp`, path);
  }

  beforeEach(() => {
    path = join(mkdtempSync(join(tmpdir(), 'bot4-loss-')), 'limits.json');
    writeLimits(1_000);
    const initial = readLimitsConfig(path);
    // Every symbol the example file lists: an entry this run lacks would add a warn line of its own.
    state = createRiskState(initial.config, ['BTC/USDT', 'ETH/USDT', 'DOGE/USDT'], new FakeClock());
    lines = [];
    logger = pino({ level: 'info' }, { write: (s: string) => void lines.push(JSON.parse(s) as Line) });
    loader = new LimitsLoader(path, initial, state, logger);
  });

  afterEach(() => loader.close());

  it('defect 1: a raised limit lifts the daily-loss kill once the loss is under it; an operator kill stays', () => {
    expect(state.exposure.recordRealizedPnl(-1_500), 'the loss trips the kill switch').to.equal(true);
    expect(state.registry.trading.mode()).to.equal(TradingMode.HALTED);
    writeLimits(1_200);
    loader.reload('test');
    expect(state.registry.trading.killReason(), 'raised, but still under the loss').to.equal(KillReason.DAILY_LOSS);
    writeLimits(2_000);
    expect(loader.reload('test').outcome).to.equal('applied');
    expect(state.registry.trading.killReason()).to.equal(0);
    expect(state.registry.trading.mode()).to.equal(TradingMode.ACTIVE);
    state.registry.trading.trip(KillReason.OPERATOR);
    writeLimits(3_000);
    loader.reload('test');
    expect(state.registry.trading.killReason(), "a reload never lifts an operator's kill").to.equal(KillReason.OPERATOR);
  });

  it("defect 2: a limit lowered below the day's loss trips the kill switch, with one warn line", () => {
    const watcher = new BreakerWatcher(state.registry);
    state.exposure.recordRealizedPnl(-600);
    expect(state.registry.trading.mode()).to.equal(TradingMode.ACTIVE);
    writeLimits(500);
    expect(loader.reload('test').outcome).to.equal('applied');
    expect(state.registry.trading.killReason()).to.equal(KillReason.DAILY_LOSS);
    expect(state.registry.trading.mode()).to.equal(TradingMode.HALTED);
    watcher.logTransitions(logger);
    const warns = lines.filter((l) => l.level === 40).map((l) => l.msg);
    expect(warns).to.deep.equal(['breaker kill CLOSED -> FORCED_OPEN (daily-loss-limit)']);
  });
});
