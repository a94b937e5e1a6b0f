/**
 * The state file through whole engines: a restart on the same trading day
 * keeps the day's loss and the kill it tripped (every order TRADING_HALTED, a
 * release refused), and a corrupt file stops the launcher with one line, exit 3.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { parseEngineOptions, type EngineOptions } from '../../core/config/engine-options.js';
import { startEngine } from '../../engine/engine.js';
import { stateFilePath, type StateFile } from '../../engine/state-file.js';
import { dayStartMs } from '../../engine/trading-day.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

interface Summary { decided: number; accepted: number; rejected: Record<string, number>; risk: { trading: string; killReason?: string; dailyPnl: number } }

async function runEngine(stateDir: string): Promise<{ summary: Summary; release: ReturnType<Awaited<ReturnType<typeof startEngine>>['killSwitch']['releaseKill']> }> {
  const opts = parseEngineOptions(['--workers', '1', '--sources', '1', '--rate', '20000', '--duration', '1', '--metrics', 'json', '--state-dir', stateDir], 2, false) as EngineOptions;
  // The workers log at the level the engine's log reports: 'warn' keeps their start and stop lines out of the output.
  const log = pino({ level: 'silent' });
  const run = await startEngine(opts, new Proxy(log, { get: (t, k, r) => (k === 'level' ? 'warn' : Reflect.get(t, k, r)) }));
  const release = run.killSwitch.releaseKill();
  return { summary: (await run.done) as unknown as Summary, release };
}

describe('state file across restarts', function () {
  this.timeout(60_000);

  it("a restart on the same day keeps the day's loss and its kill: every order is halted, a release is refused", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bot4-state-e2e-'));
    const now = Date.now();
    // The engine's limits file allows a daily loss of 10,000,000: this day has lost more (within the ledger's int32 range of 2^30 cents).
    const today: StateFile = { version: 1, dayStart: new Date(dayStartMs(now, '00:00')).toISOString(), dailyPnl: -10_500_000, tradingState: 'ACTIVE', kill: null, writtenAt: new Date(now).toISOString() };
    writeFileSync(stateFilePath(dir), JSON.stringify(today));
    for (const pass of ['first start', 'second start, on what the first wrote']) {
      const { summary, release } = await runEngine(dir);
      expect(summary.decided, pass).to.be.greaterThan(0);
      expect(summary.accepted, pass).to.equal(0);
      expect(summary.rejected.TRADING_HALTED, pass).to.equal(summary.decided);
      expect(summary.risk, pass).to.include({ trading: 'HALTED', killReason: 'daily-loss-limit', dailyPnl: -10_500_000 });
      expect(release.ok, pass).to.equal(false);
      const saved = JSON.parse(readFileSync(stateFilePath(dir), 'utf8')) as StateFile;
      expect(saved, pass).to.include({ dayStart: today.dayStart, dailyPnl: -10_500_000 });
      expect(saved.kill?.reason, pass).to.equal('daily-loss-limit');
    }
  });

  it('a corrupt state file stops the launcher with one line and exit 3', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bot4-state-e2e-'));
    writeFileSync(stateFilePath(dir), '{"version":1,');
    const r = spawnSync(`${root}taskset.sh`, ['--state-dir', dir, '--duration', '1'], { cwd: root, encoding: 'utf8', timeout: 20_000 });
    expect(r.status).to.equal(3);
    expect(r.stderr.trim().split('\n')).to.have.length(1);
    expect(r.stderr).to.match(/^bot4: the engine could not start: state file .*state\.json: invalid JSON \(.*\); fix or remove it\n$/);
    expect(readFileSync(stateFilePath(dir), 'utf8')).to.equal('{"version":1,');
  });
});
