/**
 * breaker: the circuit breaker's cost per call on one thread, against opossum 9
 * measured in the same run.
 *   allow() CLOSED          one Atomics.load and a compare (target <= 10 ns)
 *   allow() OPEN            refused before the backoff deadline
 *   acquire() + record()    count window (with the permit, and re-reading the state) and time window
 *                           (clock read once per 256 calls), success outcomes; the ratio to opossum
 *                           uses the first (target >= 20x)
 *   opossum fire()          a function that resolves at once, awaited one by one and 1000 at a time
 *   floors                  a bare Atomics.load and a plain read of the state word, for scale
 * Each figure: ns/op per sample of --ops calls, median and p99 over --samples samples.
 * GCs during the allow()+record() samples are counted (target 0).
 */
import OpossumBreaker from 'opossum';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { Block, blockOffset, createBreakerBoard } from '../core/breaker/breaker-layout.js';
import { breakerSettings } from '../core/breaker/breaker-settings.js';
import { CircuitBreaker, Outcome } from '../core/breaker/circuit-breaker.js';
import { monotonicClock } from '../core/clock/monotonic-clock.js';
import { machineInfo, median, percentile, timeRatio, type BenchReport, type BenchResult } from './bench-report.js';

function arg(args: string[], name: string, dflt: number): number {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
}

/** ns per op of `body(ops)` over `samples` samples, after two warm-up samples. */
function sampleNs(samples: number, ops: number, body: (ops: number) => number): number[] {
  const out: number[] = [];
  let sink = 0;
  for (let s = -2; s < samples; s++) {
    const t0 = performance.now();
    sink += body(ops);
    const dt = performance.now() - t0;
    if (s >= 0) out.push((dt * 1e6) / ops);
  }
  if (sink === -1) process.stderr.write('');
  return out;
}

async function sampleAsyncNs(samples: number, ops: number, body: (ops: number) => Promise<number>): Promise<number[]> {
  const out: number[] = [];
  for (let s = -2; s < samples; s++) {
    const t0 = performance.now();
    await body(ops);
    const dt = performance.now() - t0;
    if (s >= 0) out.push((dt * 1e6) / ops);
  }
  return out;
}

function result(name: string, ns: number[], note?: string): BenchResult {
  return { name, unit: 'ns/op', median: median(ns), p99: percentile(ns, 99), runs: ns.length, ...(note ? { note } : {}) };
}

function newBreaker(type: 'count' | 'time'): CircuitBreaker {
  const settings = breakerSettings({ slidingWindowType: type, slidingWindowSize: type === 'count' ? 100 : 10, minimumNumberOfCalls: 100 });
  return new CircuitBreaker(createBreakerBoard([settings]), 0, monotonicClock());
}

function allowLoop(b: CircuitBreaker): (ops: number) => number {
  return (ops) => {
    let n = 0;
    for (let i = 0; i < ops; i++) if (b.allow()) n++;
    return n;
  };
}

function allowOpenLoop(b: CircuitBreaker, now: number): (ops: number) => number {
  return (ops) => {
    let n = 0;
    for (let i = 0; i < ops; i++) if (!b.allow(now)) n++;
    return n;
  };
}

/** The worker's pattern: acquire() before the call, record() with its permit after. */
function acquireRecordLoop(b: CircuitBreaker): (ops: number) => number {
  return (ops) => {
    let n = 0;
    for (let i = 0; i < ops; i++) {
      const p = b.acquire();
      if (p >= 0) {
        b.record(Outcome.SUCCESS, undefined, p);
        n++;
      }
    }
    return n;
  };
}

/** As the engine does with a time window: one clock reading per batch of 256, passed to record(). */
function acquireRecordBatchLoop(b: CircuitBreaker): (ops: number) => number {
  const clock = monotonicClock();
  return (ops) => {
    let n = 0;
    for (let i = 0; i < ops; i += 256) {
      const now = clock.nowNs();
      for (let k = 0; k < 256; k++) {
        const p = b.acquire(now);
        if (p >= 0) {
          b.record(Outcome.SUCCESS, now, p);
          n++;
        }
      }
    }
    return n;
  };
}

/** An outcome recorded where the permit is not at hand (the record re-reads the state word). */
function allowRecordLoop(b: CircuitBreaker): (ops: number) => number {
  return (ops) => {
    let n = 0;
    for (let i = 0; i < ops; i++) {
      if (b.allow()) {
        b.record(Outcome.SUCCESS);
        n++;
      }
    }
    return n;
  };
}

