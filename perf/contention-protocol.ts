/**
 * What the contention bench and its worker threads share: the control buffer
 * layout (i32[0] start flag, i32[1] stop flag; thread t publishes its running
 * op count at f64[SLOT_F64 * (t + 1)], one 128-byte line per thread) and the
 * messages they exchange.
 */
export const SLOT_F64 = 16;

export function contentionCtrlBytes(threads: number): number {
  return 8 * SLOT_F64 * (threads + 1);
}

export interface ContentionData {
  board: SharedArrayBuffer;
  limiters: SharedArrayBuffer;
  limiter: number;
  ctrl: SharedArrayBuffer;
  id: number;
  /** Index of the fixed-window rule whose charged window to tally. */
  windowRule: number;
}

export interface ContentionResult {
  ops: number;
  /** CPU time this thread used while running (ns). */
  cpuNs: number;
  records: number;
  admitted: number;
  /** Admissions per window tag (tag & 0xffff) of the fixed-window rule. */
  windows: Int32Array;
}

export interface SpinlockContentionData {
  lock: SharedArrayBuffer;
  ctrl: SharedArrayBuffer;
  id: number;
  window: number;
  windowLimit: number;
  windowNs: number;
  ratePerSec: number;
  burst: number;
  startNs: number;
}

export interface SpinlockContentionResult {
  ops: number;
  cpuNs: number;
}
