/**
 * limiter: decisions per second (tryAcquire calls, admitted or refused) for
 * each venue rule, on one thread and on --threads threads (default: all cores)
 * sharing one limiter, plus two "admitting" shapes whose limits are raised so
 * that every request takes the CAS path. The clock is read once per 256
 * requests, as the engine reads it once per batch.
 * Baselines in the same run: a plain single-thread token bucket (the usual
 * npm shape) and a spin-locked shared bucket on the same threads.
 * Options: --seconds S per multi-thread row (default 1), --threads T, --samples N, --requests R.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { monotonicClock } from '../core/clock/monotonic-clock.js';
import { rateLimitsSchema, type RateLimitsConfigInput } from '../core/limits/limiter-settings.js';
import { createRateLimiters, RateLimiter } from '../core/limits/rate-limiter.js';
import { machineInfo, median, throughputRatio, type BenchReport, type BenchResult } from './bench-report.js';
import type { LimiterJob, LimiterJobResult } from './limiter-bench-worker.js';
import { createSpinlockBucket, LocalBucket } from './spinlock-bucket.js';

const clock = monotonicClock();

function arg(args: string[], name: string, dflt: number): number {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
}

interface Case {
  name: string;
  config: RateLimitsConfigInput;
  id: string;
  orders: number;
  weight: number;
}

const ADMITTING_BUCKET = { kind: 'tokenBucket', counts: 'weight', ratePerSec: 1_000_000, burst: 1_000_000 } as const;

const CASES: Case[] = [
  { name: 'binance spot: 50/10 s, 6000 weight/min, 160k/day', config: {}, id: 'binance.spot', orders: 1, weight: 1 },
  { name: 'binance usd-m: 300/10 s, 1200/min', config: {}, id: 'binance.usdm', orders: 1, weight: 1 },
  { name: 'kraken starter: counter 15, -0.33/s', config: {}, id: 'kraken.spot', orders: 1, weight: 1 },
  { name: 'coinbase private: 15/s, burst 30', config: {}, id: 'coinbase.private', orders: 1, weight: 1 },
  { name: 'reference binance spot: 20/s', config: { profile: 'reference' }, id: 'binance.spot', orders: 1, weight: 1 },
  {
    name: 'admitting: 3 fixed windows (16M / 100 ms)',
    config: {
      limiters: {
        x: {
          rules: [
            { kind: 'fixedWindow', counts: 'orders', limit: 16_000_000, windowMs: 100, align: 'none' },
            { kind: 'fixedWindow', counts: 'weight', limit: 16_000_000, windowMs: 100, align: 'none' },
            { kind: 'fixedWindow', counts: 'orders', limit: 16_000_000, windowMs: 100, align: 'none' },
          ],
        },
      },
    },
    id: 'x',
    orders: 1,
    weight: 1,
  },
  { name: 'admitting: token bucket 1M/s, burst 1M', config: { limiters: { x: { rules: [ADMITTING_BUCKET] } } }, id: 'x', orders: 1, weight: 1 },
];

function limiterOf(c: Case): { sab: SharedArrayBuffer; index: number } {
  const { sab, ids } = createRateLimiters(rateLimitsSchema.parse(c.config), clock.nowNs());
  return { sab, index: ids.indexOf(c.id) };
}

/** Single thread: decisions/s per sample of `requests` requests. */
function singleThread(samples: number, requests: number, decide: (now: number) => boolean): number[] {
  const out: number[] = [];
  let sink = 0;
  for (let s = -2; s < samples; s++) {
    const t0 = clock.nowNs();
    let now = t0;
    for (let done = 0; done < requests; done += 256) {
      for (let k = 0; k < 256; k++) if (decide(now)) sink++;
      now = clock.nowNs();
    }
    if (s >= 0) out.push((requests / (now - t0)) * 1e9);
  }
  if (sink === -1) process.stderr.write('');
  return out;
}

async function allThreads(pool: Worker[], job: Omit<LimiterJob, 'start'>): Promise<{ decisionsPerS: number; admitted: number; perThread: number[] }> {
  const start = new SharedArrayBuffer(4);
  const results = pool.map(
    (w) =>
      new Promise<LimiterJobResult>((resolve, reject) => {
        w.once('error', reject);
        w.once('message', (r: LimiterJobResult) => {
          w.off('error', reject);
          resolve(r);
        });
        w.postMessage({ ...job, start } satisfies LimiterJob);
      }),
  );
  await new Promise((resolve) => setTimeout(resolve, 20));
  Atomics.store(new Int32Array(start), 0, 1);
  const out = await Promise.all(results);
  const perThread = out.map((r) => r.decisions / r.seconds);
  return { decisionsPerS: perThread.reduce((a, x) => a + x, 0), admitted: out.reduce((a, r) => a + r.admitted, 0), perThread };
}

function row(name: string, perS: number[], note?: string): BenchResult {
  return { name, unit: 'decisions/s', median: median(perS), runs: perS.length, ...(note ? { note } : {}) };
}

export async function run(args: string[]): Promise<BenchReport> {
  const seconds = arg(args, 'seconds', 1);
  const threads = arg(args, 'threads', os.availableParallelism());
  const samples = arg(args, 'samples', 7);
  const requests = arg(args, 'requests', 2_000_000);
  const results: BenchResult[] = [];
  const pool = Array.from({ length: threads }, () => new Worker(new URL('./limiter-bench-worker.js', import.meta.url)));
  await Promise.all(pool.map((w) => new Promise((resolve) => w.once('online', resolve))));

  let admittingSingle = 0;
  let admittingAll = 0;
  for (const c of CASES) {
    const single = limiterOf(c);
    const limiter = new RateLimiter(single.sab, single.index);
    const one = singleThread(samples, requests, (now) => limiter.tryAcquire(c.orders, c.weight, now));
    results.push(row(`${c.name}, 1 thread`, one));
    const shared = limiterOf(c);
    const all = await allThreads(pool, { kind: 'lock-free', sab: shared.sab, limiter: shared.index, orders: c.orders, weight: c.weight, ms: seconds * 1000 });
    results.push(row(`${c.name}, ${threads} threads`, [all.decisionsPerS], `${all.admitted} admitted in ${seconds} s`));
    if (c.config.limiters?.x?.rules[0] === ADMITTING_BUCKET) {
      admittingSingle = median(one);
      admittingAll = all.decisionsPerS;
    }
  }

  const local = new LocalBucket(ADMITTING_BUCKET.ratePerSec, ADMITTING_BUCKET.burst, clock.nowNs());
  const plain = singleThread(samples, requests, (now) => local.tryAcquire(1, now));
  results.push(row('baseline: plain token bucket (not shared), 1 thread', plain));
  const spin = await allThreads(pool, {
    kind: 'spin-lock',
    sab: createSpinlockBucket(ADMITTING_BUCKET.ratePerSec, ADMITTING_BUCKET.burst, clock.nowNs()),
    limiter: 0,
    orders: 1,
    weight: 1,
    ms: seconds * 1000,
  });
  results.push(row(`baseline: spin-locked shared token bucket, ${threads} threads`, [spin.decisionsPerS], `${spin.admitted} admitted in ${seconds} s`));

  await Promise.all(pool.map((w) => new Promise((resolve) => {
    w.once('exit', resolve);
    w.postMessage('exit');
  })));
  return {
    suite: 'limiter',
    machine: machineInfo(),
    results,
    ratios: {
      vs_spinlock_all_threads: throughputRatio(admittingAll, spin.decisionsPerS),
      vs_plain_bucket_1_thread: throughputRatio(admittingSingle, median(plain)),
    },
  };
}
