/**
 * One thread of the platform hiccup meter (after Gil Tene's jHiccup): pinned
 * to its core, it does nothing but read the shared clock for `seconds`, and
 * records each gap between consecutive reads in a latency histogram. A gap
 * far above the ~100 ns a read costs is time the thread was not running:
 * the hypervisor, the kernel, an interrupt. Work on this core cannot be
 * faster than this loop, so the gaps are a floor under any latency measured here.
 * Long gaps are also listed as (start, length) on the clock all threads share,
 * so perf/path-floor.ts can chain one core's gaps into another's.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { pinThreadToCore } from '../core/affinity/cpu-affinity.js';
import { monotonicClock } from '../core/clock/monotonic-clock.js';
import { HISTOGRAM_BUCKETS, bucketIndex } from '../ipc/latency-histogram.js';
import { readSchedStat, schedShare } from '../core/metrics/sched-stat.js';

/** Gaps listed: shorter ones are the loop itself (a read is ~100 ns), far too frequent to list, and add little to a 10 µs target. */
const LISTED_GAP_NS = 2000;
/** (start, length) pairs preallocated: interrupts come a few thousand a second, so minutes of them. */
const LIST_CAP = 1 << 20;

export interface HiccupReply {
  core: number;
  pinned: boolean;
  startNs: number;
  endNs: number;
  gaps: Uint32Array;
  /** Gaps longer than LISTED_GAP_NS: start ns, length ns, ... sorted by start. */
  listed: Float64Array;
  /** Long gaps not listed for want of room; the list is complete only before listedUntilNs. */
  dropped: number;
  listedUntilNs: number;
  /** The scheduler's figures for this thread over the run (other tasks on its core), or null. */
  sched: { waitPct: number; preemptedPerS: number } | null;
}

const { core, seconds } = workerData as { core: number; seconds: number };
const pin = pinThreadToCore(core);
const schedBefore = readSchedStat(pin.tid);
const gaps = new Uint32Array(HISTOGRAM_BUCKETS);
const list = new Float64Array(2 * LIST_CAP);
let listed = 0;
let dropped = 0;
const clock = monotonicClock();
const r = clock.reading;
// [end, previous read, start, gap, first dropped gap's start]: registers, so no double is boxed
const t = new Float64Array(5);
clock.update();
t[2] = r[0];
t[0] = r[0] + seconds * 1e9;
t[1] = r[0];
while (r[0] < t[0]) {
  clock.update();
  t[3] = r[0] - t[1];
  gaps[bucketIndex(t[3])]++;
  if (t[3] > LISTED_GAP_NS) {
    if (listed < list.length) {
      list[listed] = t[1];
      list[listed + 1] = t[3];
      listed += 2;
    } else if (dropped++ === 0) t[4] = t[1];
  }
  t[1] = r[0];
}
const schedAfter = readSchedStat(pin.tid);
const kept = list.slice(0, listed);
const spanNs = t[1] - t[2];
const reply: HiccupReply = {
  core,
  pinned: pin.ok,
  startNs: t[2],
  endNs: t[1],
  gaps,
  listed: kept,
  dropped,
  listedUntilNs: dropped ? t[4] : t[1],
  sched: schedBefore && schedAfter ? schedShare(schedBefore, schedAfter, spanNs) : null,
};
parentPort!.postMessage(reply, [gaps.buffer, kept.buffer]);
