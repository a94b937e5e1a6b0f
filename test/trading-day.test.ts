/**
 * The trading day on a fake wall clock: the roll at dayRollUtc, what it
 * releases and what it keeps, the kill switch's operator API, and the state
 * file across a restart (same day, earlier day, a crash mid-write, corrupt).
 */
import { expect } from 'chai';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { KillReason, TradingMode } from '../core/breaker/trading-state.js';
import { parseLimitsConfig, type LimitsConfig, type LimitsConfigInput } from '../core/config/limits-config.js';
import { KillSwitchControl } from '../engine/kill-switch.js';
import { createRiskState, type RiskState } from '../engine/risk-state.js';
import { STATE_TMP_NAME, StateFileError, readStateFile, stateFilePath, type StateFile } from '../engine/state-file.js';
import { TradingDay, dayStartMs } from '../engine/trading-day.js';
import { FakeClock } from './fixtures/fake-clock.js';

const EXAMPLE = new URL('../../config/limits.example.json', import.meta.url);

interface Line { level: number; msg: string }

function limits(account: Partial<LimitsConfigInput['account']>): LimitsConfig {
  const c = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as LimitsConfigInput;
  c.account = { ...c.account, dailyLossLimit: 1_000, ...account };
  return parseLimitsConfig(c, 'test');
}

/** One engine's worth of day keeping over a state directory, on a wall clock the test sets. */
class Rig {
  readonly risk: RiskState;
  readonly kill: KillSwitchControl;
  readonly day: TradingDay;
  readonly lines: Line[] = [];

  constructor(
    readonly dir: string,
    readonly wall: { ms: number },
    config = limits({}),
  ) {
    const log = pino({ level: 'info' }, { write: (s: string) => void this.lines.push(JSON.parse(s) as Line) });
    this.risk = createRiskState(config, ['BTC/USDT'], new FakeClock());
    this.kill = new KillSwitchControl(this.risk, log);
    this.day = new TradingDay({ risk: this.risk, kill: this.kill, stateDir: dir, rollUtc: () => config.account.dayRollUtc, wallClockMs: () => this.wall.ms, log });
  }

  file(): StateFile {
    return JSON.parse(readFileSync(stateFilePath(this.dir), 'utf8')) as StateFile;
  }
}

const T0 = Date.parse('2026-12-03T10:00:00.000Z');
const newDir = () => mkdtempSync(join(tmpdir(), 'bot4-state-'));

/** A day that lost `pnl` (over the limit, so the daily-loss kill trips), saved to a fresh state dir. */
function dayWithLoss(pnl: number): { dir: string; wall: { ms: number }; a: Rig } {
  const dir = newDir();
  const wall = { ms: T0 };
  const a = new Rig(dir, wall);
  a.day.start();
  a.risk.exposure.recordRealizedPnl(pnl);
  a.day.poll();
  return { dir, wall, a };
}

