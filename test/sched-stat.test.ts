/**
 * The scheduler's per-thread counters: parsed from /proc (golden files in a
 * temporary directory, and this very thread), and folded into per-interval
 * and whole-run figures for the worst thread of each kind (a fake reader).
 */
import { expect } from 'chai';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSchedStat, type SchedSample } from '../core/metrics/sched-stat.js';
import { SchedMeter } from '../engine/metrics/sched-meter.js';
import { ThreadStat } from '../ipc/thread-stats-layout.js';

const STATUS = 'Name:\tnode\nState:\tR (running)\nvoluntary_ctxt_switches:\t12\nnonvoluntary_ctxt_switches:\t345\n';

describe('scheduler counters', () => {
  let root = '';
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'bot4-sched-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const task = (tid: number, schedstat: string, status = STATUS) => {
    mkdirSync(join(root, String(tid)));
    writeFileSync(join(root, String(tid), 'schedstat'), schedstat);
    writeFileSync(join(root, String(tid), 'status'), status);
  };

  it('reads run time, run-queue wait and involuntary switches of a thread', () => {
    task(42, '5841123456 330850000 391\n');
    expect(readSchedStat(42, root)).to.deep.equal({ runNs: 5841123456, waitNs: 330850000, preempted: 345 });
  });

  it('gives null for no thread id, a thread that has ended, and files it cannot read', () => {
    task(7, 'garbage\n');
    task(8, '1 2 3\n', 'Name:\tnode\n');
    expect(readSchedStat(-1, root)).to.equal(null);
    expect(readSchedStat(9, root)).to.equal(null);
    expect(readSchedStat(7, root)).to.equal(null);
    expect(readSchedStat(8, root)).to.equal(null);
  });

  it('reads this thread from the real /proc where there is one', function () {
    if (process.platform !== 'linux') this.skip();
    const s = readSchedStat(process.pid);
    expect(s).to.not.equal(null);
    expect(s!.runNs).to.be.greaterThan(0);
    expect(s!.waitNs).to.be.at.least(0);
    expect(s!.preempted).to.be.at.least(0);
  });
});

describe('scheduler meter', () => {
  const block = (tid: number) => {
    const f64 = new Float64Array(16);
    f64[ThreadStat.tid] = tid;
    return { f64 };
  };
  const samples = new Map<number, SchedSample>();
  const read = (tid: number) => samples.get(tid) ?? null;

  it('gives each interval the worst thread of each kind: wait share and preemptions per second', () => {
    const workers = [block(11), block(12)];
    const sources = [block(21)];
    const meter = new SchedMeter(workers, sources, read);
    samples.set(11, { runNs: 0, waitNs: 0, preempted: 0 });
    samples.set(12, { runNs: 0, waitNs: 0, preempted: 0 });
    samples.set(21, { runNs: 0, waitNs: 0, preempted: 0 });
    expect(meter.interval(1e9)).to.deep.equal({ workers: null, sources: null }); // the baseline
    samples.set(11, { runNs: 2e9, waitNs: 10e6, preempted: 40 }); // 1 % over 1 s
    samples.set(12, { runNs: 2e9, waitNs: 30e6, preempted: 10 }); // 3 %: the worst
    samples.set(21, { runNs: 2e9, waitNs: 5e6, preempted: 20 });
    expect(meter.interval(3e9)).to.deep.equal({ workers: { waitPct: 1.5, preemptedPerS: 5 }, sources: { waitPct: 0.25, preemptedPerS: 10 } });
    samples.set(12, { runNs: 4e9, waitNs: 30e6, preempted: 10 });
    samples.set(11, { runNs: 4e9, waitNs: 50e6, preempted: 50 });
    expect(meter.interval(5e9)!.workers).to.deep.equal({ waitPct: 2, preemptedPerS: 5 });
    expect(meter.total().workers).to.deep.equal({ waitPct: 1.25, preemptedPerS: 12.5 });
  });

  it('starts a fresh baseline for a new thread (a restarted worker) and after restart()', () => {
    const w = block(31);
    const meter = new SchedMeter([w], [], read);
    samples.set(31, { runNs: 0, waitNs: 0, preempted: 0 });
    meter.interval(0);
    samples.set(31, { runNs: 1e9, waitNs: 1e9, preempted: 100 });
    expect(meter.interval(1e9).workers!.waitPct).to.equal(100);
    w.f64[ThreadStat.tid] = 32;
    samples.set(32, { runNs: 5e9, waitNs: 7e9, preempted: 1000 });
    expect(meter.interval(2e9).workers).to.equal(null);
    samples.set(32, { runNs: 6e9, waitNs: 7e9, preempted: 1000 });
    expect(meter.interval(3e9).workers).to.deep.equal({ waitPct: 0, preemptedPerS: 0 });
    meter.restart();
    expect(meter.interval(4e9).workers).to.equal(null);
    expect(meter.total().workers).to.equal(null);
  });

  it('has no figures without thread ids or where the scheduler gives none', () => {
    const meter = new SchedMeter([block(-1)], [block(99)], read);
    meter.interval(0);
    expect(meter.interval(1e9)).to.deep.equal({ workers: null, sources: null });
  });
});
