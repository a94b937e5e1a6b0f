/**
 * e2e: order source (generator) -> rings -> worker checks -> decisions back to the source, run as a
 * user runs it (./taskset.sh, pinned, JSON metrics), against the same checks
 * fed through postMessage, in the same run.
 *   max:    --rate max for --seconds (default 30) s: orders/s per second, median after warm-up
 *   paced:  --paced-rate orders/s (default 1e6) with spin waiting for --paced-seconds (default 10):
 *           dispatch-to-decision p99 per second, median after warm-up
 *           and its hops (lateness, queued, back: ipc/source-stats-layout.ts), and the first second's p99
 *   GC events after the first second (main + workers + sources) are counted from the metrics lines.
 *   source alone: an order source's own event making on one thread, nothing else (perf/source-cost.ts),
 *           per --source-mode: the generator run for every event, and the replay of its prepared events;
 *           a source does it for every order, so its rate is a ceiling on a source's. Ratio replay vs generate.
 *   platform floor: one pinned thread per core used, doing nothing but read the clock for
 *           --hiccup-seconds (default 10): the p99 wait of an event arriving at a random instant
 *           (perf/platform-hiccups.ts), per core, and along the path an order takes: core 0
 *           (the source, sharing it with main, sends it), then core 1 (the worker decides it). An order arriving at t waits
 *           r0(t) + r1(t + r0(t)), rc(x) being what is left of core c's gap at x
 *           (perf/path-floor.ts): no engine on these cores can give a paced p99 below that wait's,
 *           so vs_platform_floor_p99 compares against it.
 *   model:  a stall's backlog drains only at 1/s - rate, so orders arriving during the drain are late
 *           too (perf/stalled-queue.ts). A model, not a measurement: s = 1 / (max rate) per order on each
 *           core, deterministic, through the gaps the floor measured (not concurrent with the paced run):
 *           the paced p99 at bot4's cost, and the orders/s (1 / s) needed for a paced p99 <= 10 us.
 * Options: --seconds S --paced-seconds S --paced-rate R --workers N --warmup S --hiccup-seconds S
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { FRAME_BYTES, Frame, FrameKind, MarketTick, NewOrder } from '../ipc/frame-layout.js';
import { createInstrumentTable } from '../ipc/instrument-table-layout.js';
import { DEFAULT_LOAD, OrderGenerator, reservedSymbols } from '../core/generator/order-generator.js';
import { writeInstrumentTable } from '../core/instruments/instrument.js';
import { buildUniverse } from '../core/instruments/universe.js';
import { Reason } from '../core/risk/reject-reason.js';
import { monotonicClock } from '../core/clock/monotonic-clock.js';
import { readLimitsConfig } from '../core/config/limits-config.js';
import { createRiskState } from '../engine/risk-state.js';
import { runLauncher } from './launcher-run.js';
import { machineInfo, median, throughputRatio, timeRatio, type BenchReport, type BenchResult } from './bench-report.js';
import { measureSourceCosts, sourceCostResults } from './source-cost.js';
import { measureHiccups, type PathHiccups } from './platform-hiccups.js';
import { serviceForP99, stalledQueue } from './stalled-queue.js';

const HOP_MEANING = { lateness: 'intended -> written by the source', queued: 'written -> the worker took it', back: 'the worker took it -> the source read the decision' } as const;

interface MetricsLine {
  msg: string;
  elapsedS: number;
  ordersPerS: number;
  latencyUs: { p50: number; p99: number; p999: number; count: number };
  hopsUs: Record<'lateness' | 'queued' | 'back', { p50: number; p99: number }>;
  gc: { main: number; workers: number; sources: number };
  sched: Record<'workers' | 'sources', { waitPct: number; preemptedPerS: number } | null>;
}

function arg(args: string[], name: string, dflt: number): number {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
}

function steady(lines: MetricsLine[], warmupS: number): MetricsLine[] {
  const metrics = lines.filter((l) => l.msg === 'metrics');
  // Drop warm-up seconds and the partial last line written at shutdown.
  return metrics.slice(0, -1).filter((l) => l.elapsedS > warmupS);
}

function gcAfterWarmup(lines: MetricsLine[], warmupS: number): number {
  const metrics = lines.filter((l) => l.msg === 'metrics');
  const first = metrics.find((l) => l.elapsedS > warmupS - 0.5);
  const last = metrics[metrics.length - 2];
  if (!first || !last) return NaN;
  const total = (l: MetricsLine) => l.gc.main + l.gc.workers + l.gc.sources;
  return total(last) - total(first);
}

/** The same generator and checks, one postMessage per order and per decision, at most `window` in flight. */
async function postMessageBaseline(seconds: number): Promise<number> {
  const universe = buildUniverse(16, 1);
  const gen = new OrderGenerator(universe, { seed: 1, ...DEFAULT_LOAD });
  universe[reservedSymbols(universe.length, false).halted].trading = false;
  const tableSab = createInstrumentTable(universe.length);
  writeInstrumentTable(tableSab, universe);
  const limits = readLimitsConfig(fileURLToPath(new URL('../../config/limits.engine.json', import.meta.url)));
  const risk = createRiskState(limits.config, universe.map((i) => i.name), monotonicClock());
  const worker = new Worker(new URL('./e2e-postmessage-worker.js', import.meta.url), {
    workerData: { instruments: tableSab, risk: { table: risk.table, board: risk.board, ledger: risk.ledger, limiters: risk.limiters } },
  });
  const frame = new ArrayBuffer(FRAME_BYTES);
  const i32 = new Int32Array(frame);
  const f64 = new Float64Array(frame);
  const window = 4096;
  let inFlight = 0;
  let decided = 0;
  let seq = 0;
  let done = false;
  const result = new Promise<number>((resolve) => {
    let t0 = 0;
    let d0 = 0;
    worker.on('message', (m: { seq: number; id: number; reason: number; s: number; p: number; q: number; side: number }) => {
      inFlight--;
      decided++;
      if (m.reason === Reason.ACCEPTED) worker.postMessage({ t: 'fill', s: m.s, id: m.id, p: m.p, q: m.q, side: m.side });
      if (!t0 && decided > 50_000) {
        t0 = performance.now();
        d0 = decided;
      }
      if (t0 && performance.now() - t0 > seconds * 1000 && !done) {
        done = true;
        resolve(((decided - d0) / (performance.now() - t0)) * 1000);
      }
      if (inFlight < window / 2) pump();
    });
  });
  const pump = () => {
    while (inFlight < window && !done) {
      gen.prepare();
      gen.write(i32, f64, 0, 0);
      if (gen.kind === FrameKind.MarketTick) {
        worker.postMessage({ t: 'tick', s: i32[Frame.symbol], bid: f64[MarketTick.bid], ask: f64[MarketTick.ask], last: f64[MarketTick.last] });
      } else {
        inFlight++;
        worker.postMessage({ t: 'order', s: i32[Frame.symbol], id: f64[NewOrder.clientId], p: f64[NewOrder.price], q: f64[NewOrder.quantity], side: i32[NewOrder.side], type: i32[NewOrder.type], seq: seq++ });
      }
    }
  };
  pump();
  const rate = await result;
  await worker.terminate();
  return rate;
}

