/**
 * The main thread's engine: builds the shared memory (rings, stats blocks,
 * instrument table), starts the pinned workers, then runs the main loop in
 * slices (yielding to the event loop between slices for signals and timers):
 * drain decisions, flush deferred frames, pump the generator, report once a
 * second. Stopping (duration reached or SIGINT/SIGTERM) stops the generator,
 * drains until every order has its decision, shuts the workers down through
 * their rings, and prints the summary.
 */
import { monotonicClock } from '../../core/clock/monotonic-clock.js';
import { machineCores } from '../../core/affinity/cpu-affinity.js';
import type { EngineOptions } from '../../core/config/engine-options.js';
import { BreakerWatcher } from '../../core/breaker/breaker-watcher.js';
import { LimitsLoader } from '../../engine/limits-loader.js';
import { createRiskState } from '../../engine/risk-state.js';
import { RateLimiters } from '../../core/limits/rate-limiter.js';
import { DEFAULT_LOAD, OrderGenerator } from '../../core/generator/order-generator.js';
import { RateSchedule } from '../../core/generator/rate-schedule.js';
import { writeInstrumentTable } from '../../core/instruments/instrument.js';
import { buildUniverse, feedUniverse } from '../../core/instruments/universe.js';
import { FeedClient } from '../../core/feed/feed-client.js';
import type { Logger } from '../../core/logging/logger.js';
import { DecisionLedger } from '../../core/metrics/decision-ledger.js';
import { GcMeter } from '../../core/metrics/gc-meter.js';
import { ControlOp } from '../../ipc/frame-layout.js';
import { createInstrumentTable } from '../../ipc/instrument-table-layout.js';
import { createRingBuffer } from '../../ipc/spsc-ring.js';
import { MainIdler } from '../../ipc/wait-strategy.js';
import { WorkerStat, createWorkerStats, workerStatsView } from '../../ipc/worker-stats-layout.js';
import type { EngineWorkerConfig } from '../../workers/worker-config.js';
import { Collector } from './collector.js';
import { Dispatcher } from './dispatcher.js';
import { GeneratorFeed } from './generator-feed.js';
import { EngineTickSink } from './feed-sink.js';
import { Reporter } from './reporter.js';
import { riskColumn, riskLine } from './risk-metrics.js';
import { Supervisor } from './supervisor.js';

/** Longest stretch the main loop runs before letting the event loop in (signals, timers). */
const SLICE_NS = 20e6;
const FEED_SLICE_NS = 1e6;
const REPORT_NS = 1e9;
const HEARTBEAT_NS = 1e9;
const DRAIN_TIMEOUT_NS = 5e9;

export interface EngineRun {
  /** Resolves with the summary when the engine has stopped. */
  done: Promise<Record<string, unknown>>;
  /** Begins a graceful stop (what SIGINT/SIGTERM do). */
  stop(reason: string): void;
  supervisor: Supervisor;
}

