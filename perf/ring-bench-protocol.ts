/**
 * Commands the ring benchmark (ring-bench.ts) sends its two worker threads
 * (ring-bench-worker.ts), and their replies. One worker is the producer side,
 * pinned to core 0, the other the consumer side, pinned to core 1.
 *
 * Every transport carries the same record: 8 float64 = 64 bytes, written whole
 * by the producer and read whole by the consumer:
 *   f64[0] = seq (0, 1, 2, ...), f64[j] = seq + j for j = 1..7
 * The consumer checks f64[0] against the next expected seq and sums f64[1..7],
 * so the checksum over N records is 7 * N(N-1)/2 + 28 N (exact below 2^53).
 *
 * `ctl` is a small shared Int32Array: word 0 is a start barrier (each side adds
 * 1 and spins until it reads 2; the clock starts after it), word 1 the
 * postMessage consumer's acknowledged count (the producer's flow control).
 */
import type { MessagePort } from 'node:worker_threads';
import type { WaitStrategyName } from '../ipc/wait-strategy.js';

export const RECORD_F64 = 8;
export const CTL_BARRIER = 0;
export const CTL_ACKED = 1;
export const CTL_BYTES = 64;

export function expectedChecksum(records: number): number {
  return (7 * records * (records - 1)) / 2 + 28 * records;
}

export type Transport = 'ring' | 'ringbuf' | 'postMessage';

export type Command =
  | { cmd: 'produce'; transport: 'ring' | 'ringbuf'; sab: SharedArrayBuffer; ctl: SharedArrayBuffer; records: number; batch: number }
  | { cmd: 'consume'; transport: 'ring' | 'ringbuf'; sab: SharedArrayBuffer; ctl: SharedArrayBuffer; records: number; batch: number }
  | { cmd: 'produce'; transport: 'postMessage'; port: MessagePort; ctl: SharedArrayBuffer; records: number; window: number }
  | { cmd: 'consume'; transport: 'postMessage'; port: MessagePort; ctl: SharedArrayBuffer; records: number }
  | { cmd: 'latency-produce'; sab: SharedArrayBuffer; bell: SharedArrayBuffer; ctl: SharedArrayBuffer; samples: number; gapNs: number; strategy: WaitStrategyName }
  | {
      cmd: 'latency-consume';
      sab: SharedArrayBuffer;
      /** The consumer's doorbell (block strategy). */
      bell: SharedArrayBuffer;
      ctl: SharedArrayBuffer;
      samples: number;
      strategy: WaitStrategyName;
      /** Float64Array(samples) the consumer fills with one-way latencies, ns. */
      out: SharedArrayBuffer;
    };

export interface Reply {
  /** Shared monotonic clock, ns: the producer's start (after the barrier) or the consumer's last record. */
  time: number;
  /** Consumer: records received in order; first out-of-order seq, or -1. */
  received: number;
  badSeq: number;
  checksum: number;
  /** GCs on this thread during the timed part (throughput commands; latency replies carry 0). */
  gc: number;
}

export interface PinReport {
  ok: boolean;
  core: number;
  allowed: string;
  reason?: string;
}
