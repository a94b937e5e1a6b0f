/**
 * The engine's assembly: every piece of shared memory and every thread's
 * config, built from validated options before any thread starts. Tests and
 * benches build an engine through this, not by wiring rings by hand.
 *
 * Links (each a pair of SPSC rings, workers/worker-config.ts):
 *   main -> worker w       feed ticks, stale markers, heartbeats, shutdown; echoes back
 *   source s -> worker w   the source's ticks, orders and fills; decisions back
 *   gateway <-> worker w   with --exchange sim|URL: accepted orders to the gateway, the venue's executions back
 * so every ring has one writer thread and one reader thread, and main touches
 * no per-order frame.
 */
import type { EngineOptions } from '../core/config/engine-options.js';
import { createRiskState, type RiskState } from './risk-state.js';
import { createPositionBoard } from '../core/risk/position-board.js';
import { createCorrelationBuffers } from './portfolio/correlation-service.js';
import type { MonotonicClock } from '../core/clock/monotonic-clock.js';
import { DEFAULT_LOAD, reservedSymbols } from '../core/generator/order-generator.js';
import { writeInstrumentTable, type Instrument } from '../core/instruments/instrument.js';
import { buildUniverse, feedUniverse } from '../core/instruments/universe.js';
import { ledgerWindow } from '../core/dispatch/in-flight.js';
import { createDoorbell } from '../ipc/doorbell.js';
import { createInstrumentTable } from '../ipc/instrument-table-layout.js';
import { createSourceStats } from '../ipc/source-stats-layout.js';
import { createRingBuffer } from '../ipc/spsc-ring.js';
import { createWorkerStats } from '../ipc/worker-stats-layout.js';
import type { EngineWorkerConfig, GatewayConfig, LinkBuffers, OrderSourceConfig, WarmUpSpec } from '../workers/worker-config.js';
import { createGatewayStats } from '../ipc/gateway-stats-layout.js';
import { symbolsOfSource } from './topology.js';
import { clientIdStart } from '../core/source/client-ids.js';

/** Synthetic orders each thread runs through the order path before traffic. */
export const WARM_UP_ORDERS = 200_000;

export interface EngineAssembly {
  instruments: Instrument[];
  instrumentTable: SharedArrayBuffer;
  risk: RiskState;
  /** The position board: every worker writes its own symbols' rows; main reads them. */
  positions: SharedArrayBuffer;
  /** main -> worker w links. */
  mainLinks: LinkBuffers[];
  /** With --exchange sim|URL: the gateway thread's config (its venue URL filled in once the venue is up). */
  gatewayConfig?: GatewayConfig;
  workerConfigs: EngineWorkerConfig[];
  sourceConfigs: OrderSourceConfig[];
  /** Feed mode: the mid per symbol that main keeps from the feed and sources price orders off. */
  mids?: Float64Array;
  /** --correlation on: the rolling returns the workers sample into, and the published matrices. */
  correlation?: { returns: SharedArrayBuffer; covariance: SharedArrayBuffer };
}

