/**
 * The main thread's engine: the control plane. It assembles the shared
 * memory (engine/assembly.ts), starts the risk workers and order sources and
 * waits until every one is warm, then gives the sources a common start time.
 * From then on main touches no order: its agents, run on its event loop
 * (engine/event-loop-runner.ts), dispatch feed ticks, probe the workers with
 * heartbeats, maintain limiter windows and breaker transitions, and print the
 * metrics once a second from the threads' shared counters.
 * Stopping (duration reached, SIGINT/SIGTERM, a thread that kept dying, a feed that cannot serve):
 * tell every source to stop; each drains until its every order has its
 * decision and exits; with a venue gateway, the gateway then waits for the
 * venue's final state of every order it sent and the orders are reconciled
 * with the venue's (engine/venue-link.ts); then each worker gets Shutdown down
 * main's link, drains its links and exits; then the summary.
 */
import { monotonicClock } from '../core/clock/monotonic-clock.js';
import { machineCores } from '../core/affinity/cpu-affinity.js';
import { CompositeAgent } from '../core/agent/agent.js';
import type { EngineOptions } from '../core/config/engine-options.js';
import { BreakerWatcher } from '../core/breaker/breaker-watcher.js';
import { LimitsLoader } from './limits-loader.js';
import { KillSwitchControl } from './kill-switch.js';
import { TradingDay } from './trading-day.js';
import { Dispatcher } from '../core/dispatch/dispatcher.js';
import { RateLimiters } from '../core/limits/rate-limiter.js';
import { FeedClient } from '../core/feed/feed-client.js';
import type { Logger } from '../core/logging/logger.js';
import { GcMeter } from '../core/metrics/gc-meter.js';
import { collectWarmUpGarbage } from '../core/metrics/warm-up-collection.js';
import { Doorbell } from '../ipc/doorbell.js';
import { ControlOp, FINAL_STATE_NAMES } from '../ipc/frame-layout.js';
import { SOURCE_START_NS, SourceCommand, SourceStat, sourceStatsView } from '../ipc/source-stats-layout.js';
import { RingConsumer, RingMonitor } from '../ipc/spsc-ring.js';
import { ThreadStat } from '../ipc/thread-stats-layout.js';
import { WorkerStat, workerStatsView } from '../ipc/worker-stats-layout.js';
import { gatewayStatsView } from '../ipc/gateway-stats-layout.js';
import { assembleEngine, type EngineAssembly } from './assembly.js';
import { EventLoopRunner } from './event-loop-runner.js';
import { EngineTickSink } from './feed-sink.js';
import { HeartbeatAgent } from './agents/heartbeat-agent.js';
import { PeriodicAgent } from './agents/periodic-agent.js';
import { Reporter } from './agents/reporter.js';
import { usableLiveOrders } from '../core/risk/live-order-set.js';
import { riskColumn, riskLine } from './agents/risk-metrics.js';
import { PrometheusExporter } from './metrics/prometheus-exporter.js';
import { Supervisor } from './supervisor.js';
import { startControlPlane } from './control/control-plane.js';
import { PositionsView } from './control/positions.js';
import { CorrelationService } from './portfolio/correlation-service.js';
import { VenueLink } from './venue-link.js';

const SECOND_NS = 1e9;
/**
 * Main's idle pass interval. A feed's deferred ticks want it short; otherwise main's work is
 * once a second, and each wake-up takes the core from an order source that shares it (2-core
 * machines): at 200 k orders/s, steady p99 fell from 71-774 us to 50-78 us going from 20 ms to 250 ms.
 */
const IDLE_MS_FEED = 1;
const IDLE_MS = 100;
/** Sources start this long after go, so that every one is awake when its first order is due. */
const START_SLACK_NS = 2e6;
const DRAIN_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;
/** Dry runs of the metrics report while the threads warm up. */
const MAIN_WARM_UP_REPORTS = 20;

export interface EngineRun {
  /** Resolves with the summary when the engine has stopped. */
  done: Promise<Record<string, unknown>>;
  /** Begins a graceful stop (what SIGINT/SIGTERM do). */
  stop(reason: string): void;
  /** Prints and returns the summary from the counters as they stand, for a forced exit (no drain: orders in flight count as lost). */
  summaryNow(): Record<string, unknown>;
  supervisor: Supervisor;
  assembly: EngineAssembly;
  /** The kill switch, for the control plane: kill(note), releaseKill(). */
  killSwitch: KillSwitchControl;
}