/** The paced run replayed through the measured stalls at bot4's per-order cost, and the cost it would need. */
function modelResults({ stalls: { first, second, t0, t1 } }: PathHiccups, pacedRate: number, maxRate: number): BenchResult[] {
  const s = 1e9 / maxRate;
  const q = stalledQueue(first, second, t0, t1, pacedRate, s, s);
  const needed = 1e9 / serviceForP99(first, second, t0, t1, pacedRate);
  return [
    {
      name: `model: paced ${pacedRate}/s through these stalls at bot4's per-order cost (1/${Math.round(maxRate)} s)`,
      unit: 'us',
      median: q.p99 / 1e3,
      runs: 1,
      note: `s ${s.toFixed(0)} ns; p50 ${(q.p50 / 1e3).toFixed(1)} us; p99.9 ${(q.p999 / 1e3).toFixed(0)} us; ${q.delayedPct.toFixed(2)}% of orders delayed > 10 us`,
    },
    {
      name: 'model: orders/s needed for paced p99 <= 10 us on these stalls',
      unit: 'orders/s',
      median: needed,
      runs: 1,
      note: Number.isNaN(needed) ? 'none: the path floor alone is above 10 us' : `${(needed / maxRate).toFixed(1)}x bot4's max`,
    },
  ];
}

