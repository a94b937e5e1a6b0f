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
import { threadCpuNs } from './thread-cpu.js';

const d = workerData as ContentionData;
const clock = monotonicClock();
const breaker = new CircuitBreaker(d.board, 0, clock);
const limiter = new RateLimiter(d.limiters, d.limiter);
const ctrl = new Int32Array(d.ctrl);
const published = new Float64Array(d.ctrl);
const slot = SLOT_F64 * (d.id + 1);
const windows = new Int32Array(1 << 16);
const pattern = new Int32Array(16);
pattern[3] = Outcome.FAILURE;
pattern[11] = Outcome.SLOW;

const cpu = threadCpuNs();
while (Atomics.load(ctrl, 0) === 0);
const cpu0 = cpu();
let ops = 0;
let records = 0;
let admitted = 0;
while (Atomics.load(ctrl, 1) === 0) {
  const now = clock.nowNs();
  for (let k = 0; k < 256; k++) {
    const p = breaker.acquire();
    if (p >= 0) {
      breaker.record(pattern[k & 15], undefined, p);
      records++;
    }
    if (limiter.tryAcquire(1, 1, now)) {
      admitted++;
      windows[limiter.charged[d.windowRule] & 0xffff]++;
    }
  }
  ops += 256;
  published[slot] = ops;
}
const result: ContentionResult = { ops, cpuNs: cpu() - cpu0, records, admitted, windows };
parentPort!.postMessage(result);
