/**
 * Crash scenarios through the whole engine (`npm run scenario -- NAME`): for
 * every event, the daily loss limit trips the kill switch, the engine halts
 * (every later order TRADING_HALTED, HALTED at the end), and the day's realized
 * loss exceeds the limit by at most one order's worth (the limits file's
 * maxOrderNotional): what the fills of orders accepted just before the trip add.
 * Each run takes a few seconds (warm-up, then about 1.5-2 s of path).
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SCENARIO_NAMES } from '../../sim/scenarios/events.js';
import type { ScenarioReport } from '../../sim/scenarios/scenario-report.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const script = `${root}dist/scripts/scenario.js`;

function scenario(args: string[]): { code: number | null; report?: ScenarioReport; stdout: string; stderr: string } {
  const r = spawnSync('node', ['--no-memory-reducer', '--no-use-osr', script, ...args], { cwd: root, encoding: 'utf8', timeout: 30_000 });
  const line = r.stdout.split('\n').find((l) => l.startsWith('{"scenario"'));
  return { code: r.status, report: line ? (JSON.parse(line) as ScenarioReport) : undefined, stdout: r.stdout, stderr: r.stderr };
}

describe('crash scenarios (npm run scenario)', function () {
  this.timeout(40_000);

  for (const name of SCENARIO_NAMES) {
    it(`${name}: the daily loss limit halts the engine, the loss stays within one order of the limit`, () => {
      const { code, report, stderr } = scenario([name, '--json']);
      expect(code, stderr).to.equal(0);
      expect(report, 'a JSON report line').to.exist;
      const r = report!;
      expect(r.orders.lost).to.equal(0);
      expect(r.orders.decided).to.equal(r.orders.generated);
      expect(r.killSwitch.reason).to.equal('daily-loss-limit');
      expect(r.killSwitch.tradingAtEnd).to.equal('HALTED');
      expect(r.rejectsByReason.TRADING_HALTED ?? 0, 'orders after the halt are refused').to.be.greaterThan(0);
      expect(r.realizedLoss.loss, 'the loss reached the limit (that is what tripped it)').to.be.at.least(r.realizedLoss.limit);
      expect(r.realizedLoss.loss, 'loss within one order of the limit').to.be.at.most(r.realizedLoss.limit + r.realizedLoss.oneOrder);
      expect(r.peakExposure.used).to.be.at.most(r.peakExposure.limit);
      expect(r.correlation!.atWorst!.mean).to.be.greaterThan(r.correlation!.before!.mean);
    });
  }

  it('names an unknown scenario and exits 2; --list names them all', () => {
    const bad = scenario(['covid-2021']);
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.match(/unknown scenario 'covid-2021'/);
    const list = scenario(['--list']);
    expect(list.code).to.equal(0);
    for (const name of SCENARIO_NAMES) expect(list.stdout).to.include(name);
  });
});