describe('trading day', () => {
  it('dayStartMs: the day begins at the roll time, UTC', () => {
    expect(new Date(dayStartMs(T0, '00:00')).toISOString()).to.equal('2026-12-03T00:00:00.000Z');
    expect(new Date(dayStartMs(T0, '22:00')).toISOString()).to.equal('2026-12-02T22:00:00.000Z');
    expect(new Date(dayStartMs(Date.parse('2026-12-03T22:00:00.000Z'), '22:00')).toISOString()).to.equal('2026-12-03T22:00:00.000Z');
  });

  it('limits config: dayRollUtc defaults to 00:00 and must be HH:MM', () => {
    const c = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as LimitsConfigInput;
    delete c.account.dayRollUtc;
    expect(parseLimitsConfig(c, 'x').account.dayRollUtc).to.equal('00:00');
    expect(() => parseLimitsConfig({ ...c, account: { ...c.account, dayRollUtc: '24:00' } }, 'x')).to.throw(/account\.dayRollUtc/);
  });

  it('rolls at the configured time: PnL starts at 0 and a daily-loss kill is released (logged)', () => {
    const wall = { ms: Date.parse('2026-12-03T21:59:58.000Z') };
    const r = new Rig(newDir(), wall, limits({ dayRollUtc: '22:00' }));
    r.day.start();
    r.risk.exposure.recordRealizedPnl(-1_500);
    expect(r.risk.registry.trading.killReason()).to.equal(KillReason.DAILY_LOSS);
    wall.ms += 1_000; // 21:59:59
    r.day.poll();
    expect(r.risk.exposure.dailyPnl()).to.equal(-1_500);
    expect(r.risk.registry.trading.mode()).to.equal(TradingMode.HALTED);
    wall.ms += 1_000; // 22:00:00
    r.day.poll();
    expect(r.risk.exposure.dailyPnl()).to.equal(0);
    expect(r.risk.registry.trading.mode()).to.equal(TradingMode.ACTIVE);
    expect(r.lines.some((l) => l.msg.startsWith('trading day rolled at 2026-12-03T22:00:00.000Z'))).to.equal(true);
    expect(r.lines.some((l) => l.msg.startsWith('kill switch released (day roll)'))).to.equal(true);
    expect(r.file().dayStart).to.equal('2026-12-03T22:00:00.000Z');
  });

  it("the roll keeps an operator's kill", () => {
    const wall = { ms: T0 };
    const r = new Rig(newDir(), wall);
    r.day.start();
    r.risk.exposure.recordRealizedPnl(-1_500);
    r.kill.kill('test');
    wall.ms += 86_400_000;
    r.day.poll();
    expect(r.risk.exposure.dailyPnl()).to.equal(0);
    expect(r.risk.registry.trading.killReason()).to.equal(KillReason.OPERATOR);
  });

  it('releaseKill: refused while the loss is over the limit, with the reason; allowed once under', () => {
    const wall = { ms: T0 };
    const r = new Rig(newDir(), wall);
    r.day.start();
    expect(r.kill.releaseKill()).to.deep.equal({ ok: false, reason: 'the kill switch is not tripped' });
    r.kill.kill('test');
    r.risk.exposure.recordRealizedPnl(-1_500);
    const refused = r.kill.releaseKill();
    expect(refused.ok).to.equal(false);
    expect(!refused.ok && refused.reason).to.match(/still at or over the daily loss limit/);
    expect(r.risk.registry.trading.killReason()).to.equal(KillReason.OPERATOR);
    r.risk.exposure.recordRealizedPnl(600);
    expect(r.kill.releaseKill()).to.deep.equal({ ok: true });
    expect(r.risk.registry.trading.mode()).to.equal(TradingMode.ACTIVE);
    expect(r.lines.filter((l) => l.level === 30).map((l) => l.msg)).to.include('kill switch released by the operator: operator -> off; trading ACTIVE');
  });

  it('a restart on the same day resumes the loss and the kill (defect 1: a restart no longer resets the limit)', () => {
    const { dir, wall, a } = dayWithLoss(-1_500);
    expect(a.file()).to.include({ dailyPnl: -1_500, tradingState: 'ACTIVE' });
    expect(a.file().kill?.reason).to.equal('daily-loss-limit');
    wall.ms += 3_600_000;
    const b = new Rig(dir, wall);
    b.day.start();
    expect(b.risk.exposure.dailyPnl()).to.equal(-1_500);
    expect(b.risk.registry.trading.killReason()).to.equal(KillReason.DAILY_LOSS);
    expect(b.kill.releaseKill().ok).to.equal(false);
  });

  it('a restart keeps a HALTED mode and an operator kill from the file even when the limits file says ACTIVE', () => {
    const dir = newDir();
    const wall = { ms: T0 };
    const a = new Rig(dir, wall, limits({ tradingState: 'HALTED' }));
    a.day.start();
    const b = new Rig(dir, wall);
    b.day.start();
    expect(b.risk.registry.trading.configured()).to.equal(TradingMode.HALTED);
    b.risk.registry.trading.setConfigured(TradingMode.ACTIVE);
    b.kill.kill('test');
    b.day.poll();
    wall.ms += 2 * 86_400_000;
    const c = new Rig(dir, wall);
    c.day.start();
    expect(c.risk.registry.trading.killReason(), 'an operator kill outlives the day').to.equal(KillReason.OPERATOR);
  });

  it('a file from an earlier day starts a new day (logged) and drops its daily-loss kill', () => {
    const { dir, wall, a } = dayWithLoss(-1_500);
    wall.ms += 86_400_000;
    const b = new Rig(dir, wall);
    b.day.start();
    expect(b.risk.exposure.dailyPnl()).to.equal(0);
    expect(b.risk.registry.trading.killReason()).to.equal(0);
    expect(b.lines.some((l) => /is from the trading day of 2026-12-03T00:00:00.000Z: a new day from 2026-12-04T00:00:00.000Z/.test(l.msg))).to.equal(true);
  });

  it('a crash between writing the temporary file and the rename leaves the old file whole', () => {
    const dir = newDir();
    const wall = { ms: T0 };
    const a = new Rig(dir, wall);
    a.day.start();
    a.risk.exposure.recordRealizedPnl(-300);
    a.day.poll();
    const before = readFileSync(stateFilePath(dir), 'utf8');
    // What a crash mid-write leaves: a partly written temporary file, never renamed.
    writeFileSync(join(dir, STATE_TMP_NAME), '{"version":1,"dayStart":"2026-');
    expect(readFileSync(stateFilePath(dir), 'utf8')).to.equal(before);
    expect(readStateFile(dir)?.dailyPnl).to.equal(-300);
    const b = new Rig(dir, wall);
    b.day.start();
    expect(b.risk.exposure.dailyPnl()).to.equal(-300);
    expect(existsSync(join(dir, STATE_TMP_NAME)), 'the next write replaces the leftover').to.equal(false);
  });

  it('an unreadable, corrupt or invalid file stops the start with one line, and is left as it was', () => {
    const dir = newDir();
    const cases: Array<[string, RegExp]> = [
      ['{"version":1,', /^state file .*state\.json: invalid JSON \(.*\); fix or remove it$/],
      [JSON.stringify({ version: 2, dayStart: '2026-12-03T00:00:00.000Z', dailyPnl: 0, tradingState: 'ACTIVE', kill: null, writtenAt: '2026-12-03T00:00:00.000Z' }), /^state file .*state\.json: version: .*; fix or remove it$/],
      [JSON.stringify({ version: 1, dayStart: '2026-12-03T00:00:00.000Z', dailyPnl: 'x', tradingState: 'ACTIVE', kill: null, writtenAt: '2026-12-03T00:00:00.000Z' }), /^state file .*state\.json: dailyPnl: .*; fix or remove it$/],
    ];
    const unreadable = newDir();
    mkdirSync(stateFilePath(unreadable)); // readFileSync then fails with EISDIR, as an unreadable file would
    expect(() => new Rig(unreadable, { ms: T0 }).day.start()).to.throw(StateFileError, /^state file .*state\.json: cannot read \(EISDIR\)$/);
    for (const [text, message] of cases) {
      writeFileSync(stateFilePath(dir), text);
      const r = new Rig(dir, { ms: T0 });
      expect(() => r.day.start()).to.throw(StateFileError, message);
      expect(readFileSync(stateFilePath(dir), 'utf8')).to.equal(text);
    }
  });

  it('creates a missing state directory and writes only when something changed', () => {
    const dir = join(newDir(), 'nested', 'state');
    const wall = { ms: T0 };
    const r = new Rig(dir, wall);
    r.day.start();
    const first = r.file().writtenAt;
    wall.ms += 1_000;
    r.day.poll();
    expect(r.file().writtenAt, 'nothing changed: no write').to.equal(first);
    r.risk.exposure.recordRealizedPnl(-1);
    r.day.poll();
    expect(r.file()).to.include({ version: 1, dailyPnl: -1, writtenAt: new Date(wall.ms).toISOString() });
  });
});
