/**
 * Warm-up before traffic: runs synthetic orders through the real code of
 * both ends of the order path (an order source and a risk worker, built by
 * workers/thread-parts.ts exactly as the threads build theirs) on scratch
 * state, in the calling thread, until V8 has optimised it. Scratch state:
 * copies of the shared risk buffers (limits, breakers, exposure, limiters),
 * rings and statistics blocks of its own, so the real positions, exposure,
 * limiters, breakers, ledgers and metrics are never touched. Half of the
 * orders go at `max` (full rings, batches), half paced (one order per pump,
 * publish per order), so both paths are warm, then a few slowly (both ends
 * idle, under the run's wait strategy). Branches traffic reaches late or
 * seldom come first in each phase: the rare outcomes of warm-up-weather.ts
 * (every reject reason: a position limit, the kill switch, an open breaker,
 * ...) and a stalled worker (full rings, deferred fills, a full live-order
 * set). A miniature main sends control frames down link 0, as main does;
 * source and worker run through agent runners, as on their threads. With the
 * correlation engine on, the worker has the VaR check, on a scratch
 * covariance published now and then, as the pool does.
 * Every thread on the order path calls it before it reports Ready; it
 * allocates (scratch buffers, objects) but only before traffic.
 */
import type { Agent } from '../core/agent/agent.js';
import { AgentRunner, SliceEnd } from '../core/agent/agent-runner.js';
import type { MonotonicClock } from '../core/clock/monotonic-clock.js';
import { Dispatcher } from '../core/dispatch/dispatcher.js';
import { ControlOp } from '../ipc/frame-layout.js';
import { RingConsumer, createRingBuffer } from '../ipc/spsc-ring.js';
import { createReturnsWindow } from '../ipc/returns-window-layout.js';
import { CovariancePublisher, createCovarianceMatrix } from '../ipc/covariance-layout.js';
import { IdleStrategy } from '../ipc/wait-strategy.js';
import { Doorbell, createDoorbell } from '../ipc/doorbell.js';
import { createSourceStats, SourceCommand, SourceStat, sourceStatsView } from '../ipc/source-stats-layout.js';
import { createWorkerStats } from '../ipc/worker-stats-layout.js';
import { createPositionBoard } from '../core/risk/position-board.js';
import type { RiskBuffers } from '../core/risk/pre-trade-checks.js';
import { shortenWindows } from '../core/limits/rate-limiter.js';
import { buildEngineLoop, buildOrderSource } from './thread-parts.js';
import { RiskWeather, SETTLE_PASSES } from './warm-up-weather.js';
import type { LinkBuffers, WarmUpSpec } from './worker-config.js';

const WARM_RING_SLOTS = 4096;
/** A paced phase whose orders are always due: the paced code path without waiting. */
const WARM_PACED_RATE = 1e9;
/**
 * Then a slow one, WARM_IDLE_NS long, in which both ends idle between orders
 * the way a paced run's threads do: under yield the nap after YIELD_SPINS
 * empty passes, under block the doorbell, and the source's sleep bound.
 */
const WARM_IDLE_RATE = 2000;
const WARM_IDLE_NS = 5e6;
/** Passes of lastLookFindsWork's agent. */
const FLICKER_PASSES = 4096;
/** Longest an idle warm-up thread sleeps (block): nothing else in the thread would wake it. */
const WARM_MAX_SLEEP_MS = 0.001;
/** Longest a warm-up may take, whatever the order count (a slow or shared core). */
const WARM_UP_LIMIT_NS = 5e9;
/**
 * Shortest: long enough for rare branches to come up (price jumps, a rate
 * limiter's window rolling over, a few heartbeats), not only for the counts.
 */
