/**
 * One contention-bench thread: until main raises the stop flag, records an
 * outcome on the shared breaker (acquire, then record with the permit; one
 * failure and one slow call in every 16) and draws one request from the
 * shared limiter, counting what it did. Every 256 operations it reads the
 * shared clock once and publishes its count in its own 128-byte slot
 * (contention-protocol.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CircuitBreaker, Outcome } from '../core/breaker/circuit-breaker.js';
import { monotonicClock } from '../core/clock/monotonic-clock.js';
import { RateLimiter } from '../core/limits/rate-limiter.js';
import { SLOT_F64, type ContentionData, type ContentionResult } from './contention-protocol.js';
import { threadCpuClock } from '../core/clock/thread-cpu-clock.js';

const d = workerData as ContentionData;
const clock = monotonicClock();
const ctrl = new Int32Array(d.ctrl);
const published = new Float64Array(d.ctrl);
const slot = SLOT_F64 * (d.id + 1);
const pattern = new Int32Array(16);
pattern[3] = Outcome.FAILURE;
pattern[11] = Outcome.SLOW;
/** records, admitted */
const counts = new Float64Array(2);

/** 256 operations: one breaker outcome and one limiter request each. */
function batch(breaker: CircuitBreaker, limiter: RateLimiter, now: number, windows: Int32Array): void {
  for (let k = 0; k < 256; k++) {
    const p = breaker.acquire();
    if (p >= 0) {
      breaker.record(pattern[k & 15], undefined, p);
      counts[0]++;
    }
    if (limiter.tryAcquire(1, 1, now)) {
      counts[1]++;
      windows[limiter.charged[d.windowRule] & 0xffff]++;
    }
  }
}

function copyOf(sab: SharedArrayBuffer): SharedArrayBuffer {
  const out = new SharedArrayBuffer(sab.byteLength);
  new Uint8Array(out).set(new Uint8Array(sab));
  return out;
}

// Warm up on private copies, so every thread starts the measured run with optimised code
// (dozens of isolates compiling at once would otherwise skew the first seconds).
const warmBreaker = new CircuitBreaker(copyOf(d.board), 0, clock);
const warmLimiter = new RateLimiter(copyOf(d.limiters), d.limiter);
const warmWindows = new Int32Array(1 << 16);
for (let i = 0; i < 2000; i++) batch(warmBreaker, warmLimiter, clock.nowNs(), warmWindows);
counts.fill(0);

const breaker = new CircuitBreaker(d.board, 0, clock);
const limiter = new RateLimiter(d.limiters, d.limiter);
const windows = new Int32Array(1 << 16);
const cpu = threadCpuClock();
parentPort!.postMessage('ready');
// Sleep, not spin, until the start: hundreds of waiting threads must not starve the ones still loading.
Atomics.wait(ctrl, 0, 0);
const cpu0 = cpu();
let ops = 0;
while (Atomics.load(ctrl, 1) === 0) {
  batch(breaker, limiter, clock.nowNs(), windows);
  ops += 256;
  published[slot] = ops;
}
const result: ContentionResult = { ops, cpuNs: cpu() - cpu0, records: counts[0], admitted: counts[1], windows };
parentPort!.postMessage(result);
