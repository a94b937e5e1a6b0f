/**
 * Order source entry: one thread of the built-in load. Pin to its core,
 * warm the order path's code up on scratch state, report Ready, wait for
 * main's go (all threads warm, a common start time), then generate its share
 * of the orders and ticks into its ring to each worker, collect its own
 * decisions (ledger, latency, the stand-in exchange's fills) until main says
 * stop, and drain until every order it sent has its decision.
 * A source that dies takes its ledger with it: main treats that as fatal.
 */
import { workerData } from 'node:worker_threads';
import { AgentRunner } from '../core/agent/agent-runner.js';
import { monotonicClock } from '../core/clock/monotonic-clock.js';
import { createLogger } from '../core/logging/logger.js';
import { collectWarmUpGarbage } from '../core/metrics/warm-up-collection.js';
import { Doorbell } from '../ipc/doorbell.js';
import { SOURCE_START_NS, SourceCommand, SourceStat, sourceStatsView } from '../ipc/source-stats-layout.js';
import { ThreadState } from '../ipc/thread-stats-layout.js';
import { IdleStrategy } from '../ipc/wait-strategy.js';
import { ThreadHousekeeping } from './thread-housekeeping.js';
import { buildOrderSource } from './thread-parts.js';
import { warmUp } from './warm-up.js';
import type { OrderSourceConfig } from './worker-config.js';

const MAX_SLEEP_MS = 200;

const cfg = workerData as OrderSourceConfig;
const log = createLogger(`source-${cfg.sourceId}`, cfg.logFd, cfg.logLevel);
const stats = sourceStatsView(cfg.stats);
const clock = monotonicClock();
const house = new ThreadHousekeeping(stats.f64, clock);
house.setState(ThreadState.Starting);
house.pin(cfg.core, log, { source: cfg.sourceId, symbols: cfg.symbols.length });

house.setState(ThreadState.WarmingUp);
const warm = warmUp(cfg.warmUp, clock);
stats.f64[SourceStat.warmupNs] = warm.ns;
stats.f64[SourceStat.warmupOrders] = warm.orders;

// Everything is built before Ready: after go, the first order is due within milliseconds.
const source = buildOrderSource(cfg, 0, clock);
const runner = new AgentRunner(source, new IdleStrategy(cfg.wait, new Doorbell(cfg.doorbell), MAX_SLEEP_MS), clock, () => source.done);
collectWarmUpGarbage();
house.setState(ThreadState.Ready);

// Main stores startNs, then go = 1 (seq-cst) and notifies: startNs is visible once go reads 1.
while (Atomics.load(stats.commands, SourceCommand.go) === 0) Atomics.wait(stats.commands, SourceCommand.go, 0, 1000);
source.begin(stats.commandsF64[SOURCE_START_NS] + cfg.phaseNs);
house.startGcCount();
house.setState(ThreadState.Running);
house.run(runner, () => {
  source.publishStats();
  if (source.draining) house.setState(ThreadState.Draining);
});
source.publishStats();
house.stop();
house.setState(ThreadState.Stopped);
log.info({ source: cfg.sourceId, generated: stats.f64[SourceStat.generated], decided: stats.f64[SourceStat.decided] }, 'order source stopped');