export async function startEngine(opts: EngineOptions, log: Logger): Promise<EngineRun> {
  const clock = monotonicClock();
  const cores = machineCores();
  if (clock.source !== 'clock_gettime') log.warn({ clock: clock.source }, 'shared clock unavailable; latency uses per-thread performance.now(), which allocates');
  const distinct = new Set(opts.cores).size;
  if (opts.workers > Math.max(1, cores - 1) || distinct < opts.workers || opts.cores.includes(0)) {
    log.warn({ workers: opts.workers, cores: opts.cores, machineCores: cores }, `${opts.workers} workers on ${distinct} core(s) of ${cores}: workers share cores (with main on core 0 where listed); expect lower throughput and higher latency`);
  }

  // With a feed, the universe is the subscribed symbols (id = position in --subscribe) and ticks come from it.
  const instruments = opts.feed ? feedUniverse(opts.feed.subscribe, opts.seed) : buildUniverse(opts.symbols, opts.seed);
  const gen = new OrderGenerator(instruments, { seed: opts.seed, badFraction: opts.badFraction, ticksPerOrder: opts.tickRatio, marketFraction: DEFAULT_LOAD.marketFraction, externalMarketData: opts.feed !== undefined });
  if (gen.reservedHaltedSymbol >= 0) instruments[gen.reservedHaltedSymbol].trading = false;
  const tableSab = createInstrumentTable(instruments.length);
  writeInstrumentTable(tableSab, instruments);
  // Shared risk state from the --limits file (validated with the options); reloaded on SIGHUP or change.
  const risk = createRiskState(opts.limits.initial.config, instruments.map((i) => i.name), clock);
  const limiters = new RateLimiters(risk.limiters);
  const breakerWatcher = new BreakerWatcher(risk.registry);
  const limitsLoader = new LimitsLoader(opts.limits.path, opts.limits.initial, risk, log).watch();

  const inRings = Array.from({ length: opts.workers }, () => createRingBuffer(opts.ringSlots));
  const outRings = Array.from({ length: opts.workers }, () => createRingBuffer(opts.ringSlots));
  const statsSabs = Array.from({ length: opts.workers }, () => createWorkerStats());
  const logFd = opts.metrics === 'json' ? 1 : 2;
  const configs: EngineWorkerConfig[] = inRings.map((inRing, w) => ({
    workerId: w,
    core: opts.cores[w],
    inRing,
    outRing: outRings[w],
    stats: statsSabs[w],
    instruments: tableSab,
    wait: opts.wait,
    maxBatch: opts.batch,
    liveOrderCapacity: opts.liveOrders,
    risk: { table: risk.table, board: risk.board, ledger: risk.ledger, limiters: risk.limiters },
    logFd,
    logLevel: log.level,
  }));

  // Orders in flight are bounded by the rings; the ledger's window must exceed that.
  let window = 1 << 16;
  while (window < 4 * opts.workers * opts.ringSlots) window <<= 1;
  const ledger = new DecisionLedger(window);
  const dispatcher = new Dispatcher(inRings, instruments.length, opts.wait, gen.mids);
  const collector = new Collector(outRings, ledger, dispatcher, risk.registry.breakers, clock);

  let fatal: string | undefined;
  const supervisor = new Supervisor(configs, log, (id) => {
    fatal = `worker ${id} kept dying`;
    stop(fatal);
  });
  log.info({ workers: opts.workers, cores: opts.cores, wait: opts.wait, rate: Number.isFinite(opts.rate) ? opts.rate : 'max', ringSlots: opts.ringSlots, symbols: instruments.length, clock: clock.source }, 'starting engine');
  await supervisor.start();

  const mainGc = new GcMeter();
  const startNs = clock.nowNs();
  const schedule = new RateSchedule(opts.rate, startNs, opts.burst);
  const feed = new GeneratorFeed(gen, schedule, dispatcher, collector, ledger, clock, opts.backpressureUs * 1e3, opts.wait, startNs);
  const marketFeed = opts.feed
    ? new FeedClient(
        { url: opts.feed.url, venue: opts.feed.venue, subscribe: opts.feed.subscribe, symbolIds: opts.feed.subscribe.map((_, i) => i), staleMs: opts.feed.staleMs, seqCheck: opts.feed.seqCheck },
        new EngineTickSink(dispatcher, clock, opts.orders ? gen : undefined),
        { logger: log },
      )
    : undefined;
  marketFeed?.start();
  const workerViews = statsSabs.map(workerStatsView);
  const reporter = new Reporter(
    {
      ledger,
      workers: workerViews,
      inRings: dispatcher.producers,
      outRings: collector.consumers,
      mainGc,
      backpressure: () => feed.backpressureRejects,
      conflatedTicks: () => dispatcher.conflatedTicks,
      extra: () => ({ risk: riskLine(risk, breakerWatcher), ...(marketFeed ? { feed: { state: marketFeed.state, ...marketFeed.stats.snapshot() } } : {}) }),
      column: () => ['risk', riskColumn(riskLine(risk, breakerWatcher)), 22],
    },
    opts.metrics,
    log,
    startNs,
  );

  // The loop's deadlines, in a typed-array register: a double kept in a closure
  // variable is a heap number, and every store of one allocates.
  const T = new Float64Array(5);
  const END = 0;
  const NEXT_REPORT = 1;
  const NEXT_BEAT = 2;
  const DRAIN_DEADLINE = 3;
  const SLICE_END = 4;
  T[END] = opts.duration > 0 ? startNs + opts.duration * 1e9 : Infinity;
  T[NEXT_REPORT] = startNs + REPORT_NS;
  T[NEXT_BEAT] = startNs + HEARTBEAT_NS;
  T[DRAIN_DEADLINE] = Infinity;
  let beat = 0;
  let stopping = false;
  let finish!: (s: Record<string, unknown>) => void;
  const done = new Promise<Record<string, unknown>>((r) => (finish = r));

  function stop(reason: string): void {
    if (stopping) return;
    stopping = true;
    clock.update();
    T[DRAIN_DEADLINE] = clock.reading[0] + DRAIN_TIMEOUT_NS;
    log.info({ reason }, 'stopping: draining rings');
    void marketFeed?.stop();
  }

  function drained(): boolean {
    if (ledger.outstanding !== 0) return false;
    for (let w = 0; w < opts.workers; w++) if (dispatcher.deferred(w) !== 0 || dispatcher.producers[w].occupancy() !== 0) return false;
    return true;
  }

  async function shutdown(): Promise<void> {
    const now = clock.nowNs();
    for (let w = 0; w < opts.workers; w++) {
      while (!dispatcher.sendControl(w, ControlOp.Shutdown, 0, now)) collector.drainAll();
    }
    await supervisor.stop(5000);
    collector.drainAll();
    const end = clock.nowNs();
    reporter.report(end);
    const summary = reporter.summary(end, {
      workers: configs.map((c, w) => {
        const f = workerViews[w].f64;
        const frames = f[WorkerStat.ordersIn] + f[WorkerStat.ticksIn] + f[WorkerStat.fillsIn] + f[WorkerStat.controlsIn];
        return {
          id: c.workerId,
          core: c.core,
          pinned: f[WorkerStat.pinned] === 1,
          restarts: supervisor.restarts[w],
          frames,
          framesPerBatch: Math.round((frames / Math.max(1, f[WorkerStat.batches])) * 10) / 10,
        };
      }),
      risk: riskLine(risk, breakerWatcher),
      ...(marketFeed ? { feed: marketFeed.stats.snapshot() } : {}),
      ...(fatal ? { fatal } : {}),
    });
    mainGc.stop();
    limitsLoader.close();
    finish(summary);
  }

  /**
   * One pass of the hot loop: drain decisions, flush deferred frames, pump the
   * generator. Kept small and separate from the once-a-second work below, so
   * V8 inlines all of it: an out-of-line call returning a double would box it.
   */
  const pass = (): number => {
    let work = collector.drainAll();
    for (let w = 0; w < opts.workers; w++) if (dispatcher.deferred(w) !== 0) dispatcher.flush(w);
    if (!stopping && opts.orders) work += feed.pump();
    else clock.update();
    return work;
  };

  /** Once a second: limits, breaker transitions, the metrics line. */
  const everySecond = (): void => {
    const now = clock.reading[0];
    limiters.maintain(now);
    breakerWatcher.logTransitions(log);
    reporter.report(now);
    T[NEXT_REPORT] += REPORT_NS;
    if (T[NEXT_REPORT] <= now) T[NEXT_REPORT] = now + REPORT_NS;
  };

  const heartbeat = (): void => {
    const now = clock.reading[0];
    for (let w = 0; w < opts.workers; w++) dispatcher.sendControl(w, ControlOp.Heartbeat, beat, now);
    beat++;
    T[NEXT_BEAT] = now + HEARTBEAT_NS;
  };

  /** Blocked and idle: sleep until the next order is due (timers have ~1 ms resolution). */
  const sleep = (): void => {
    const now = clock.reading[0];
    const waitMs = Math.max(0, Math.min((feed.nextDueNs - now) / 1e6 - 1, (T[NEXT_REPORT] - now) / 1e6));
    setTimeout(slice, waitMs);
  };

  const idler = new MainIdler(opts.wait);
  /**
   * The main loop, in slices so timers and I/O get their turn. The rare work
   * lives in functions of its own that read the clock register themselves:
   * passing `now` to them would make V8 box it on every pass, ahead of the
   * branch that guards the call.
   */
  const slice = (): void => {
    // With a feed, its WebSocket events run between slices: keep slices short.
    clock.update();
    T[SLICE_END] = clock.reading[0] + (marketFeed ? FEED_SLICE_NS : SLICE_NS);
    for (;;) {
      const work = pass();
      const now = clock.reading[0];
      if (stopping) dispatcher.publishAll();
      if (now >= T[NEXT_REPORT]) everySecond();
      if (now >= T[NEXT_BEAT]) heartbeat();
      if (!stopping && now >= T[END]) stop('duration reached');
      if (stopping && (drained() || now >= T[DRAIN_DEADLINE])) {
        if (!drained()) log.error({ outstanding: ledger.outstanding }, 'drain timed out: orders without a decision');
        void shutdown();
        return;
      }
      if (now >= T[SLICE_END]) break;
      if (work !== 0) idler.busy();
      else if (idler.idle()) {
        sleep();
        return;
      }
    }
    setImmediate(slice);
  };
  setImmediate(slice);

  return { done, stop, supervisor };
}
