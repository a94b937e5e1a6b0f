/**
 * Warm-up runs synthetic orders through the real order path on scratch
 * state: afterwards the shared risk state (limits, breakers, exposure,
 * limiters) is byte for byte what it was, and the orders really ran.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { expect } from 'chai';
import { monotonicClock } from '../core/clock/monotonic-clock.js';
import { DEFAULT_LOAD } from '../core/generator/order-generator.js';
import { Reason, reasonName } from '../core/risk/reject-reason.js';
import { scratchRisk, warmUp } from '../workers/warm-up.js';
import { RiskWeather } from '../workers/warm-up-weather.js';
import { engineState } from './fixtures/engine-state.js';
import type { RareOutcomesResult } from './fixtures/rare-outcomes-run.js';

function rareOutcomesRun(ordersPerStep: number): Promise<RareOutcomesResult> {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL('./fixtures/rare-outcomes-run.js', import.meta.url), { workerData: { ordersPerStep } });
    w.once('message', resolve);
    w.once('error', reject);
  });
}

/** The reasons among `byReason`'s counts that are not zero, by name. */
function seen(byReason: number[]): string[] {
  return byReason.flatMap((n, r) => (n > 0 ? [reasonName(r)] : []));
}

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

  for (const correlation of [false, true]) {
    it(`takes the scratch state through every rare outcome${correlation ? ' (with the VaR check)' : ''}: each step's reject reason is among its decisions, and the state is put back`, () => {
      const clock = monotonicClock();
      const { universe, instruments: instrumentTable, risk } = engineState(16, 1);
      const before = Object.values(risk).map((sab) => Buffer.from(new Uint8Array(sab)));
      const result = warmUp({ orders: 40_000, instruments: universe, instrumentTable, risk, maxBatch: 256, liveOrderCapacity: 1 << 14, seed: 1, load: DEFAULT_LOAD, returnsWindow: correlation ? 64 : undefined }, clock);
      const reasons = new RiskWeather(risk, clock, correlation).steps.map((s) => reasonName(s.reason));
      expect(reasons).to.include.members(['POSITION_LIMIT', 'OPEN_ORDERS_LIMIT', 'OPEN_NOTIONAL_LIMIT', 'SYMBOL_DISABLED', 'GROSS_EXPOSURE_LIMIT', 'DAILY_LOSS_LIMIT', 'TRADING_HALTED', 'CIRCUIT_OPEN', 'RATE_LIMITED', 'REDUCE_ONLY_MODE']);
      expect(reasons.includes('VAR_LIMIT')).to.equal(correlation);
      const decided = seen(result.byReason);
      // The stalled worker's: a full ring (paced orders wait, then BACKPRESSURE) and a full live-order set.
      expect([...reasons, 'ACCEPTED', 'BACKPRESSURE', 'OPEN_ORDER_TABLE_FULL'].filter((r) => !decided.includes(r)), 'reasons warm-up never decided').to.deep.equal([]);
      Object.values(risk).forEach((sab, i) => expect(Buffer.from(new Uint8Array(sab)).equals(before[i]), Object.keys(risk)[i]).to.equal(true));
    });
  }

  it('RiskWeather.clear() puts the scratch state back after every step', () => {
    const clock = monotonicClock();
    const { risk } = engineState(8, 1);
    const copy = scratchRisk(risk);
    const weather = new RiskWeather(copy, clock, true);
    const ledgerBefore = Buffer.from(new Uint8Array(copy.ledger));
    const boardBefore = Buffer.from(new Uint8Array(copy.board));
    for (const step of weather.steps) {
      step.apply();
      weather.clear();
      expect(Buffer.from(new Uint8Array(copy.board)).equals(boardBefore), `board after ${reasonName(step.reason)}`).to.equal(true);
      expect(Buffer.from(new Uint8Array(copy.ledger)).equals(ledgerBefore), `ledger after ${reasonName(step.reason)}`).to.equal(true);
    }
  });

  it('leaves traffic nothing to deoptimise: orders through every rare outcome after warm-up, zero GCs', async () => {
    // Without the rare outcomes in warm-up, the first POSITION_LIMIT alone cost the worker 5-7
    // scavenges in --rate max runs: the branch was compiled as a deoptimisation.
    const r = await rareOutcomesRun(50_000);
    const decided = seen(r.byReason);
    expect([...r.stepReasons.map(reasonName), 'OPEN_ORDER_TABLE_FULL'].filter((n) => !decided.includes(n)), 'reasons the traffic never decided').to.deep.equal([]);
    expect(r.byReason[Reason.ACCEPTED]).to.be.greaterThan(0);
    expect(r.gcs, `${r.gcs} GCs`).to.equal(0);
  });

  it('does nothing when asked for no orders (a restarted worker)', () => {
    const clock = monotonicClock();
    const { universe, instruments: instrumentTable, risk } = engineState(4, 1);
    expect(warmUp({ orders: 0, instruments: universe, instrumentTable, risk, maxBatch: 256, liveOrderCapacity: 1 << 14, seed: 1, load: DEFAULT_LOAD }, clock)).to.deep.equal({ orders: 0, ns: 0, byReason: [] });
  });
});