const WARM_UP_MIN_NS = 1.2e9;
/** Rounds of the whole order path, its end included (warmUp). */
const WARM_ROUNDS = 2;
/** Longest fixed rate-limit window in the scratch limiters. */
const WARM_WINDOW_NS = 5e6;
/** Replay mode: short laps, so a lap's turn and its mirrored half run many times before traffic. */
const WARM_REPLAY_EVENTS = 1 << 12;
/** Warm-up passes between two control frames from the mini main. */
const CONTROL_EVERY = 512;
/** Orders the source sends under each rare outcome (warm-up-weather.ts); a step with hold() lasts HOLD_PASSES passes at least. */
const WEATHER_ORDERS = 1024;
const HOLD_PASSES = SETTLE_PASSES + 2;
/** Source passes while the worker stalls (each writes up to 1,024 events: more than the ring holds). */
const STALL_PASSES = 6;
/** How long a paced order waits for ring room before BACKPRESSURE: short, as the stalled worker never makes room. */
const WARM_BACKPRESSURE_NS = 1e4;
/** Risk workers the warm-up's VaR check assumes: half the symbols are another worker's, read from the position board. */
const WARM_VAR_WORKERS = 2;
/**
 * Live-order slots of warm-up's worker (or fewer, as configured). Dense: a
 * worker's own set is sparse (a few hundred live ids in 65,536 slots), so a
 * probe run, and the backward shift that closes a hole in one when an order
 * ends, came up in traffic only now and then (measured: the first one
 * deoptimised the worker's fill path 3 to 11 s into --rate max runs, in 3 of
 * 6); here they come every few orders, and the stalled worker fills the set
 * (OPEN_ORDER_TABLE_FULL). The set's type feedback is its class's, shared.
 */
const WARM_LIVE_ORDERS = 1 << 11;

function copyOf(sab: SharedArrayBuffer): SharedArrayBuffer {
  const copy = new SharedArrayBuffer(sab.byteLength);
  new Uint8Array(copy).set(new Uint8Array(sab));
  return copy;
}

/** Copies of the shared risk buffers, for warm-up to change as it likes. */
export function scratchRisk(risk: RiskBuffers): RiskBuffers {
  return { table: copyOf(risk.table), board: copyOf(risk.board), ledger: copyOf(risk.ledger), limiters: copyOf(risk.limiters) };
}

export interface WarmUpResult {
  orders: number;
  ns: number;
  /** Decisions by reason code (0 = accepted), the source's counts summed over warm-up. */
  byReason: number[];
}

/**
 * Main's part of the order path in miniature: a heartbeat and a stale marker
 * down link 0 now and then (the control branches of the worker's loop),
 * echoes drained. Rarely taken branches that warm-up never saw cost a
 * deoptimisation, and unoptimised code boxes doubles: garbage after warm-up.
 */
function miniMain(link: LinkBuffers, symbols: number, clock: MonotonicClock): Agent & { shutdown(): void } {
  const control = new Dispatcher([link.toWorker], symbols, 'spin');
  const echoes = new RingConsumer(link.fromWorker);
  let passes = 0;
  let beat = 0;
  return {
    name: 'warm-up-main',
    doWork(): number {
      const n = echoes.available();
      echoes.advance(n);
      echoes.release();
      if (++passes % CONTROL_EVERY !== 0) return n;
      control.sendControl(0, ControlOp.Heartbeat, beat++, clock.reading[0]);
      control.markStale(beat % symbols, clock.reading[0]);
      control.publishAll();
      return n + 1;
    },
    /** The worker's last frame, as at the end of a run. */
    shutdown(): void {
      while (!control.sendControl(0, ControlOp.Shutdown, 0, clock.nowNs()));
    },
  };
}

/** With the correlation engine on, a scratch returns window whose 1 ms slots make warm-up take the sampling path often. */
function scratchReturns(spec: WarmUpSpec): SharedArrayBuffer | undefined {
  return spec.returnsWindow === undefined ? undefined : createReturnsWindow({ symbols: spec.instruments.length, window: spec.returnsWindow, sampleMs: 1 });
}

/**
 * With the correlation engine on, a scratch covariance for the VaR check and
 * its publisher (the pool's part): publish() puts out a new version, a
 * diagonal matrix whose variances move with each one, so the worker takes
 * its new-matrix path (copy, full recompute of Sigma w) as it will in traffic.
 */
function scratchCovariance(spec: WarmUpSpec): { sab: SharedArrayBuffer; publish(): void } | undefined {
  if (spec.returnsWindow === undefined) return undefined;
  const m = spec.instruments.length;
  const sab = createCovarianceMatrix({ symbols: m, window: spec.returnsWindow, sampleMs: 1 });
  const publisher = new CovariancePublisher(sab);
  const cov = new Float64Array(m * m);
  const corr = new Float64Array(m * m);
  let version = 0;
  return {
    sab,
    publish(): void {
      version++;
      for (let i = 0; i < m; i++) {
        cov[i * m + i] = 1e-8 * (1 + (version % 7));
        corr[i * m + i] = 1;
      }
      publisher.publish(cov, corr, spec.returnsWindow as number, 0);
    },
  };
}

