/**
 * Per order-path thread, from the scheduler's counters (core/metrics/sched-stat.ts):
 * over each interval, the share of the time it waited runnable for its core
 * and its preemptions per second; over the run, the totals. The thread's id
 * comes from its stats block (ThreadStat.tid, written when it pins itself),
 * so a restarted worker (a new thread) starts a fresh baseline.
 */
import { readSchedStat, schedShare, type SchedSample } from '../../core/metrics/sched-stat.js';
import { ThreadStat } from '../../ipc/thread-stats-layout.js';

export interface SchedFigures {
  /** Share of the interval the thread waited for its core, percent. */
  waitPct: number;
  /** Preemptions per second. */
  preemptedPerS: number;
}

/** The worst thread of each kind (the tail follows the worst), or null without scheduler figures. */
export interface SchedLine {
  workers: SchedFigures | null;
  sources: SchedFigures | null;
}

interface Reading {
  sample: SchedSample;
  /** When it was read (the shared clock, ns). */
  atNs: number;
}

interface Tracked {
  tid: number;
  first: Reading;
  prev: Reading;
}

const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;

class ThreadSched {
  private tracked: Tracked | null = null;

  constructor(
    private readonly f64: Float64Array,
    private readonly read: (tid: number) => SchedSample | null,
  ) {}

  /** The figures since the last reading, or null (no thread id yet, no figures, or a new thread: a fresh baseline). */
  interval(nowNs: number): SchedFigures | null {
    const tid = this.f64[ThreadStat.tid];
    const sample = this.read(tid);
    if (sample === null) return null;
    const now = { sample, atNs: nowNs };
    const t = this.tracked;
    if (t === null || t.tid !== tid) {
      this.tracked = { tid, first: now, prev: now };
      return null;
    }
    const f = figures(t.prev, now);
    t.prev = now;
    return f;
  }

  /** Since the first reading of the current thread. */
  total(): SchedFigures | null {
    const t = this.tracked;
    return t === null ? null : figures(t.first, t.prev);
  }

  /** The next reading is a fresh baseline (the run starts). */
  restart(): void {
    this.tracked = null;
  }
}

function figures(a: Reading, b: Reading): SchedFigures | null {
  const ns = b.atNs - a.atNs;
  if (!(ns > 0)) return null;
  const f = schedShare(a.sample, b.sample, ns);
  return { waitPct: round(f.waitPct, 2), preemptedPerS: round(f.preemptedPerS, 1) };
}

function worst(f: Array<SchedFigures | null>): SchedFigures | null {
  let w: SchedFigures | null = null;
  for (const x of f) if (x !== null && (w === null || x.waitPct > w.waitPct)) w = x;
  return w;
}

export class SchedMeter {
  private readonly workers: ThreadSched[];
  private readonly sources: ThreadSched[];

  /** `read` is replaceable for tests. */
  constructor(workers: readonly { f64: Float64Array }[], sources: readonly { f64: Float64Array }[], read: (tid: number) => SchedSample | null = readSchedStat) {
    this.workers = workers.map((w) => new ThreadSched(w.f64, read));
    this.sources = sources.map((s) => new ThreadSched(s.f64, read));
  }

  /** Since the last call; the first call after start() or restart() takes the baseline and gives nulls. */
  interval(nowNs: number): SchedLine {
    return { workers: worst(this.workers.map((t) => t.interval(nowNs))), sources: worst(this.sources.map((t) => t.interval(nowNs))) };
  }

  /** From the baseline to the last interval() call. */
  total(): SchedLine {
    return { workers: worst(this.workers.map((t) => t.total())), sources: worst(this.sources.map((t) => t.total())) };
  }

  /** Drops every baseline: the next interval() takes a new one (main does at the start of traffic). */
  restart(): void {
    for (const t of [...this.workers, ...this.sources]) t.restart();
  }
}
