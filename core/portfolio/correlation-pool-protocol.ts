/**
 * What the engine's correlation service (engine/portfolio/correlation-service.ts)
 * and its pool thread (workers/correlation-task.ts) tell each other: the
 * thread's start-up data, and the answers to its two tasks, 'init' and 'round'
 * (a RoundResult, core/portfolio/correlation-round.ts).
 */
import type { KernelName } from './correlation-kernels.js';

export interface CorrelationTaskData {
  returns: SharedArrayBuffer;
  covariance: SharedArrayBuffer;
  minPoints: number;
  /** The core to pin to, or -1: lower the priority instead. */
  core: number;
  /** The service's choice (bestKernelName: WASM SIMD when the runtime has it). */
  kernel: KernelName;
}

/** Where the pool thread ended up: on a core of its own, or sharing at a lower priority. */
export type Placement = { mode: 'pinned'; core: number } | { mode: 'nice'; nice: number; reason: string };

export interface InitResult {
  kernel: KernelName;
  placement: Placement;
  /** Why the thread runs another kernel than the one asked for (its module could not be loaded). */
  fallback?: string;
}
