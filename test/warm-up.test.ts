/**
 * Warm-up runs synthetic orders through the real order path on scratch
 * state: afterwards the shared risk state (limits, breakers, exposure,
 * limiters) is byte for byte what it was, and the orders really ran.
 */
import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { readLimitsConfig } from '../core/config/limits-config.js';
import { monotonicClock } from '../core/clock/monotonic-clock.js';
import { DEFAULT_LOAD, reservedSymbols } from '../core/generator/order-generator.js';
import { writeInstrumentTable } from '../core/instruments/instrument.js';
import { buildUniverse } from '../core/instruments/universe.js';
import { createRiskState } from '../engine/risk-state.js';
import { createInstrumentTable } from '../ipc/instrument-table-layout.js';
import { warmUp } from '../workers/warm-up.js';

describe('warm-up', function () {
  this.timeout(30_000);

  it('runs the order path on scratch copies: the shared risk state is untouched', () => {
    const clock = monotonicClock();
    const universe = buildUniverse(16, 1);
    universe[reservedSymbols(universe.length, false).halted].trading = false;
    const instrumentTable = createInstrumentTable(universe.length);
    writeInstrumentTable(instrumentTable, universe);
    const limits = readLimitsConfig(fileURLToPath(new URL('../../config/limits.engine.json', import.meta.url)));
    const state = createRiskState(limits.config, universe.map((i) => i.name), clock);
    const risk = { table: state.table, board: state.board, ledger: state.ledger, limiters: state.limiters };
    const before = Object.values(risk).map((sab) => Buffer.from(new Uint8Array(sab)));
    const result = warmUp({ orders: 40_000, instruments: universe, instrumentTable, risk, maxBatch: 256, liveOrderCapacity: 1 << 14, seed: 1, load: DEFAULT_LOAD }, clock);
    expect(result.orders).to.be.at.least(40_000);
    expect(result.ns).to.be.greaterThan(0);
    Object.values(risk).forEach((sab, i) => expect(Buffer.from(new Uint8Array(sab)).equals(before[i]), Object.keys(risk)[i]).to.equal(true));
  });

  it('does nothing when asked for no orders (a restarted worker)', () => {
    const clock = monotonicClock();
    const universe = buildUniverse(4, 1);
    const instrumentTable = createInstrumentTable(universe.length);
    writeInstrumentTable(instrumentTable, universe);
    const limits = readLimitsConfig(fileURLToPath(new URL('../../config/limits.engine.json', import.meta.url)));
    const state = createRiskState(limits.config, universe.map((i) => i.name), clock);
    const risk = { table: state.table, board: state.board, ledger: state.ledger, limiters: state.limiters };
    expect(warmUp({ orders: 0, instruments: universe, instrumentTable, risk, maxBatch: 256, liveOrderCapacity: 1 << 14, seed: 1, load: DEFAULT_LOAD }, clock)).to.deep.equal({ orders: 0, ns: 0 });
  });
});