function atomicsLoadLoop(i32: Int32Array, at: number): (ops: number) => number {
  return (ops) => {
    let n = 0;
    for (let i = 0; i < ops; i++) if ((Atomics.load(i32, at) & 7) === 0) n++;
    return n;
  };
}

function plainReadLoop(i32: Int32Array, at: number): (ops: number) => number {
  return (ops) => {
    let n = 0;
    for (let i = 0; i < ops; i++) if ((i32[at] & 7) === 0) n++;
    return n;
  };
}

async function gcsDuring(fn: () => void): Promise<number> {
  let gcs = 0;
  const obs = new PerformanceObserver((list) => (gcs += list.getEntries().length));
  obs.observe({ entryTypes: ['gc'] });
  fn();
  await new Promise((resolve) => setTimeout(resolve, 20));
  obs.disconnect();
  return gcs;
}

export async function run(args: string[]): Promise<BenchReport> {
  const samples = arg(args, 'samples', 15);
  const ops = arg(args, 'ops', 5_000_000);
  const asyncOps = arg(args, 'async-ops', 200_000);
  const results: BenchResult[] = [];

  const closed = newBreaker('count');
  const allowNs = sampleNs(samples, ops, allowLoop(closed));
  results.push(result('allow() CLOSED', allowNs));

  const board = createBreakerBoard([breakerSettings()]);
  const stateAt = (blockOffset(board, 0) + Block.state) >> 2;
  const loadNs = sampleNs(samples, ops, atomicsLoadLoop(new Int32Array(board), stateAt));
  results.push(result('floor: Atomics.load of the state word', loadNs, 'allow() is this plus a call'));
  const floorNs = sampleNs(samples, ops, plainReadLoop(new Int32Array(board), stateAt));
  results.push(result('floor: plain read of the state word', floorNs, 'for scale; orders nothing'));

  const open = newBreaker('count');
  open.forceOpen();
  open.reset();
  for (let i = 0; i < 100; i++) open.record(Outcome.FAILURE);
  const openNs = sampleNs(samples, ops, allowOpenLoop(open, monotonicClock().nowNs()));
  results.push(result('allow() OPEN', openNs));

  const counted = newBreaker('count');
  let recordNs: number[] = [];
  const gcCount = await gcsDuring(() => (recordNs = sampleNs(samples, ops, acquireRecordLoop(counted))));
  results.push(result('acquire() + record(permit), count window', recordNs, `${gcCount} GCs during ${samples + 2} x ${ops} calls`));

  const rereadNs = sampleNs(samples, ops, allowRecordLoop(newBreaker('count')));
  results.push(result('allow() + record(), count window', rereadNs, 'record re-reads the state'));

  const timeNs = sampleNs(samples, ops, acquireRecordBatchLoop(newBreaker('time')));
  results.push(result('acquire() + record(permit, now), time window', timeNs, 'one clock reading per 256 calls'));

  const noTimer = new OpossumBreaker(async () => 1, { timeout: false });
  const seqNs = await sampleAsyncNs(samples, asyncOps, async (n) => {
    for (let i = 0; i < n; i++) await noTimer.fire();
    return n;
  });
  results.push(result('opossum 9 fire(), awaited one by one', seqNs, 'timeout: false'));

  const batchNs = await sampleAsyncNs(samples, asyncOps, async (n) => {
    const batch: Promise<number>[] = new Array(1000);
    for (let i = 0; i < n; i += 1000) {
      for (let k = 0; k < 1000; k++) batch[k] = noTimer.fire() as Promise<number>;
      await Promise.all(batch);
    }
    return n;
  });
  results.push(result('opossum 9 fire(), 1000 in flight', batchNs, 'timeout: false'));

  const withTimer = new OpossumBreaker(async () => 1, {});
  const timerNs = await sampleAsyncNs(samples, asyncOps / 4, async (n) => {
    for (let i = 0; i < n; i++) await withTimer.fire();
    return n;
  });
  results.push(result('opossum 9 fire(), default 10 s timeout', timerNs, 'a timer per call'));
  noTimer.shutdown();
  withTimer.shutdown();

  const bestOpossum = Math.min(median(seqNs), median(batchNs));
  return {
    suite: 'breaker',
    machine: machineInfo(),
    results,
    ratios: {
      vs_opossum_fire: timeRatio(median(recordNs), bestOpossum),
      allow_closed_vs_atomics_load: timeRatio(median(allowNs), median(loadNs)),
    },
  };
}
