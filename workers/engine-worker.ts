/**
 * Engine worker entry: pin this thread to its core, attach to its rings, and
 * run the engine loop until a Shutdown frame. The loop never yields to the
 * event loop (nothing on this thread needs it): once a second it harvests its
 * GC statistics and heap size into its stats block, which main reads.
 */
import v8 from 'node:v8';
import { workerData } from 'node:worker_threads';
import { pinThreadToCore } from '../core/affinity/cpu-affinity.js';
import { monotonicClock } from '../core/clock/monotonic-clock.js';
import { createLogger } from '../core/logging/logger.js';
import { GcMeter } from '../core/metrics/gc-meter.js';
import { RingConsumer, RingProducer } from '../ipc/spsc-ring.js';
import { ConsumerIdler, applyWaitStrategy } from '../ipc/wait-strategy.js';
import { WorkerStat, WorkerState, workerStatsView } from '../ipc/worker-stats-layout.js';
import { EngineLoop } from './engine-loop.js';
import type { EngineWorkerConfig } from './worker-config.js';

const HOUSEKEEPING_NS = 1e9;
/** Longest a blocked worker sleeps before its housekeeping runs anyway. */
const MAX_SLEEP_MS = 200;

const cfg = workerData as EngineWorkerConfig;
const log = createLogger(`worker-${cfg.workerId}`, cfg.logFd, cfg.logLevel);
const stats = workerStatsView(cfg.stats);
const clock = monotonicClock();

const pin = cfg.core >= 0 ? pinThreadToCore(cfg.core) : { ok: false, tid: -1, allowed: '', reason: 'pinning disabled' };
stats.f64[WorkerStat.core] = cfg.core;
stats.f64[WorkerStat.tid] = pin.tid;
stats.f64[WorkerStat.pinned] = pin.ok ? 1 : 0;
if (pin.ok) log.info({ worker: cfg.workerId, core: cfg.core, tid: pin.tid, cpusAllowed: pin.allowed, pinVerified: true }, 'worker pinned');
else log.warn({ worker: cfg.workerId, core: cfg.core, tid: pin.tid, cpusAllowed: pin.allowed, pinVerified: false, reason: pin.reason }, 'worker not pinned; running unpinned');

const input = new RingConsumer(cfg.inRing);
const output = new RingProducer(cfg.outRing);
applyWaitStrategy(cfg.wait, { consumer: input });
const idler = new ConsumerIdler(input, cfg.wait, MAX_SLEEP_MS);
const loop = new EngineLoop(input, output, cfg.instruments, stats, idler, clock, {
  workerId: cfg.workerId,
  maxBatch: cfg.maxBatch,
  liveOrderCapacity: cfg.liveOrderCapacity,
}, cfg.risk);

const gc = new GcMeter();
stats.f64[WorkerStat.startedNs] = clock.nowNs();
stats.f64[WorkerStat.state] = WorkerState.Running;
for (;;) {
  const done = loop.runUntil(clock.nowNs() + HOUSEKEEPING_NS);
  gc.harvest();
  stats.f64[WorkerStat.gcCount] = gc.count;
  stats.f64[WorkerStat.gcPauseNs] = gc.pauseNs;
  stats.f64[WorkerStat.heapUsed] = v8.getHeapStatistics().used_heap_size;
  stats.f64[WorkerStat.lastBeatNs] = clock.nowNs();
  if (done) break;
}
gc.stop();
stats.f64[WorkerStat.state] = WorkerState.Stopped;
log.info({ worker: cfg.workerId, orders: stats.f64[WorkerStat.ordersIn] }, 'worker stopped');