export function assembleEngine(opts: EngineOptions, clock: MonotonicClock, logLevel: string): EngineAssembly {
  // With a feed, the universe is the subscribed symbols (id = position in --subscribe) and ticks come from it.
  // A scenario brings its own instruments (copies: the halted one is marked below).
  const instruments = opts.feed
    ? feedUniverse(opts.feed.subscribe, opts.seed)
    : opts.scripted
      ? opts.scripted.instruments.map((i) => ({ ...i }))
      : buildUniverse(opts.symbols, opts.seed);
  const { halted } = reservedSymbols(instruments.length, opts.feed !== undefined);
  if (halted >= 0) instruments[halted].trading = false;
  const instrumentTable = createInstrumentTable(instruments.length);
  writeInstrumentTable(instrumentTable, instruments);
  const risk = createRiskState(opts.limits.initial.config, instruments.map((i) => i.name), clock);
  const positions = createPositionBoard(instruments.length);
  const correlation = opts.correlation ? createCorrelationBuffers(instruments.length, opts.correlation) : undefined;
  const riskBuffers = { table: risk.table, board: risk.board, ledger: risk.ledger, limiters: risk.limiters };
  const logFd = opts.metrics === 'json' ? 1 : 2;
  const load = { badFraction: opts.badFraction, ticksPerOrder: opts.tickRatio, marketFraction: DEFAULT_LOAD.marketFraction, book: opts.scripted?.book };
  const path = opts.scripted?.path;
  const warmUp: WarmUpSpec = {
    orders: WARM_UP_ORDERS,
    instruments,
    instrumentTable,
    risk: riskBuffers,
    maxBatch: opts.batch,
    liveOrderCapacity: opts.liveOrders,
    seed: opts.seed,
    load,
    wait: opts.wait,
    returnsWindow: opts.correlation?.window,
    path,
    sourceMode: opts.sourceMode,
  };

  const workerDoorbells = Array.from({ length: opts.workers }, () => createDoorbell());
  const sourceDoorbells = opts.orders ? Array.from({ length: opts.sources }, () => createDoorbell()) : [];
  const link = (w: number, peerDoorbell?: SharedArrayBuffer): LinkBuffers => ({
    toWorker: createRingBuffer(opts.ringSlots),
    fromWorker: createRingBuffer(opts.ringSlots),
    workerDoorbell: workerDoorbells[w],
    peerDoorbell,
  });
  const mainLinks = workerDoorbells.map((_, w) => link(w));
  const sourceLinks = sourceDoorbells.map((bell) => workerDoorbells.map((_, w) => link(w, bell)));
  // The gateway waits on its event loop (it speaks to a socket), so workers ring no doorbell of its.
  const gatewayLinks = opts.exchange.kind === 'stand-in' ? [] : workerDoorbells.map((_, w) => link(w));
  const finals = gatewayLinks.length > 0 ? sourceDoorbells.map(() => createRingBuffer(opts.ringSlots)) : [];

  const workerConfigs: EngineWorkerConfig[] = workerDoorbells.map((doorbell, w) => ({
    workerId: w,
    core: opts.cores[w],
    doorbell,
    links: [mainLinks[w], ...sourceLinks.map((links) => links[w]), ...(gatewayLinks.length > 0 ? [gatewayLinks[w]] : [])],
    gatewayLink: gatewayLinks.length > 0 ? 1 + sourceLinks.length : undefined,
    stats: createWorkerStats(),
    instruments: instrumentTable,
    maxBatch: opts.batch,
    liveOrderCapacity: opts.liveOrders,
    risk: riskBuffers,
    positions,
    returns: correlation?.returns,
    portfolio: correlation ? { covariance: correlation.covariance, workers: opts.workers } : undefined,
    wait: opts.wait,
    warmUp,
    logFd,
    logLevel,
  }));

  const mids = opts.feed ? new Float64Array(new SharedArrayBuffer(instruments.length * 8)) : undefined;
  mids?.set(instruments.map((i) => i.initialPrice));
  const gapNs = 1e9 / opts.rate;
  const sourceConfigs: OrderSourceConfig[] = sourceDoorbells.map((doorbell, s) => ({
    sourceId: s,
    core: opts.sourceCores[s],
    doorbell,
    links: sourceLinks[s],
    stats: createSourceStats(),
    instruments,
    symbols: symbolsOfSource(s, instruments.length, opts.workers, opts.sources),
    clientIdStart: clientIdStart(s),
    clientIdStride: opts.sources,
    // Source 0 keeps the run's seed: one source replays the single-generator run of a seed.
    seed: (opts.seed + s * 0x632be5ab) | 0,
    rate: opts.rate / opts.sources,
    // Sources interleave: source s's orders fall s/S of the way between source 0's.
    phaseNs: Number.isFinite(gapNs) ? s * gapNs : 0,
    burst: opts.burst,
    load,
    mids: mids ? (mids.buffer as SharedArrayBuffer) : undefined,
    path,
    backpressureNs: opts.backpressureUs * 1e3,
    breakerBoard: risk.board,
    standIn: opts.exchange.kind === 'stand-in',
    finals: finals[s],
    ledgerWindow: ledgerWindow(opts.ringSlots, opts.workers),
    sourceMode: opts.sourceMode,
    wait: opts.wait,
    warmUp,
    logFd,
    logLevel,
  }));
  const gatewayConfig: GatewayConfig | undefined =
    opts.exchange.kind === 'stand-in'
      ? undefined
      : {
          // Main's core: both wait on their event loops, and every other core runs a spinning worker or source.
          core: 0,
          links: gatewayLinks,
          finals,
          stats: createGatewayStats(),
          breakerBoard: risk.board,
          venue: 0,
          instruments,
          url: '',
          tif: opts.exchange.tif,
          keys: {},
          // The simulator runs with the engine's (lifted) limits; a real venue's ORDERS 50 / 10 s, with room to spare.
          ordersPerWindow: opts.exchange.kind === 'sim' ? 1e9 : 45,
          orderWindowMs: 10_000,
          logFd,
          logLevel,
        };
  return { instruments, instrumentTable, risk, positions, mainLinks, workerConfigs, sourceConfigs, mids, gatewayConfig, correlation };
}
