/**
 * The correlation engine in the whole engine, as a user runs it: ./taskset.sh
 * --correlation on. The pool thread says once where it runs and with which
 * kernel, the workers' sampled returns become published matrices, the VaR
 * check reads them (a limits file with a low portfolioVar limit: VAR_LIMIT
 * rejects), and every order still gets exactly one decision.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scratchStateArgs } from './fixtures/scratch-state.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

interface Line {
  msg: string;
  [k: string]: unknown;
}

describe('correlation engine (--correlation on)', function () {
  this.timeout(60_000);

  it('publishes matrices from the workers sampled returns for the VaR check while every order is decided', () => {
    const limits = join(mkdtempSync(join(tmpdir(), 'bot4-corr-')), 'limits.json');
    const base = JSON.parse(readFileSync(`${root}config/limits.engine.json`, 'utf8')) as object;
    writeFileSync(limits, JSON.stringify({ ...base, portfolioVar: { limit: 200_000 } }));
    // 6 s: the first matrix needs minPoints (30) returns of 100 ms each.
    const args = ['--correlation', 'on', '--limits', limits, '--duration', '6', '--rate', '20000', '--workers', '1', '--metrics', 'json', ...scratchStateArgs()];
    const run = spawnSync(`${root}taskset.sh`, args, { cwd: root, encoding: 'utf8', timeout: 50_000 });
    expect(run.status, run.stderr).to.equal(0);
    const lines = run.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Line);
    const placement = lines.filter((l) => l.msg.startsWith('correlation pool: kernel '));
    expect(placement, 'one line at start').to.have.length(1);
    const summary = lines.find((l) => l.msg === 'summary') as Line & { generated: number; decided: number; lost: number; rejected: Record<string, number>; correlation?: Record<string, number | string> };
    expect(summary.decided).to.equal(summary.generated);
    expect(summary.lost).to.equal(0);
    expect(summary.correlation, 'summary.correlation').to.exist;
    expect(summary.correlation!.published).to.be.greaterThan(0);
    expect(summary.correlation!.failed).to.equal(0);
    expect(summary.rejected.VAR_LIMIT).to.be.greaterThan(0);
  });
});
