/**
 * "The hot path allocates nothing", proven by counting garbage collections:
 * the generator, dispatcher, worker loop (order checks, decisions, fills,
 * ticks, with the full pre-trade check list on the shared risk state) and collector run together in one thread over millions of frames
 * after a warm-up, and not one GC may happen.
 */
import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { readLimitsConfig } from '../core/config/limits-config.js';
import { createRiskState } from '../engine/risk-state.js';
import { monotonicClock } from '../core/clock/monotonic-clock.js';
import { OrderGenerator } from '../core/generator/order-generator.js';
import { RateSchedule } from '../core/generator/rate-schedule.js';
import { writeInstrumentTable } from '../core/instruments/instrument.js';
import { buildUniverse } from '../core/instruments/universe.js';
import { DecisionLedger } from '../core/metrics/decision-ledger.js';
import { GcMeter } from '../core/metrics/gc-meter.js';
import { createInstrumentTable } from '../ipc/instrument-table-layout.js';
import { RingConsumer, RingProducer, createRingBuffer } from '../ipc/spsc-ring.js';
import { ConsumerIdler } from '../ipc/wait-strategy.js';
import { WorkerStat, createWorkerStats, workerStatsView } from '../ipc/worker-stats-layout.js';
import { Collector } from '../scripts/engine/collector.js';
import { Dispatcher } from '../scripts/engine/dispatcher.js';
import { GeneratorFeed } from '../scripts/engine/generator-feed.js';
import { EngineLoop } from '../workers/engine-loop.js';

describe('hot path allocation', function () {
  this.timeout(120_000);

  for (const rate of [Infinity, 2e6]) {
    it(`generator (${rate === Infinity ? 'max' : 'paced'}) -> ring -> checks -> decision -> fill: 2 M orders, zero GCs after warm-up`, () => {
      const clock = monotonicClock();
      const universe = buildUniverse(32, 3);
      const gen = new OrderGenerator(universe, { seed: 3, badFraction: 0.05, ticksPerOrder: 0.25, marketFraction: 0.2 });
      universe[gen.reservedHaltedSymbol].trading = false;
      const tableSab = createInstrumentTable(universe.length);
      writeInstrumentTable(tableSab, universe);
      const inRing = createRingBuffer(4096);
      const outRing = createRingBuffer(4096);
      const stats = workerStatsView(createWorkerStats());
      const ledger = new DecisionLedger(1 << 16);
      const limits = readLimitsConfig(fileURLToPath(new URL('../../config/limits.engine.json', import.meta.url)));
      const risk = createRiskState(limits.config, universe.map((i) => i.name), clock);
      const dispatcher = new Dispatcher([inRing], universe.length, 'spin');
      const collector = new Collector([outRing], ledger, dispatcher, risk.registry.breakers, clock);
      const consumer = new RingConsumer(inRing);
      const loop = new EngineLoop(consumer, new RingProducer(outRing), tableSab, stats, new ConsumerIdler(consumer, 'spin', 1), clock, { workerId: 0, maxBatch: 256, liveOrderCapacity: 1 << 16 }, risk);
      const start = clock.nowNs();
      const feed = new GeneratorFeed(gen, new RateSchedule(rate, start), dispatcher, collector, ledger, clock, 1e6, 'spin', start);

      const step = () => {
        feed.pump();
        while (consumer.available() > 0) loop.runUntil(0);
        collector.drainAll();
        dispatcher.flush(0);
        dispatcher.publishAll();
      };
      while (ledger.generated < 500_000) step(); // warm-up: JIT tiers settle
      // Start from an empty young generation, so earlier tests' garbage cannot be what triggers a GC here.
      (globalThis as { gc?: () => void }).gc?.();
      const meter = new GcMeter();
      const before = ledger.generated;
      while (ledger.generated < before + 2_000_000) step();
      meter.stop();
      expect(ledger.duplicates).to.equal(0);
      expect(ledger.accepted).to.be.greaterThan(1_000_000);
      expect(stats.f64[WorkerStat.fillsIn]).to.be.greaterThan(1_000_000);
      expect(meter.count, `${meter.count} GCs over 2 M orders`).to.equal(0);
    });
  }
});
