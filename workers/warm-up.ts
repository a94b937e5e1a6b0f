/**
 * Warm-up before traffic: runs synthetic orders through the real code of
 * both ends of the order path (an order source and a risk worker, built by
 * workers/thread-parts.ts exactly as the threads build theirs) on scratch
 * state, in the calling thread, until V8 has optimised it. Scratch state:
 * copies of the shared risk buffers (limits, breakers, exposure, limiters),
 * rings and statistics blocks of its own, so the real positions, exposure,
 * limiters, breakers, ledgers and metrics are never touched. Half of the
 * orders go at `max` (full rings, batches), half paced (one order per pump,
 * publish per order), so both paths are warm.
 * Every thread on the order path calls it before it reports Ready; it
 * allocates (scratch buffers, objects) but only before traffic.
 */
import type { MonotonicClock } from '../core/clock/monotonic-clock.js';
import { createDoorbell } from '../ipc/doorbell.js';
import { createSourceStats, SourceCommand, SourceStat, sourceStatsView } from '../ipc/source-stats-layout.js';
import { createRingBuffer } from '../ipc/spsc-ring.js';
import { createWorkerStats } from '../ipc/worker-stats-layout.js';
import type { RiskBuffers } from '../core/risk/pre-trade-checks.js';
import { buildEngineLoop, buildOrderSource } from './thread-parts.js';
import type { LinkBuffers, WarmUpSpec } from './worker-config.js';

const WARM_RING_SLOTS = 4096;
/** A paced phase whose orders are always due: the paced code path without waiting. */
const WARM_PACED_RATE = 1e9;
/** Longest a warm-up may take, whatever the order count (a slow or shared core). */
const WARM_UP_LIMIT_NS = 5e9;

function copyOf(sab: SharedArrayBuffer): SharedArrayBuffer {
  const copy = new SharedArrayBuffer(sab.byteLength);
  new Uint8Array(copy).set(new Uint8Array(sab));
  return copy;
}

function scratchRisk(risk: RiskBuffers): RiskBuffers {
  return { table: copyOf(risk.table), board: copyOf(risk.board), ledger: copyOf(risk.ledger), limiters: copyOf(risk.limiters) };
}

export interface WarmUpResult {
  orders: number;
  ns: number;
}

/** Runs spec.orders synthetic orders end to end on scratch state; returns how many and how long. */
export function warmUp(spec: WarmUpSpec, clock: MonotonicClock): WarmUpResult {
  const started = clock.nowNs();
  if (spec.orders <= 0) return { orders: 0, ns: 0 };
  const risk = scratchRisk(spec.risk);
  const link: LinkBuffers = { toWorker: createRingBuffer(WARM_RING_SLOTS), fromWorker: createRingBuffer(WARM_RING_SLOTS), workerDoorbell: createDoorbell() };
  const worker = buildEngineLoop(
    { workerId: 0, links: [link], stats: createWorkerStats(), instruments: spec.instrumentTable, maxBatch: spec.maxBatch, liveOrderCapacity: spec.liveOrderCapacity, risk, wait: 'spin' },
    clock,
  );
  const deadline = started + WARM_UP_LIMIT_NS;
  let orders = 0;
  for (const rate of [Infinity, WARM_PACED_RATE]) {
    const stats = createSourceStats();
    const view = sourceStatsView(stats);
    const source = buildOrderSource(
      {
        sourceId: 0,
        links: [link],
        stats,
        instruments: spec.instruments,
        symbols: spec.instruments.map((_, i) => i),
        clientIdStart: 1 + orders,
        clientIdStride: 1,
        seed: spec.seed,
        rate,
        phaseNs: 0,
        load: spec.load,
        backpressureNs: 1e6,
        breakerBoard: risk.board,
        ledgerWindow: 1 << 16,
        wait: 'spin',
      },
      clock.nowNs(),
      clock,
    );
    const target = spec.orders / 2;
    // The worker drains all the source wrote before the source goes on: one thread plays both,
    // so a full ring would only ever be emptied by this loop (a paced source waits for room).
    const step = () => {
      source.doWork();
      while (worker.doWork() !== 0);
    };
    while (view.f64[SourceStat.generated] < target && clock.reading[0] < deadline) step();
    Atomics.store(view.commands, SourceCommand.stop, 1);
    while (!source.done) step();
    orders += view.f64[SourceStat.generated];
  }
  return { orders, ns: clock.nowNs() - started };
}
