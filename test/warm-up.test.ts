/**
 * Warm-up runs synthetic orders through the real order path on scratch
 * state: afterwards the shared risk state (limits, breakers, exposure,
 * limiters) is byte for byte what it was, and the orders really ran.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { monotonicClock } from '../core/clock/monotonic-clock.js';
import { DEFAULT_LOAD } from '../core/generator/order-generator.js';
import { warmUp } from '../workers/warm-up.js';
import { engineState } from './fixtures/engine-state.js';

describe('warm-up', function () {
  this.timeout(30_000);

  it('runs the order path on scratch copies: the shared risk state is untouched', () => {
    const clock = monotonicClock();
    const { universe, instruments: instrumentTable, risk } = engineState(16, 1);
    const before = Object.values(risk).map((sab) => Buffer.from(new Uint8Array(sab)));
    const result = warmUp({ orders: 40_000, instruments: universe, instrumentTable, risk, maxBatch: 256, liveOrderCapacity: 1 << 14, seed: 1, load: DEFAULT_LOAD }, clock);
    expect(result.orders).to.be.at.least(40_000);
    expect(result.ns).to.be.greaterThan(0);
    Object.values(risk).forEach((sab, i) => expect(Buffer.from(new Uint8Array(sab)).equals(before[i]), Object.keys(risk)[i]).to.equal(true));
  });

  for (const mode of ['generate', 'replay'] as const) {
    it(`leaves the threads' loop optimised (--source-mode ${mode}): its own ending (stop, drain, Shutdown) does not deoptimise it before traffic`, () => {
      // A process of its own: natives syntax, and the V8 flags taskset.sh starts the engine with.
      const fixture = fileURLToPath(new URL('./fixtures/warm-up-opt-status.js', import.meta.url));
      const run = spawnSync(process.execPath, ['--no-memory-reducer', '--no-use-osr', '--allow-natives-syntax', fixture, mode], { encoding: 'utf8', timeout: 25_000 });
      expect(run.status, run.stderr).to.equal(0);
      expect(JSON.parse(run.stdout)).to.deep.equal({ 'AgentRunner.runSlice': true });
    });
  }

  it('does nothing when asked for no orders (a restarted worker)', () => {
    const clock = monotonicClock();
    const { universe, instruments: instrumentTable, risk } = engineState(4, 1);
    expect(warmUp({ orders: 0, instruments: universe, instrumentTable, risk, maxBatch: 256, liveOrderCapacity: 1 << 14, seed: 1, load: DEFAULT_LOAD }, clock)).to.deep.equal({ orders: 0, ns: 0 });
  });
});
