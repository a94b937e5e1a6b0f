/**
 * Baseline thread for the contention bench: the same work per operation as
 * contention-bench-worker.ts (breaker: state check, count-window slot and
 * failure count; limiter: a fixed window then a token bucket, refused whole)
 * on plain shared fields, all behind one spin lock.
 *   i32[0] lock; i32[1] breaker state; i32[2] call counter; i32[3] failures in window;
 *   i32[4] window index, i32[5] window count; f64[4] tokens, f64[5] last refill ns;
 *   i32[64..64+window) outcome slots.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { monotonicClock } from '../core/clock/monotonic-clock.js';
import { SLOT_F64, type SpinlockContentionData, type SpinlockContentionResult } from './contention-protocol.js';
import { threadCpuClock } from '../core/clock/thread-cpu-clock.js';

const d = workerData as SpinlockContentionData;
const clock = monotonicClock();
const cpu = threadCpuClock();
const ctrl = new Int32Array(d.ctrl);
const published = new Float64Array(d.ctrl);
const slot = SLOT_F64 * (d.id + 1);
const perNs = d.ratePerSec / 1e9;

/** 256 operations on the locked state in `lock`. */
function batch(i32: Int32Array, f64: Float64Array, now: number): void {
  const win = Math.floor(now / d.windowNs);
  for (let k = 0; k < 256; k++) {
    const outcome = (k & 15) === 3 ? 1 : 0;
    while (Atomics.compareExchange(i32, 0, 0, 1) !== 0);
    if (i32[1] === 0) {
      const n = i32[2]++;
      const s = 64 + (n % d.window);
      i32[3] += outcome - i32[s];
      i32[s] = outcome;
    }
    if (i32[4] !== win) {
      i32[4] = win;
      i32[5] = 0;
    }
    if (i32[5] < d.windowLimit) {
      const elapsed = now - f64[5];
      if (elapsed > 0) {
        f64[4] = Math.min(d.burst, f64[4] + elapsed * perNs);
        f64[5] = now;
      }
      if (f64[4] >= 1) {
        f64[4] -= 1;
        i32[5]++;
      }
    }
    Atomics.store(i32, 0, 0);
  }
}

// Warm up on a private lock, as the lock-free threads do.
const warm = new SharedArrayBuffer(d.lock.byteLength);
for (let i = 0; i < 2000; i++) batch(new Int32Array(warm), new Float64Array(warm), clock.nowNs());

const i32 = new Int32Array(d.lock);
const f64 = new Float64Array(d.lock);
if (d.id === 0) {
  f64[4] = d.burst;
  f64[5] = d.startNs;
}
parentPort!.postMessage('ready');
Atomics.wait(ctrl, 0, 0);
const cpu0 = cpu();
let ops = 0;
while (Atomics.load(ctrl, 1) === 0) {
  batch(i32, f64, clock.nowNs());
  ops += 256;
  published[slot] = ops;
}
const result: SpinlockContentionResult = { ops, cpuNs: cpu() - cpu0 };
parentPort!.postMessage(result);
