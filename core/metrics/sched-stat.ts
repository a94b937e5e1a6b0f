/**
 * What the Linux scheduler says about one thread of this process: the time it
 * ran, the time it waited runnable on a run queue while another task had its
 * core (/proc/self/task/<tid>/schedstat), and how often it was switched out
 * while runnable (nonvoluntary_ctxt_switches in .../status). An order-path
 * thread spins and never sleeps, so every such switch is a preemption and
 * every ns waited is added to the orders in flight: this is how an operator
 * sees that other tasks share a core the engine counts on. What it cannot
 * see: time the hypervisor takes a virtual CPU away (the guest thinks the
 * thread ran). Reads two small files (allocates): main, once a second.
 */
import { readFileSync } from 'node:fs';

export interface SchedSample {
  /** Time on a CPU, ns. */
  runNs: number;
  /** Time runnable but waiting for a CPU, ns. */
  waitNs: number;
  /** Switches out while runnable (preemptions). */
  preempted: number;
}

const NONVOLUNTARY = /^nonvoluntary_ctxt_switches:\s+(\d+)$/m;

/** The thread's figures, or null where there are none (not Linux, no schedstats, a thread that has ended). */
export function readSchedStat(tid: number, procRoot = '/proc/self/task'): SchedSample | null {
  if (!(tid > 0)) return null;
  try {
    const [run, wait] = readFileSync(`${procRoot}/${tid}/schedstat`, 'utf8').trim().split(/\s+/).map(Number);
    const m = NONVOLUNTARY.exec(readFileSync(`${procRoot}/${tid}/status`, 'utf8'));
    if (!(run >= 0) || !(wait >= 0) || m === null) return null;
    return { runNs: run, waitNs: wait, preempted: Number(m[1]) };
  } catch {
    return null;
  }
}

/** Between two readings `ns` apart: the share of the time spent waiting for the core (%), and preemptions per second. */
export function schedShare(a: SchedSample, b: SchedSample, ns: number): { waitPct: number; preemptedPerS: number } {
  return { waitPct: (100 * (b.waitNs - a.waitNs)) / ns, preemptedPerS: ((b.preempted - a.preempted) * 1e9) / ns };
}
