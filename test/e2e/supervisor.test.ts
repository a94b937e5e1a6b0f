/**
 * A worker that dies mid-run is restarted on its rings: the run still ends
 * with every order decided exactly once as far as the ledger can tell (a
 * decision repeated by the crash is counted as a duplicate, never lost).
 */
import { expect } from 'chai';
import { parseEngineOptions, type EngineOptions } from '../../core/config/engine-options.js';
import { createLogger } from '../../core/logging/logger.js';
import { startEngine } from '../../scripts/engine/engine.js';

describe('supervisor', function () {
  this.timeout(60_000);

  it('restarts a killed worker on its rings and loses no order', async () => {
    const opts = parseEngineOptions(['--workers', '2', '--rate', '100000', '--duration', '3', '--metrics', 'json'], 2, false) as EngineOptions;
    const run = await startEngine(opts, createLogger('test', 2, 'silent'));
    await new Promise((r) => setTimeout(r, 1000));
    await run.supervisor.kill(1);
    const summary = (await run.done) as { generated: number; decided: number; lost: number; duplicates: number; workers: Array<{ restarts: number }> };
    expect(summary.workers[1].restarts).to.equal(1);
    expect(summary.lost).to.equal(0);
    expect(summary.decided).to.equal(summary.generated);
    expect(summary.generated).to.be.greaterThan(200_000);
  });
});
