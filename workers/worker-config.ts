import type { Instrument } from '../core/instruments/instrument.js';
import type { RiskBuffers } from '../core/risk/pre-trade-checks.js';
import type { BurstPattern } from '../core/generator/rate-schedule.js';
import type { ScriptedPath } from '../core/generator/scripted-path.js';
import type { WaitStrategyName } from '../ipc/wait-strategy.js';
import type { TimeInForce } from '../core/config/exchange-options.js';
import type { SourceMode } from '../core/source/event-source.js';

/** One pair of rings between a producer thread and a worker: frames in, answers back. */
export interface LinkBuffers {
  /** producer -> worker: ticks, orders, fills, control. */
  toWorker: SharedArrayBuffer;
  /** worker -> producer: decisions, heartbeat echoes. */
  fromWorker: SharedArrayBuffer;
  /** The worker's doorbell, rung by the producer under the block strategy. */
  workerDoorbell: SharedArrayBuffer;
  /** The producer thread's doorbell, rung by the worker under block; none for main (it polls on timers). */
  peerDoorbell?: SharedArrayBuffer;
}

/** What every thread on the order path needs to warm its code up on scratch state before traffic. */
export interface WarmUpSpec {
  /** Synthetic orders to run through the real code (0: no warm-up, e.g. a restarted worker). */
  orders: number;
  instruments: Instrument[];
  /** The instrument table (read-only). */
  instrumentTable: SharedArrayBuffer;
  /** The shared risk state, copied into scratch buffers: warm-up never touches the real one. */
  risk: RiskBuffers;
  maxBatch: number;
  liveOrderCapacity: number;
  seed: number;
  load: LoadMix;
  /** With --correlation on: the returns window N; warm-up samples every tick into a scratch window of 1 ms slots. */
  returnsWindow?: number;
  /** The run's scripted path, if any: warm-up samples it too, so that branch is optimised before traffic. */
  path?: ScriptedPath;
  /** The run's --source-mode: warm-up's source runs the same path the real ones will (default generate). */
  sourceMode?: SourceMode;
  /** The run's --wait: warm-up's threads idle, publish and ring doorbells the way the real ones will (default spin). */
  wait?: WaitStrategyName;
}

export interface LoadMix {
  badFraction: number;
  ticksPerOrder: number;
  marketFraction: number;
  /** The notional band each symbol's position is kept in (core/generator/order-generator.ts); default flat. */
  book?: { low: number; high: number };
}

interface ThreadConfig {
  /** Core to pin to, or -1 for no pinning. */
  core: number;
  /** This thread's doorbell (ipc/doorbell.ts): producers ring it under the block strategy. */
  doorbell: SharedArrayBuffer;
  wait: WaitStrategyName;
  warmUp: WarmUpSpec;
  /** pino log fd: 1 with --metrics json, 2 with the table. */
  logFd: 1 | 2;
  /** pino level, the same as main's. */
  logLevel: string;
}

/** What main hands a risk worker at start (workerData). Built from validated options only. */
export interface EngineWorkerConfig extends ThreadConfig {
  workerId: number;
  /** Link 0: main's; link 1 + s: order source s's; with a gateway, the last link is the gateway's. */
  links: LinkBuffers[];
  /** Index in `links` of the gateway's link (accepted orders out, executions in); absent: the stand-in exchange. */
  gatewayLink?: number;
  stats: SharedArrayBuffer;
  instruments: SharedArrayBuffer;
  maxBatch: number;
  liveOrderCapacity: number;
  /** Shared risk state: limits table, breaker board, exposure ledger, rate limiters. */
  risk: RiskBuffers;
  /** The position board (core/risk/position-board.ts): this worker writes its symbols' rows. */
  positions: SharedArrayBuffer;
  /** With --correlation on: the rolling returns (ipc/returns-window-layout.ts) it samples its symbols' mids into. */
  returns?: SharedArrayBuffer;
  /**
   * With --correlation on: the published matrices (ipc/covariance-layout.ts) the VaR check reads
   * (core/risk/portfolio-var.ts; it checks only where the limits file has `portfolioVar`), and the
   * engine's worker count, which says the symbols this worker owns.
   */
  portfolio?: { covariance: SharedArrayBuffer; workers: number };
}

/** What main hands the venue gateway thread at start (workerData). */
export interface GatewayConfig {
  /** Core to pin to, or -1. */
  core: number;
  /** One link per worker, index = worker id: accepted orders in (fromWorker), executions out (toWorker). */
  links: LinkBuffers[];
  /** One ring per order source: the final state of each of its orders (OrderFinal frames). */
  finals: SharedArrayBuffer[];
  stats: SharedArrayBuffer;
  /** The breaker board: the venue's breaker records every call's outcome; its backoffUntilNs the venue's Retry-After. */
  breakerBoard: SharedArrayBuffer;
  /** Venue id whose breaker and backoff this gateway drives. */
  venue: number;
  /** The engine's symbols (id = index), for the venue's symbol names and tick and lot grids. */
  instruments: Instrument[];
  /** The venue's WebSocket API URL; set by main once the venue is known (the simulator's port). */
  url: string;
  /** The run ends with a reconciliation against the venue's full order list (the simulator): the gateway archives settled orders for it. */
  reconciled?: boolean;
  tif: TimeInForce;
  /** Key material as the gateway reads it (core/gateway/api-keys.ts: BOT4_API_KEY... variables); never logged. */
  keys: Record<string, string | undefined>;
  /** The gateway's own order budget: at most this many orders per window (under the venue's ORDERS limit). */
  ordersPerWindow: number;
  orderWindowMs: number;
  logFd: 1 | 2;
  logLevel: string;
}

/** What main hands an order source at start (workerData). */
export interface OrderSourceConfig extends ThreadConfig {
  sourceId: number;
  /** One link per worker, index = worker id. */
  links: LinkBuffers[];
  stats: SharedArrayBuffer;
  instruments: Instrument[];
  /** Engine symbol ids this source trades and ticks. */
  symbols: number[];
  /** Client ids: clientIdStart + k * clientIdStride (distinct across sources). */
  clientIdStart: number;
  clientIdStride: number;
  seed: number;
  /** This source's share of the order rate (orders/s; Infinity = max). */
  rate: number;
  /** Offset of this source's first due time from the common start, so sources interleave. */
  phaseNs: number;
  burst?: BurstPattern;
  load: LoadMix;
  /** Feed mode: the mid board main keeps from the feed (float64 per symbol); orders are priced off it. */
  mids?: SharedArrayBuffer;
  /** Scenario mode: ticks follow this path (its mids in shared memory) instead of the random walk. */
  path?: ScriptedPath;
  backpressureNs: number;
  /** The breaker board: the stand-in exchange records each order call's outcome there. */
  breakerBoard: SharedArrayBuffer;
  /** false with a venue gateway (--exchange sim|URL): accepted orders go to it from the workers, and this source fills none. */
  standIn?: boolean;
  /** With a venue gateway: the ring on which it reports the final state of each of this source's orders. */
  finals?: SharedArrayBuffer;
  /** The exactly-once ledger's window (core/dispatch/in-flight.ts). */
  ledgerWindow: number;
  /** --source-mode: generate every event, or replay events prepared at build (default generate). */
  sourceMode?: SourceMode;
  /** Replay: events prepared per lap (default REPLAY_EVENTS; tests take short laps). */
  replayEvents?: number;
}
