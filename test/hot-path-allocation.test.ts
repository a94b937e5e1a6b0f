/**
 * "The hot path allocates nothing", proven by counting garbage collections:
 * an order source (generator, dispatcher, decision collector, stand-in
 * exchange) and a risk worker (the full pre-trade check list on the shared
 * risk state, decisions, fills, ticks, the correlation engine's sampling of
 * each tick's mid at a 1 ms slot), built by workers/thread-parts.ts as
 * the threads build theirs, run together in one thread over millions of
 * orders after a warm-up, and not one GC may happen.
 */
import { createPositionBoard } from '../core/risk/position-board.js';
import { expect } from 'chai';
import { monotonicClock } from '../core/clock/monotonic-clock.js';
import { DEFAULT_LOAD } from '../core/generator/order-generator.js';
import { GcMeter } from '../core/metrics/gc-meter.js';
import { createDoorbell } from '../ipc/doorbell.js';
import { createSourceStats, SourceStat, sourceStatsView } from '../ipc/source-stats-layout.js';
import { ReturnsReader, createReturnsWindow } from '../ipc/returns-window-layout.js';
import { createRingBuffer } from '../ipc/spsc-ring.js';
import { WorkerStat, createWorkerStats, workerStatsView } from '../ipc/worker-stats-layout.js';
import { buildEngineLoop, buildOrderSource } from '../workers/thread-parts.js';
import { engineState } from './fixtures/engine-state.js';

describe('hot path allocation', function () {
  this.timeout(120_000);

  for (const rate of [Infinity, 2e6]) {
    it(`order source (${rate === Infinity ? 'max' : 'paced'}) -> ring -> checks -> decision -> fill: 1 M orders, zero GCs after warm-up`, () => {
      const clock = monotonicClock();
      const { universe, instruments, risk } = engineState(32, 3);
      const link = { toWorker: createRingBuffer(4096), fromWorker: createRingBuffer(4096), workerDoorbell: createDoorbell() };
      const workerStats = createWorkerStats();
      const returns = createReturnsWindow({ symbols: universe.length, window: 1000, sampleMs: 1 });
      const worker = buildEngineLoop(
        { workerId: 0, links: [link], stats: workerStats, instruments, maxBatch: 256, liveOrderCapacity: 1 << 16, risk, positions: createPositionBoard(universe.length), returns, wait: 'spin' },
        clock,
      );
      const sourceStats = createSourceStats();
      const source = buildOrderSource(
        {
          sourceId: 0, links: [link], stats: sourceStats, instruments: universe, symbols: universe.map((_, i) => i),
          clientIdStart: 1, clientIdStride: 1, seed: 3, rate, phaseNs: 0, load: { ...DEFAULT_LOAD, badFraction: 0.05 },
          backpressureNs: 1e6, breakerBoard: risk.board, ledgerWindow: 1 << 16, wait: 'spin',
        },
        clock.nowNs(),
        clock,
      );
      const s = sourceStatsView(sourceStats).f64;
      // The worker drains what the source wrote before the source goes on: one thread plays both,
      // and a paced source that found its ring full would wait for room no one else makes.
      const step = () => {
        source.doWork();
        while (worker.doWork() !== 0);
      };
      while (s[SourceStat.generated] < 500_000) step(); // warm-up: JIT tiers settle
      // Start from an empty young generation, so earlier tests' garbage cannot be what triggers a GC here.
      (globalThis as { gc?: () => void }).gc?.();
      const meter = new GcMeter();
      const before = s[SourceStat.generated];
      while (s[SourceStat.generated] < before + 1_000_000) step();
      meter.stop();
      // The sampling ran: every symbol's window has returns (a slot of 1 ms passed many times).
      const slots = { lastSlot: -1, firstSlot: -1 };
      new ReturnsReader(returns).slots(1, slots);
      expect(slots.lastSlot - slots.firstSlot).to.be.greaterThan(100);
      expect(s[SourceStat.duplicates]).to.equal(0);
      expect(s[SourceStat.accepted]).to.be.greaterThan(500_000);
      expect(workerStatsView(workerStats).f64[WorkerStat.fillsIn]).to.be.greaterThan(500_000);
      expect(meter.count, `${meter.count} GCs over 1 M orders`).to.equal(0);
    });
  }
});
