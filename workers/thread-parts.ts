/**
 * The objects a risk worker and an order source are made of, built from their
 * configs. The thread entries and the warm-up harness (workers/warm-up.ts)
 * build them the same way, so that warm-up runs the very code (and V8's
 * optimised versions of it) that then carries the traffic.
 */
import type { MonotonicClock } from '../core/clock/monotonic-clock.js';
import { BreakerRegistry } from '../core/breaker/breaker-registry.js';
import { Dispatcher } from '../core/dispatch/dispatcher.js';
import { OrderGenerator } from '../core/generator/order-generator.js';
import { RateSchedule } from '../core/generator/rate-schedule.js';
import { DecisionLedger } from '../core/metrics/decision-ledger.js';
import { DecisionCollector } from '../core/source/decision-collector.js';
import { EventReplay } from '../core/source/event-replay.js';
import type { EventSource } from '../core/source/event-source.js';
import { GeneratorPump } from '../core/source/generator-pump.js';
import { OrderSource } from '../core/source/order-source.js';
import { PreparedEvents } from '../core/source/prepared-events.js';
import { StandInExchange } from '../core/source/stand-in-exchange.js';
import { FinalCollector } from '../core/source/final-collector.js';
import { LEDGER_COUNTERS, sourceStatsView } from '../ipc/source-stats-layout.js';
import { RingConsumer, RingProducer } from '../ipc/spsc-ring.js';
import { applyWaitStrategy } from '../ipc/wait-strategy.js';
import { CovarianceView } from '../ipc/covariance-layout.js';
import { workerStatsView } from '../ipc/worker-stats-layout.js';
import { EngineLoop, type EngineLoopOptions } from './engine-loop.js';
import type { EngineWorkerConfig, OrderSourceConfig } from './worker-config.js';

export type EngineLoopParts = Pick<EngineWorkerConfig, 'workerId' | 'links' | 'stats' | 'instruments' | 'maxBatch' | 'liveOrderCapacity' | 'risk' | 'positions' | 'wait' | 'gatewayLink' | 'returns' | 'portfolio'>;

/** The VaR check's inputs from the published matrices: the returns' sample interval comes with them. */
function portfolioInputs(covariance: SharedArrayBuffer, workers: number): EngineLoopOptions['portfolio'] {
  const view = new CovarianceView(covariance);
  return { covariance: view, sampleMs: view.sampleMs, workers };
}

export function buildEngineLoop(cfg: EngineLoopParts, clock: MonotonicClock): EngineLoop {
  const inputs = cfg.links.map((l) => {
    const c = new RingConsumer(l.toWorker);
    applyWaitStrategy(cfg.wait, { consumer: c });
    return c;
  });
  const outputs = cfg.links.map((l) => {
    const p = new RingProducer(l.fromWorker);
    applyWaitStrategy(cfg.wait, { producer: p, consumerDoorbell: l.peerDoorbell });
    return p;
  });
  return new EngineLoop(inputs, outputs, cfg.instruments, workerStatsView(cfg.stats), clock, {
    workerId: cfg.workerId,
    maxBatch: cfg.maxBatch,
    liveOrderCapacity: cfg.liveOrderCapacity,
    gatewayLink: cfg.gatewayLink ?? -1,
    portfolio: cfg.portfolio ? portfolioInputs(cfg.portfolio.covariance, cfg.portfolio.workers) : undefined,
  }, cfg.risk, cfg.positions, cfg.returns);
}

export type OrderSourceParts = Omit<OrderSourceConfig, 'core' | 'doorbell' | 'warmUp' | 'logFd' | 'logLevel'>;

/**
 * An order source whose schedule starts at startNs + cfg.phaseNs. In replay
 * mode its generator's events are prepared here, before the thread reports
 * ready, and the pump and the stand-in exchange see only the replay.
 */
export function buildOrderSource(cfg: OrderSourceParts, startNs: number, clock: MonotonicClock): OrderSource {
  const stats = sourceStatsView(cfg.stats);
  const gen = new OrderGenerator(cfg.instruments, {
    seed: cfg.seed,
    badFraction: cfg.load.badFraction,
    ticksPerOrder: cfg.load.ticksPerOrder,
    marketFraction: cfg.load.marketFraction,
    externalMarketData: cfg.mids !== undefined,
    mids: cfg.mids ? new Float64Array(cfg.mids) : undefined,
    symbols: cfg.symbols,
    clientIdStart: cfg.clientIdStart,
    clientIdStride: cfg.clientIdStride,
    path: cfg.path,
    clock: clock.reading,
    book: cfg.load.book,
  });
  // The options refuse these too: replayed ticks and prices cannot follow a live feed or a path sampled by the clock.
  if (cfg.sourceMode === 'replay' && (cfg.mids !== undefined || cfg.path !== undefined)) throw new RangeError('order source: replay needs the generator\'s own market (no feed, no scripted path)');
  const events: EventSource = cfg.sourceMode === 'replay' ? new EventReplay(new PreparedEvents(gen, cfg.clientIdStride, cfg.replayEvents)) : gen;
  const ledger = new DecisionLedger(cfg.ledgerWindow, stats.f64.subarray(LEDGER_COUNTERS.from, LEDGER_COUNTERS.to), stats.byReason);
  const dispatcher = new Dispatcher(cfg.links.map((l) => l.toWorker), cfg.instruments.length, cfg.wait, cfg.links.map((l) => l.workerDoorbell));
  const venue = cfg.standIn === false ? null : new StandInExchange(dispatcher, events.mids, new BreakerRegistry(cfg.breakerBoard, clock).breakers, clock);
  const collector = new DecisionCollector(cfg.links.map((l) => l.fromWorker), cfg.wait, ledger, dispatcher, venue, clock, stats);
  const schedule = new RateSchedule(cfg.rate, startNs + cfg.phaseNs, cfg.burst);
  const pump = new GeneratorPump(events, schedule, dispatcher, collector, ledger, clock, cfg.backpressureNs, cfg.wait, startNs + cfg.phaseNs);
  const finals = cfg.finals ? new FinalCollector(cfg.finals, stats, clock) : null;
  return new OrderSource(cfg.sourceId, pump, collector, dispatcher, ledger, venue, stats, clock.reading, finals);
}
