/**
 * contention: T threads (default 2 x cores, --threads up to 256) hammer one
 * circuit breaker (acquire + record) and one rate limiter (a fixed window and
 * a token bucket) for --seconds (default 10). Reports total ops/s (per
 * second, median and worst), per-thread fairness (max / min ops), and checks
 * that no update was lost:
 *   breaker  the call counter equals the records every thread made, and the
 *            window's failure/slow counts equal a recount of its slots;
 *   limiter  no window admitted more than its limit, the open window holds
 *            exactly what threads were admitted in it, the bucket admitted at
 *            most burst + rate x elapsed and its state accounts for all of it.
 * Fairness is also given per CPU-second of each thread, which separates the
 * algorithm's share-out from the scheduler's when threads outnumber cores.
 * Baseline in the same run: the same work per operation on plain fields
 * behind one spin lock, for --baseline-seconds (default: --seconds / 2).
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { AGG_SLOW_UNIT, Block, blockOffset, createBreakerBoard } from '../core/breaker/breaker-layout.js';
import { breakerSettings } from '../core/breaker/breaker-settings.js';
import { Outcome } from '../core/breaker/circuit-breaker.js';
import { monotonicClock } from '../core/clock/monotonic-clock.js';
import { Directory, DIRECTORY_BYTE, DIRECTORY_ENTRY_I32, Header, Rule, RULE_I32, rulesByte } from '../core/limits/limiter-layout.js';
import { rateLimitsSchema } from '../core/limits/limiter-settings.js';
import { createRateLimiters } from '../core/limits/rate-limiter.js';
import { machineInfo, median, throughputRatio, type BenchReport, type BenchResult } from './bench-report.js';
import {
  contentionCtrlBytes,
  SLOT_F64,
  type ContentionData,
  type ContentionResult,
  type SpinlockContentionData,
  type SpinlockContentionResult,
} from './contention-protocol.js';

const clock = monotonicClock();
const WINDOW_LIMIT = 20_000;
const WINDOW_MS = 10;
const BUCKET_RATE = 1_000_000;
const BUCKET_BURST = 1000;
const BREAKER_WINDOW = 100;

function arg(args: string[], name: string, dflt: number): number {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
}

interface Phase {
  perSecond: number[];
  perThread: number[];
  /** Ops per CPU-second of each thread: what the algorithm gives each thread, scheduler aside. */
  perCpuSecond: number[];
}

/** Starts the workers, samples their published counts once a second, stops them. */
async function runPhase<R extends { ops: number; cpuNs: number }>(workers: Worker[], ctrl: SharedArrayBuffer, seconds: number): Promise<Phase & { results: R[] }> {
  const i32 = new Int32Array(ctrl);
  const f64 = new Float64Array(ctrl);
  const ready: Promise<void>[] = [];
  const results = workers.map((w) => {
    let isReady: () => void = () => {};
    ready.push(new Promise<void>((resolve) => (isReady = resolve)));
    return new Promise<R>((resolve, reject) => {
      w.on('message', (m: R | 'ready') => (m === 'ready' ? isReady() : resolve(m)));
      w.once('error', reject);
    });
  });
  await Promise.all(ready);
  const total = () => workers.reduce((a, _, t) => a + f64[SLOT_F64 * (t + 1)], 0);
  const t0 = clock.nowNs();
  Atomics.store(i32, 0, 1);
  Atomics.notify(i32, 0);
  const perSecond: number[] = [];
  let last = 0;
  let lastT = t0;
  for (let s = 0; s < seconds; s++) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const now = clock.nowNs();
    const sum = total();
    perSecond.push(((sum - last) / (now - lastT)) * 1e9);
    last = sum;
    lastT = now;
  }
  Atomics.store(i32, 1, 1);
  const out = await Promise.all(results);
  return { perSecond, perThread: out.map((r) => r.ops), perCpuSecond: out.map((r) => (r.ops / r.cpuNs) * 1e9), results: out };
}

