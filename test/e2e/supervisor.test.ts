/**
 * A worker that dies mid-run is restarted on its rings: the run still ends
 * with every order decided exactly once as far as the ledger can tell (a
 * decision repeated by the crash is counted as a duplicate, never lost).
 */
import { expect } from 'chai';
import pino from 'pino';
import { parseEngineOptions, type EngineOptions } from '../../core/config/engine-options.js';
import { monotonicClock } from '../../core/clock/monotonic-clock.js';
import { assembleEngine } from '../../engine/assembly.js';
import { startEngine } from '../../engine/engine.js';
import { scratchStateArgs } from './fixtures/scratch-state.js';
import { Supervisor } from '../../engine/supervisor.js';

interface Metrics { msg: string; accepted: number; rejected: number }

describe('supervisor', function () {
  this.timeout(60_000);

  it('restarts a killed worker on its rings and loses no order', async () => {
    // The engine's own log, captured: its once-a-second metrics lines say how many orders were
    // decided in each second (accepted + rejected), exactly, whatever the machine's speed.
    const lines: Metrics[] = [];
    const log = pino({ level: 'info' }, { write: (s: string) => void lines.push(JSON.parse(s) as Metrics) });
    const decidedSoFar = () => lines.filter((l) => l.msg === 'metrics').reduce((a, l) => a + l.accepted + l.rejected, 0);
    const until = async (cond: () => boolean) => {
      while (!cond()) await new Promise((r) => setTimeout(r, 20));
    };

    const opts = parseEngineOptions(['--workers', '2', '--rate', '100000', '--duration', '0', '--metrics', 'json', ...scratchStateArgs()], 2, false) as EngineOptions;
    // The workers log at the level the engine's log reports: 'warn' keeps their start and stop lines out of the test's output.
    const run = await startEngine(opts, new Proxy(log, { get: (t, k, r) => (k === 'level' ? 'warn' : Reflect.get(t, k, r)) }));
    await until(() => decidedSoFar() > 0); // orders flow
    const beforeKill = decidedSoFar();
    await run.supervisor.kill(1);
    await until(() => decidedSoFar() > beforeKill); // and flow again after the kill
    run.stop('test');
    const summary = (await run.done) as { generated: number; decided: number; lost: number; duplicates: number; workers: Array<{ restarts: number }> };
    expect(summary.workers[1].restarts).to.equal(1);
    expect(beforeKill, 'orders decided before the kill').to.be.greaterThan(0);
    expect(summary.decided, 'orders decided after the kill').to.be.greaterThan(beforeKill);
    expect(summary.lost).to.equal(0);
    expect(summary.decided).to.equal(summary.generated);
  });

  it('start() fails at once, naming the thread and its error, when a thread dies while starting', async () => {
    const opts = parseEngineOptions(['--workers', '1', '--sources', '1', '--metrics', 'json', ...scratchStateArgs()], 2, false) as EngineOptions;
    const asm = assembleEngine(opts, monotonicClock(), 'warn');
    // A source whose warm-up gets a buffer that is not an instrument table throws when it attaches it.
    const broken = { ...asm.sourceConfigs[0], warmUp: { ...asm.sourceConfigs[0].warmUp, instrumentTable: new SharedArrayBuffer(64) } };
    const fatal: string[] = [];
    const supervisor = new Supervisor(asm.workerConfigs, [broken], pino({ level: 'silent' }), (reason) => fatal.push(reason));
    let failure: Error | undefined;
    await supervisor.start().catch((e: Error) => (failure = e));
    await supervisor.stop(100); // the worker, warm and waiting for traffic, is terminated
    expect(failure?.message).to.match(/^source 0 died \(exit code 1: .*instrument/i);
    expect(fatal, 'a run that never began is not stopped: start() reports it').to.deep.equal([]);
  });
});
