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
  /** pino log fd: 1 with --metrics json, 2 with the table. */
  logFd: 1 | 2;
  /** pino level, the same as main's. */
  logLevel: string;
}
