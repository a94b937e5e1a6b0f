/**
 * Worker for the limiter bench: for each job, spins until the start flag, then
 * requests from the shared limiter (or the spin-locked baseline bucket) for
 * `ms`, reading the shared clock once per 256 requests as the engine does.
 */
import { parentPort } from 'node:worker_threads';
import { monotonicClock } from '../core/clock/monotonic-clock.js';
import { RateLimiter } from '../core/limits/rate-limiter.js';
import { SpinlockBucket } from './spinlock-bucket.js';

export interface LimiterJob {
  kind: 'lock-free' | 'spin-lock';
  sab: SharedArrayBuffer;
  start: SharedArrayBuffer;
  limiter: number;
  orders: number;
  weight: number;
  ms: number;
}

export interface LimiterJobResult {
  decisions: number;
  admitted: number;
  seconds: number;
}

const clock = monotonicClock();

function run(job: LimiterJob): LimiterJobResult {
  const flag = new Int32Array(job.start);
  const lockFree = job.kind === 'lock-free' ? new RateLimiter(job.sab, job.limiter) : undefined;
  const locked = job.kind === 'spin-lock' ? new SpinlockBucket(job.sab) : undefined;
  while (Atomics.load(flag, 0) === 0);
  const t0 = clock.nowNs();
  const end = t0 + job.ms * 1e6;
  let decisions = 0;
  let admitted = 0;
  let now = t0;
  while (now < end) {
    for (let k = 0; k < 256; k++) {
      const ok = lockFree ? lockFree.tryAcquire(job.orders, job.weight, now) : locked!.tryAcquire(job.weight, now);
      if (ok) admitted++;
    }
    decisions += 256;
    now = clock.nowNs();
  }
  return { decisions, admitted, seconds: (now - t0) / 1e9 };
}

parentPort!.on('message', (job: LimiterJob | 'exit') => {
  if (job === 'exit') process.exit(0);
  parentPort!.postMessage(run(job));
});