export async function run(args: string[]): Promise<BenchReport> {
  const seconds = arg(args, 'seconds', 30);
  const pacedSeconds = arg(args, 'paced-seconds', 10);
  const pacedRate = arg(args, 'paced-rate', 1e6);
  const workers = arg(args, 'workers', 1);
  // Threads are warm before the first order (workers/warm-up.ts): only the first second is set apart.
  const warmup = arg(args, 'warmup', 1);
  const common = ['--workers', String(workers), '--wait', 'spin'];

  const maxLines = await runLauncher<MetricsLine>([...common, '--rate', 'max', '--duration', String(seconds)]);
  const maxSteady = steady(maxLines, warmup);
  const maxRates = maxSteady.map((l) => l.ordersPerS);
  const pacedLines = await runLauncher<MetricsLine>([...common, '--rate', String(pacedRate), '--duration', String(pacedSeconds)]);
  const pacedSteady = steady(pacedLines, warmup);
  const baseline = await postMessageBaseline(Math.min(5, seconds));
  const sourceCost = await measureSourceCosts();
  const cores = Array.from({ length: Math.min(workers + 1, availableParallelism()) }, (_, c) => c);
  const hiccups = await measureHiccups(cores, arg(args, 'hiccup-seconds', 10));
  // The path floor where there is one (a worker on its own core), else the worst single core.
  const floor = Math.max(...(hiccups.paths.length ? hiccups.paths : hiccups.cores).map((h) => h.waitP99Us));
  const pacedP99 = median(pacedSteady.map((l) => l.latencyUs.p99));
  const firstSecond = pacedLines.find((l) => l.msg === 'metrics');
  // One worker's path only: with more, each worker sees a share of the rate, which this model does not split.
  const path = workers === 1 && hiccups.paths[0]?.windowS > 0 ? hiccups.paths[0] : undefined;

  const results: BenchResult[] = [
    { name: `bot4 e2e --rate max, ${workers} worker`, unit: 'orders/s', median: median(maxRates), runs: maxRates.length, note: `GC after warm-up: ${gcAfterWarmup(maxLines, warmup)}` },
    { name: `bot4 e2e paced ${pacedRate}/s p50`, unit: 'us', median: median(pacedSteady.map((l) => l.latencyUs.p50)), runs: pacedSteady.length },
    { name: `bot4 e2e paced ${pacedRate}/s p99`, unit: 'us', median: pacedP99, p99: Math.max(...pacedSteady.map((l) => l.latencyUs.p99)), runs: pacedSteady.length, note: `GC after warm-up: ${gcAfterWarmup(pacedLines, warmup)}` },
    { name: `bot4 e2e paced ${pacedRate}/s p99.9`, unit: 'us', median: median(pacedSteady.map((l) => l.latencyUs.p999)), runs: pacedSteady.length },
    ...(['lateness', 'queued', 'back'] as const).map((hop) => ({
      name: `  hop ${hop} p99 (${HOP_MEANING[hop]})`,
      unit: 'us',
      median: median(pacedSteady.map((l) => l.hopsUs[hop].p99)),
      runs: pacedSteady.length,
      note: `p50 ${median(pacedSteady.map((l) => l.hopsUs[hop].p50)).toFixed(2)} us`,
    })),
    ...(['workers', 'sources'] as const).map((kind) => {
      const f = pacedSteady.map((l) => l.sched?.[kind]).filter((x) => x != null);
      return {
        name: `  ${kind === 'workers' ? 'worker' : 'source'} waited for its core (other tasks on it), worst thread`,
        unit: '%',
        median: f.length ? median(f.map((x) => x.waitPct)) : NaN,
        runs: f.length,
        note: f.length ? `${median(f.map((x) => x.preemptedPerS)).toFixed(0)} preemptions/s (the scheduler's counters)` : 'no scheduler figures here',
      };
    }),
    {
      name: `bot4 e2e paced ${pacedRate}/s p99, first second after warm-up`,
      unit: 'us',
      median: firstSecond?.latencyUs.p99 ?? NaN,
      runs: 1,
      note: `${((firstSecond?.latencyUs.p99 ?? NaN) / pacedP99).toFixed(1)}x the steady p99`,
    },
    { name: 'postMessage e2e (same checks), 1 worker', unit: 'orders/s', median: baseline, runs: 1 },
    ...sourceCostResults(sourceCost.generate, sourceCost.replay),
    ...hiccups.cores.map((h) => ({
      name: `platform floor, core ${h.core}: random-arrival wait p99`,
      unit: 'us',
      median: h.waitP99Us,
      runs: 1,
      note: `p99.9 ${h.waitP999Us.toFixed(0)} us; ${h.delayedPct.toFixed(2)}% of arrivals delayed > 10 us; stalled ${h.stalledPct.toFixed(2)}% of the time in gaps > 10 us; longest ${h.maxGapUs.toFixed(0)} us${h.sched ? `; waited for the core ${h.sched.waitPct.toFixed(2)}%, ${h.sched.preemptedPerS.toFixed(0)} preemptions/s` : ''}${h.pinned ? '' : '; not pinned'}${h.droppedGaps ? `; ${h.droppedGaps} gaps not listed` : ''}`,
    })),
    ...hiccups.paths.map((p) => ({
      name: `platform floor, path core ${p.from} -> core ${p.to}: random-arrival wait p99`,
      unit: 'us',
      median: p.waitP99Us,
      runs: 1,
      note: `p50 ${p.waitP50Us.toFixed(1)} us; p99.9 ${p.waitP999Us.toFixed(0)} us; ${p.delayedPct.toFixed(2)}% of arrivals delayed > 10 us; over ${p.windowS.toFixed(1)} s`,
    })),
    ...(path ? modelResults(path, pacedRate, median(maxRates)) : []),
  ];
  return {
    suite: 'e2e',
    machine: machineInfo(),
    results,
    // Time ratio, baseline over bot4: 1 would be a paced p99 as low as the platform allows an order's path.
    ratios: {
      vs_postMessage: throughputRatio(median(maxRates), baseline),
      vs_platform_floor_p99: timeRatio(pacedP99, floor),
      source_replay_vs_generate: timeRatio(sourceCost.replay.nsPerOrder, sourceCost.generate.nsPerOrder),
    },
  };
}