export async function startEngine(opts: EngineOptions, log: Logger): Promise<EngineRun> {
  const clock = monotonicClock();
  const cores = machineCores();
  if (clock.source !== 'clock_gettime') log.warn({ clock: clock.source }, 'shared clock unavailable; latency uses per-thread performance.now(), which allocates');
  const threadCores = [...opts.cores, ...(opts.orders ? opts.sourceCores : [])];
  if (new Set(threadCores).size < threadCores.length || threadCores.includes(0)) {
    log.warn({ workers: opts.workers, sources: opts.orders ? opts.sources : 0, workerCores: opts.cores, sourceCores: opts.sourceCores, machineCores: cores }, `${threadCores.length} threads on ${new Set(threadCores).size} core(s) of ${cores}: threads share cores (with main on core 0 where listed); expect lower throughput and higher latency`);
  }

  const asm = assembleEngine(opts, clock, log.level);
  const correlation = asm.correlation && opts.correlation
    ? new CorrelationService(opts.correlation, { ...asm.correlation, logger: log, engineCores: [0, ...threadCores] })
    : undefined;
  const { risk } = asm;
  const limiters = new RateLimiters(risk.limiters);
  const breakerWatcher = new BreakerWatcher(risk.registry);
  const limitsLoader = new LimitsLoader(opts.limits.path, opts.limits.initial, risk, log, usableLiveOrders(opts.liveOrders));
  const killSwitch = new KillSwitchControl(risk, log);
  // Before any thread starts and before the reload watch: the day's loss and a kill are in the ledger
  // before the first order, and a state file that cannot be used stops the start (exit 3) with nothing to undo.
  const tradingDay = new TradingDay({ risk, kill: killSwitch, stateDir: opts.stateDir, rollUtc: () => limitsLoader.current().account.dayRollUtc, wallClockMs: Date.now, log });
  tradingDay.start();
  limitsLoader.watch();
  const mainDispatcher = new Dispatcher(asm.mainLinks.map((l) => l.toWorker), asm.instruments.length, opts.wait, asm.mainLinks.map((l) => l.workerDoorbell));
  const echoes = asm.mainLinks.map((l) => new RingConsumer(l.fromWorker));
  const workerViews = asm.workerConfigs.map((c) => workerStatsView(c.stats));
  const sourceViews = asm.sourceConfigs.map((c) => sourceStatsView(c.stats));

  let fatal: string | undefined;
  // Assigned once the gateway is connecting; a stop before that (a failed start) has none to tell.
  let venue: VenueLink | undefined;
  const supervisor = new Supervisor(asm.workerConfigs, asm.sourceConfigs, log, (reason) => {
    fatal = reason;
    stop(reason);
  });
  log.info({
    workers: opts.workers, workerCores: opts.cores, sources: asm.sourceConfigs.length, sourceCores: opts.orders ? opts.sourceCores : [],
    symbolsPerSource: asm.sourceConfigs.map((c) => c.symbols.length), sourceMode: opts.sourceMode, wait: opts.wait,
    rate: Number.isFinite(opts.rate) ? opts.rate : 'max', ringSlots: opts.ringSlots, symbols: asm.instruments.length, clock: clock.source,
  }, 'starting engine');
  let stopping = false;
  let goGiven = false;
  let endTimer: NodeJS.Timeout | undefined;
  let finish!: (s: Record<string, unknown>) => void;
  const done = new Promise<Record<string, unknown>>((r) => (finish = r));
  /** Gives every source its start time, then go (a source reading go = 1 sees the time). */
  const giveGo = (startNs: number): void => {
    goGiven = true;
    for (const v of sourceViews) {
      v.commandsF64[SOURCE_START_NS] = startNs;
      Atomics.store(v.commands, SourceCommand.go, 1); // after startNs: seq-cst orders the two
      Atomics.notify(v.commands, SourceCommand.go);
    }
  };
  const mainGc = new GcMeter();
  const marketFeed = opts.feed
    ? new FeedClient(
        { url: opts.feed.url, venue: opts.feed.venue, subscribe: opts.feed.subscribe, symbolIds: opts.feed.subscribe.map((_, i) => i), staleMs: opts.feed.staleMs, seqCheck: opts.feed.seqCheck },
        new EngineTickSink(mainDispatcher, clock, asm.mids),
        {
          logger: log,
          // A feed that cannot serve (unreachable for good, every symbol refused) would leave every order NO_REFERENCE_PRICE.
          onFatal: (reason) => {
            fatal = reason;
            stop(reason);
          },
        },
      )
    : undefined;
  const allLinks = asm.workerConfigs.flatMap((c) => c.links);
  const reporter = new Reporter(
    {
      sources: sourceViews,
      workers: workerViews,
      ringsIn: allLinks.map((l) => new RingMonitor(l.toWorker)),
      ringsOut: allLinks.map((l) => new RingMonitor(l.fromWorker)),
      mainGc,
      mainConflatedTicks: () => mainDispatcher.conflatedTicks,
      extra: () => ({
        risk: riskLine(risk, breakerWatcher),
        ...(marketFeed ? { feed: { state: marketFeed.state, ...marketFeed.stats.snapshot() } } : {}),
        ...(venue ? { exchange: venue.line() } : {}),
      }),
      column: () => ['risk', riskColumn(riskLine(risk, breakerWatcher), positions.snapshot().totals.unrealizedPnl), 22],
    },
    opts.metrics,
    log,
    clock.nowNs(),
  );
  let exporter: PrometheusExporter | undefined;
  if (opts.metricsPort !== undefined) {
    const port = opts.metricsPort;
    exporter = new PrometheusExporter({
      sources: sourceViews, workers: workerViews, workerLinks: asm.workerConfigs.map((c) => c.links), mainGc, risk: () => riskLine(risk, breakerWatcher),
      gateway: asm.gatewayConfig ? gatewayStatsView(asm.gatewayConfig.stats) : undefined,
    });
    exporter.listen(port).then(
      () => log.info({ url: `http://127.0.0.1:${port}/metrics` }, 'Prometheus metrics'),
      (err: Error) => {
        // Asked for and not served is a failed start: stop with the reason rather than run unseen.
        fatal = `--metrics-port ${port}: ${err.message}`;
        log.error({ port }, fatal);
        stop(fatal);
      },
    );
  }
  const positions = new PositionsView(asm.positions, risk.symbols);
  const control = startControlPlane({ risk, killSwitch, riskLine: () => riskLine(risk, breakerWatcher), limits: limitsLoader, positions, haltSeenNs: () => workerViews.map((v) => v.f64[WorkerStat.haltSeenNs]), log }, opts.controlPort, log);
  control.listening.catch((err: Error) => {
    // As --metrics-port: asked for and not served is a failed start.
    fatal = `--control-port ${opts.controlPort}: ${err.message}`;
    log.error({ port: opts.controlPort }, fatal);
    stop(fatal);
  });
  const heartbeat = new HeartbeatAgent(mainDispatcher, echoes, clock, SECOND_NS);
  const flushTicks = {
    name: 'market-flush',
    doWork(): number {
      let work = 0;
      for (let w = 0; w < mainDispatcher.workers; w++) if (mainDispatcher.deferred(w) !== 0 && mainDispatcher.flush(w)) work++;
      mainDispatcher.publishAll();
      return work;
    },
  };
  const runner = new EventLoopRunner(
    new CompositeAgent('main', [
      flushTicks,
      heartbeat,
      new PeriodicAgent('risk-housekeeping', clock, SECOND_NS, (now) => {
        limiters.maintain(now);
        breakerWatcher.logTransitions(log);
      }),
      new PeriodicAgent('reporter', clock, SECOND_NS, (now) => reporter.report(now)),
      new PeriodicAgent('trading-day', clock, SECOND_NS, () => tradingDay.poll()),
    ]),
    clock,
    opts.feed ? IDLE_MS_FEED : IDLE_MS,
  );
  const warmStart = clock.nowNs();
  // The venue's gateway is connecting while the threads warm up; orders wait in its rings until it is.
  venue = asm.gatewayConfig && opts.exchange.kind !== 'stand-in'
    ? await VenueLink.start(asm.gatewayConfig, opts.exchange, opts.seed, log, (reason) => {
        fatal = reason;
        stop(reason);
      })
    : undefined;
  const started = supervisor.start();
  // Main's own warm-up while the threads warm theirs: the reporter's code, run without printing.
  for (let i = 0; i < MAIN_WARM_UP_REPORTS; i++) reporter.prime(clock.nowNs());
  try {
    await started;
  } catch (err) {
    // A fatal stop during start-up (a port that cannot be bound) is why the threads did not start.
    throw fatal ? new Error(fatal) : err;
  }
  // After the workers are pinned: the pool thread takes a core none of them uses, or nice 19.
  await correlation?.start();
  const threadWarmUp = (f: Float64Array) => Math.round(f[ThreadStat.warmupNs] / 1e6);
  log.info({
    ms: Math.round((clock.nowNs() - warmStart) / 1e6), orders: workerViews[0]?.f64[WorkerStat.warmupOrders] ?? 0,
    workersMs: workerViews.map((v) => threadWarmUp(v.f64)), sourcesMs: sourceViews.map((v) => threadWarmUp(v.f64)),
  }, 'threads warm: synthetic orders run through the order path on scratch state');
  collectWarmUpGarbage();

  // Everything main does after go is cheap: on a 2-core machine a source shares its core.
  const startNs = clock.nowNs() + START_SLACK_NS;
  reporter.prime(startNs);
  giveGo(startNs);
  marketFeed?.start();
  runner.start();

  if (!stopping && opts.duration > 0) endTimer = setTimeout(() => stop('duration reached'), opts.duration * 1000 + START_SLACK_NS / 1e6);

  function stop(reason: string): void {
    if (stopping) return;
    stopping = true;
    if (endTimer) clearTimeout(endTimer);
    log.info({ reason }, 'stopping: sources drain until every order has its decision');
    void marketFeed?.stop();
    venue?.cancelOpen();
    // Stopped before the start: the sources wait for go, and must get it to see the stop.
    if (!goGiven) giveGo(clock.nowNs());
    asm.sourceConfigs.forEach((c, s) => {
      Atomics.store(sourceViews[s].commands, SourceCommand.stop, 1);
      new Doorbell(c.doorbell).ring(); // a source asleep under the block strategy wakes to see it
    });
    void shutdown();
  }

  async function shutdown(): Promise<void> {
    if (!(await supervisor.sourcesExited(DRAIN_TIMEOUT_MS))) log.error({ lost: reporter.totals().generated - reporter.totals().decided }, 'drain timed out: orders without a decision');
    const exchange = await venue?.stop().catch((e: Error) => ({ error: e.message }));
    runner.stop();
    for (let w = 0; w < opts.workers; w++) {
      while (!mainDispatcher.sendControl(w, ControlOp.Shutdown, 0, clock.nowNs())) {
        heartbeat.drainEchoes();
        await new Promise((r) => setTimeout(r, 1));
      }
    }
    await supervisor.stop(STOP_TIMEOUT_MS);
    await correlation?.stop();
    heartbeat.drainEchoes();
    await control.close();
    limitsLoader.close();
    tradingDay.poll(); // the day's last PnL, after the workers' last fills
    const end = clock.nowNs();
    reporter.report(end);
    const summary = reporter.summary(end, {
      sources: sourceViews.map((v, s) => ({
        id: s,
        core: asm.sourceConfigs[s].core,
        pinned: v.f64[ThreadStat.pinned] === 1,
        symbols: asm.sourceConfigs[s].symbols.length,
        generated: v.f64[SourceStat.generated],
        decided: v.f64[SourceStat.decided],
        ...(venue ? { finals: Object.fromEntries(FINAL_STATE_NAMES.map((name, k) => [name, v.f64[SourceStat.finals + k]])) } : {}),
        warmupMs: threadWarmUp(v.f64),
      })),
      workers: workerViews.map((v, w) => {
        const f = v.f64;
        const frames = f[WorkerStat.ordersIn] + f[WorkerStat.ticksIn] + f[WorkerStat.fillsIn] + f[WorkerStat.controlsIn];
        return {
          id: w,
          core: asm.workerConfigs[w].core,
          pinned: f[ThreadStat.pinned] === 1,
          restarts: supervisor.restarts(w),
          orders: f[WorkerStat.ordersIn],
          frames,
          framesPerBatch: Math.round((frames / Math.max(1, f[WorkerStat.batches])) * 10) / 10,
          warmupMs: threadWarmUp(f),
        };
      }),
      heartbeatsEchoed: Array.from(heartbeat.echoed),
      risk: riskLine(risk, breakerWatcher),
      positions: positions.snapshot().totals,
      ...(correlation ? { correlation: correlation.stats() } : {}),
      ...(marketFeed ? { feed: marketFeed.stats.snapshot() } : {}),
      ...(exchange ? { exchange } : {}),
      ...(fatal ? { fatal } : {}),
    });
    await exporter?.close(); // before mainGc stops: a scrape harvests it
    mainGc.stop();
    finish(summary);
  }

  return { done, stop, summaryNow: () => reporter.summary(clock.nowNs(), { forced: true }), supervisor, assembly: asm, killSwitch };
}