/**
 * Under block, a thread about to sleep arms its doorbell and looks once
 * more; on a busy machine that look often finds work (it disarms and goes
 * on). Warm-up's single thread never has work appear between two looks, so
 * an agent that has work every other look takes that branch here.
 */
function lastLookFindsWork(idle: IdleStrategy, clock: MonotonicClock): void {
  let looks = 0;
  const flicker: Agent = { name: 'warm-up-flicker', doWork: () => looks++ & 1 };
  new AgentRunner(flicker, idle, clock, () => false, FLICKER_PASSES).runSlice(Infinity);
}

/**
 * One round: a fresh worker loop and mini main; the source at max, then
 * paced, then slow, each beginning with (at max) the rare outcomes and (but
 * slow) a stalled worker, until its share of the orders and of the time is
 * done; the source's stop and drain; the worker's Shutdown. Returns the orders.
 */
function round(spec: WarmUpSpec, risk: RiskBuffers, weather: RiskWeather, clock: MonotonicClock, orders: number, minNs: number, deadline: number, clientIdStart: number, byReason: number[]): number {
  const wait = spec.wait ?? 'spin';
  // Each end's doorbell, as on the threads: producers ring the one the consumer sleeps on (block).
  const workerBell = createDoorbell();
  const sourceBell = createDoorbell();
  const mainLink: LinkBuffers = { toWorker: createRingBuffer(WARM_RING_SLOTS), fromWorker: createRingBuffer(WARM_RING_SLOTS), workerDoorbell: workerBell };
  // The decision ring half the order ring: a worker behind on a full order ring stops at a full decision ring.
  const sourceLink: LinkBuffers = { toWorker: createRingBuffer(WARM_RING_SLOTS), fromWorker: createRingBuffer(WARM_RING_SLOTS / 2), workerDoorbell: workerBell, peerDoorbell: sourceBell };
  const covariance = scratchCovariance(spec);
  covariance?.publish();
  const worker = buildEngineLoop(
    {
      workerId: 0, links: [mainLink, sourceLink], stats: createWorkerStats(), instruments: spec.instrumentTable, maxBatch: spec.maxBatch, liveOrderCapacity: Math.min(spec.liveOrderCapacity, WARM_LIVE_ORDERS),
      risk, positions: createPositionBoard(spec.instruments.length), returns: scratchReturns(spec), wait,
      portfolio: covariance && { covariance: covariance.sab, workers: WARM_VAR_WORKERS },
    },
    clock,
  );
  const main = miniMain(mainLink, spec.instruments.length, clock);
  // The threads' own strategy, never sleeping longer than WARM_MAX_SLEEP_MS.
  const block = wait === 'block';
  const workerIdle = new IdleStrategy(wait, block ? new Doorbell(workerBell) : null, WARM_MAX_SLEEP_MS);
  const sourceIdle = new IdleStrategy(wait, block ? new Doorbell(sourceBell) : null, WARM_MAX_SLEEP_MS);
  // A consumer that armed its doorbell and is about to sleep, as the other thread would be: one
  // thread plays both, so a producer here would otherwise never find its consumer asleep.
  const asleep = block ? [new Doorbell(workerBell), new Doorbell(sourceBell)] : [];
  // Worker passes per source pass: enough batches to drain a full ring (a source pass writes less).
  const workerRunner = new AgentRunner(worker, workerIdle, clock, () => false, Math.ceil(WARM_RING_SLOTS / spec.maxBatch) + 1);
  let generated = 0;
  for (const rate of [Infinity, WARM_PACED_RATE, WARM_IDLE_RATE]) {
    const idlePhase = rate === WARM_IDLE_RATE;
    const stats = createSourceStats();
    const view = sourceStatsView(stats);
    const source = buildOrderSource(
      {
        sourceId: 0,
        links: [sourceLink],
        stats,
        instruments: spec.instruments,
        symbols: spec.instruments.map((_, i) => i),
        clientIdStart: clientIdStart + generated,
        clientIdStride: 1,
        seed: spec.seed,
        rate,
        phaseNs: 0,
        load: spec.load,
        path: spec.path,
        backpressureNs: WARM_BACKPRESSURE_NS,
        breakerBoard: risk.board,
        ledgerWindow: 1 << 16,
        wait,
        sourceMode: spec.sourceMode,
        replayEvents: WARM_REPLAY_EVENTS,
      },
      clock.nowNs(),
      clock,
    );
    const target = idlePhase ? 0 : orders / 2;
    const phaseEnd = clock.nowNs() + (idlePhase ? WARM_IDLE_NS : minNs / 2);
    const enough = () => (view.f64[SourceStat.generated] >= target && clock.reading[0] >= phaseEnd) || clock.reading[0] >= deadline;
    // Source passes on demand (until the deadline), each followed by the worker's and the mini main's.
    const more = new AgentRunner(source, sourceIdle, clock, () => clock.reading[0] >= deadline, 1);
    const pass = (): boolean => {
      if (more.runSlice(Infinity) === SliceEnd.done) return false;
      workerRunner.runSlice(0);
      main.doWork();
      return true;
    };
    // First, within the phase's time, the rare outcomes (at max) and a stalled worker; the
    // phase's own traffic then runs the code V8 recompiles with them.
    if (rate === Infinity) {
      for (const step of weather.steps) {
        step.apply();
        covariance?.publish();
        const until = view.f64[SourceStat.generated] + WEATHER_ORDERS;
        const minPasses = step.hold === undefined ? 0 : HOLD_PASSES;
        for (let passes = 0; view.f64[SourceStat.generated] < until || passes < minPasses; passes++) {
          step.hold?.();
          if (!pass()) break;
        }
        weather.clear();
      }
    }
    // A stalled worker (its core taken): the source fills its ring and finds it full (at max it
    // stops pumping; paced, ticks are conflated and orders wait, then go BACKPRESSURE). Then the
    // worker takes only what its decision ring has room for, and the source defers fills.
    if (!idlePhase) {
      for (let k = 0; k < STALL_PASSES; k++) more.runSlice(Infinity);
      for (let k = 0; k < STALL_PASSES && pass(); k++);
    }
    // Each agent through a runner of its own, as on its thread (the runner's call sites see both
    // kinds of agent here, so neither thread deoptimises it later). One source pass, then worker
    // passes enough to drain all it wrote: one thread plays every part, so no ring stays full.
    const sourceRunner = new AgentRunner(source, sourceIdle, clock, enough, 1);
    // Deadlines: the worker's always due at a slice's end, the source's never, so both ends of a slice are warm.
    for (;;) {
      if (idlePhase && block) asleep[0].arm();
      if (sourceRunner.runSlice(Infinity) === SliceEnd.done) break;
      if (idlePhase && block) asleep[1].arm();
      workerRunner.runSlice(0);
      main.doWork();
    }
    if (idlePhase && block) lastLookFindsWork(workerIdle, clock);
    Atomics.store(view.commands, SourceCommand.stop, 1);
    const drainRunner = new AgentRunner(source, sourceIdle, clock, () => source.done, 1);
    while (drainRunner.runSlice(Infinity) !== SliceEnd.done) {
      workerRunner.runSlice(0);
      main.doWork();
    }
    generated += view.f64[SourceStat.generated];
    view.byReason.forEach((n, r) => (byReason[r] = (byReason[r] ?? 0) + n));
  }
  main.shutdown();
  new AgentRunner(worker, workerIdle, clock, () => worker.done).runSlice(Infinity);
  return generated;
}

