/**
 * Risk worker entry: pin this thread to its core, warm the order path's code
 * up on scratch state, attach to its links (main's and each order source's),
 * and run the engine loop until main's Shutdown frame and every link is
 * drained. The loop never yields to the event loop (nothing on this thread
 * needs it): once a second it does its housekeeping (GC statistics, heap).
 * A worker that crashes is restarted by main's supervisor on the same rings
 * and stats block, without a second warm-up.
 */
import { workerData } from 'node:worker_threads';
import { AgentRunner } from '../core/agent/agent-runner.js';
import { monotonicClock } from '../core/clock/monotonic-clock.js';
import { createLogger } from '../core/logging/logger.js';
import { collectWarmUpGarbage } from '../core/metrics/warm-up-collection.js';
import { Doorbell } from '../ipc/doorbell.js';
import { ThreadState } from '../ipc/thread-stats-layout.js';
import { IdleStrategy } from '../ipc/wait-strategy.js';
import { WorkerStat, workerStatsView } from '../ipc/worker-stats-layout.js';
import { ThreadHousekeeping } from './thread-housekeeping.js';
import { buildEngineLoop } from './thread-parts.js';
import { warmUp } from './warm-up.js';
import type { EngineWorkerConfig } from './worker-config.js';

/** Longest a blocked worker sleeps before its housekeeping runs anyway. */
const MAX_SLEEP_MS = 200;

const cfg = workerData as EngineWorkerConfig;
const log = createLogger(`worker-${cfg.workerId}`, cfg.logFd, cfg.logLevel);
const stats = workerStatsView(cfg.stats);
const clock = monotonicClock();
const house = new ThreadHousekeeping(stats.f64, clock);
house.setState(ThreadState.Starting);
house.pin(cfg.core, log, { worker: cfg.workerId });

house.setState(ThreadState.WarmingUp);
const warm = warmUp(cfg.warmUp, clock);
stats.f64[WorkerStat.warmupNs] = warm.ns;
stats.f64[WorkerStat.warmupOrders] = warm.orders;

const loop = buildEngineLoop(cfg, clock);
const runner = new AgentRunner(loop, new IdleStrategy(cfg.wait, new Doorbell(cfg.doorbell), MAX_SLEEP_MS), clock, () => loop.done);
collectWarmUpGarbage();
house.startGcCount();
house.setState(ThreadState.Running);
house.run(runner);
house.stop();
house.setState(ThreadState.Stopped);
log.info({ worker: cfg.workerId, orders: stats.f64[WorkerStat.ordersIn] }, 'worker stopped');
