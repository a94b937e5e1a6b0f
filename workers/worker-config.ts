import type { RiskBuffers } from '../core/risk/pre-trade-checks.js';
import type { WaitStrategyName } from '../ipc/wait-strategy.js';

/** What main hands an engine worker at start (workerData). Built from validated options only. */
export interface EngineWorkerConfig {
  workerId: number;
  /** Core to pin to, or -1 for no pinning. */
  core: number;
  inRing: SharedArrayBuffer;
  outRing: SharedArrayBuffer;
  stats: SharedArrayBuffer;
  instruments: SharedArrayBuffer;
  wait: WaitStrategyName;
  maxBatch: number;
  liveOrderCapacity: number;
  /** Shared risk state: limits table, breaker board, exposure ledger, rate limiters. */
  risk: RiskBuffers;
  /** pino log fd: 1 with --metrics json, 2 with the table. */
  logFd: 1 | 2;
  /** pino level, the same as main's. */
  logLevel: string;
}