/**
 * Runs at least spec.orders synthetic orders, and at least WARM_UP_MIN_NS, end
 * to end on scratch state, through the agent runner the threads use; returns
 * how many orders and how long. Two rounds: the first ends the way a run ends
 * (the source's stop and drain, the worker's Shutdown frame), branches that
 * traffic never takes; reached first in optimised code, each costs a
 * deoptimisation, and the second round has the code optimised again, with
 * them, before the first real order (measured: without it, the worker's
 * batch loop and its runner were recompiled during the first second).
 */
export function warmUp(spec: WarmUpSpec, clock: MonotonicClock): WarmUpResult {
  const started = clock.nowNs();
  if (spec.orders <= 0) return { orders: 0, ns: 0, byReason: [] };
  const risk = scratchRisk(spec.risk);
  // Scratch windows a few ms long: the window roll-over (once a second in traffic) runs many times here.
  shortenWindows(risk.limiters, WARM_WINDOW_NS);
  const deadline = started + WARM_UP_LIMIT_NS;
  let orders = 0;
  const weather = new RiskWeather(risk, clock, spec.returnsWindow !== undefined);
  const byReason: number[] = [];
  for (let r = 0; r < WARM_ROUNDS; r++) orders += round(spec, risk, weather, clock, spec.orders / WARM_ROUNDS, WARM_UP_MIN_NS / WARM_ROUNDS, deadline, 1 + orders, byReason);
  return { orders, ns: clock.nowNs() - started, byReason };
}