export async function run(args: string[]): Promise<BenchReport> {
  const threads = Math.min(256, Math.max(1, arg(args, 'threads', 2 * os.availableParallelism())));
  const seconds = Math.max(1, arg(args, 'seconds', 10));
  const baselineSeconds = Math.max(1, arg(args, 'baseline-seconds', Math.ceil(seconds / 2)));

  const board = createBreakerBoard([breakerSettings({ slidingWindowSize: BREAKER_WINDOW, minimumNumberOfCalls: BREAKER_WINDOW, slowCallRateThreshold: 50 })]);
  const start = clock.nowNs();
  const { sab: limiters, ids } = createRateLimiters(
    rateLimitsSchema.parse({
      profile: 'reference',
      limiters: {
        contention: {
          // The rule that refuses most goes first: a refusal there needs no rollback.
          rules: [
            { kind: 'tokenBucket', counts: 'weight', ratePerSec: BUCKET_RATE, burst: BUCKET_BURST },
            { kind: 'fixedWindow', counts: 'orders', limit: WINDOW_LIMIT, windowMs: WINDOW_MS, align: 'none' },
          ],
        },
      },
    }),
    start,
  );
  const limiter = ids.indexOf('contention');
  const ctrl = new SharedArrayBuffer(contentionCtrlBytes(threads));
  const workers = Array.from({ length: threads }, (_, id) => {
    const data: ContentionData = { board, limiters, limiter, ctrl, id, windowRule: 1 };
    return new Worker(new URL('./contention-bench-worker.js', import.meta.url), { workerData: data });
  });
  const phase = await runPhase<ContentionResult>(workers, ctrl, seconds);
  const end = clock.nowNs();

  // Breaker: every record counted, window counts = slot recount.
  const bi32 = new Int32Array(board);
  const bo = blockOffset(board, 0);
  const records = phase.results.reduce((a, r) => a + r.records, 0);
  const seq = bi32[(bo + Block.seq) >> 2] >>> 0;
  const slots = Array.from(bi32.subarray((bo + Block.window) >> 2, ((bo + Block.window) >> 2) + BREAKER_WINDOW));
  const fails = slots.filter((v) => v & Outcome.FAILURE).length;
  const slow = slots.filter((v) => v & Outcome.SLOW).length;
  const breakerLost = Math.abs(seq - (records % 2 ** 32)) + (bi32[(bo + Block.agg) >> 2] === fails + slow * AGG_SLOW_UNIT ? 0 : 1);

  // Limiter: per-window totals, the open window's count, the bucket's bound and bookkeeping.
  const li32 = new Int32Array(limiters);
  const dir = (DIRECTORY_BYTE >> 2) + limiter * DIRECTORY_ENTRY_I32;
  const bucket = (rulesByte(li32[Header.limiters]) >> 2) + li32[dir + Directory.firstRule] * RULE_I32;
  const first = bucket + RULE_I32;
  const perWindow = new Int32Array(1 << 16);
  for (const r of phase.results) for (let k = 0; k < perWindow.length; k++) perWindow[k] += r.windows[k];
  let overWindows = 0;
  for (let k = 0; k < perWindow.length; k++) if (perWindow[k] > WINDOW_LIMIT) overWindows++;
  const ws = li32[first + Rule.state];
  const bits = li32[first + Rule.countBits];
  const openWindowLost = Math.abs((ws & ((1 << bits) - 1)) - perWindow[(ws >>> bits) & 0xffff]);
  const admitted = phase.results.reduce((a, r) => a + r.admitted, 0);
  const booked = admitted * li32[bucket + Rule.emitUs];
  const t0us = Math.floor(start / 1000);
  const overBucket = booked > Math.floor(end / 1000) - t0us + li32[bucket + Rule.tauUs] ? 1 : 0;
  const bucketLost = ((li32[bucket + Rule.state] - (t0us | 0)) | 0) < booked ? 1 : 0;

  // Baseline: the same loop, breaker and bucket behind one spin lock.
  const bctrl = new SharedArrayBuffer(contentionCtrlBytes(threads));
  const lockSab = new SharedArrayBuffer(1024);
  const baseWorkers = Array.from({ length: threads }, (_, id) => {
    const data: SpinlockContentionData = {
      lock: lockSab,
      ctrl: bctrl,
      id,
      window: BREAKER_WINDOW,
      windowLimit: WINDOW_LIMIT,
      windowNs: WINDOW_MS * 1e6,
      ratePerSec: BUCKET_RATE,
      burst: BUCKET_BURST,
      startNs: clock.nowNs(),
    };
    return new Worker(new URL('./contention-spinlock-worker.js', import.meta.url), { workerData: data });
  });
  const base = await runPhase<SpinlockContentionResult>(baseWorkers, bctrl, baselineSeconds);

  const ratio = (xs: number[]) => Math.round((Math.max(...xs) / Math.min(...xs)) * 1000) / 1000;
  const spread = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return `min ${Math.round(s[0])}, median ${Math.round(median(s))}, max ${Math.round(s[s.length - 1])} ops`;
  };
  const results: BenchResult[] = [
    { name: `lock-free: breaker + limiter, ${threads} threads`, unit: 'ops/s', median: median(phase.perSecond), runs: phase.perSecond.length, note: `worst second ${Math.round(Math.min(...phase.perSecond))}` },
    { name: 'lock-free: fairness, max / min ops per thread', unit: 'ratio', median: ratio(phase.perThread), runs: 1, note: `${spread(phase.perThread)}; per CPU-second: ${ratio(phase.perCpuSecond)}` },
    { name: 'lock-free: lost breaker records', unit: 'count', median: breakerLost, runs: 1, note: `${records} records, ${fails} failures / ${slow} slow in the window` },
    { name: 'lock-free: windows over their limit', unit: 'count', median: overWindows, runs: 1, note: `${admitted} admitted; open window off by ${openWindowLost}` },
    { name: 'lock-free: bucket over-admitted / lost', unit: 'count', median: overBucket + bucketLost, runs: 1, note: `${admitted} <= ${BUCKET_BURST} + ${BUCKET_RATE}/s x elapsed` },
    { name: `baseline: one spin lock, ${threads} threads`, unit: 'ops/s', median: median(base.perSecond), runs: base.perSecond.length },
    { name: 'baseline: fairness, max / min ops per thread', unit: 'ratio', median: ratio(base.perThread), runs: 1, note: `${spread(base.perThread)}; per CPU-second: ${ratio(base.perCpuSecond)}` },
  ];
  return {
    suite: 'contention',
    machine: machineInfo(),
    results,
    ratios: { vs_spinlock: throughputRatio(median(phase.perSecond), median(base.perSecond)) },
  };
}
