/**
 * One thread of the platform hiccup meter (after Gil Tene's jHiccup): pinned
 * to its core, it does nothing but read the shared clock for `seconds`, and
 * records each gap between consecutive reads in a latency histogram. A gap
 * far above the ~100 ns a read costs is time the thread was not running:
 * the hypervisor, the kernel, an interrupt. Work on this core cannot be
 * faster than this loop, so the gaps are a floor under any latency measured here.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { pinThreadToCore } from '../core/affinity/cpu-affinity.js';
import { monotonicClock } from '../core/clock/monotonic-clock.js';
import { HISTOGRAM_BUCKETS, bucketIndex } from '../ipc/latency-histogram.js';

const { core, seconds } = workerData as { core: number; seconds: number };
const pin = pinThreadToCore(core);
const gaps = new Uint32Array(HISTOGRAM_BUCKETS);
const clock = monotonicClock();
const r = clock.reading;
const t = new Float64Array(3); // [end, previous read, start]: registers, so no double is boxed
clock.update();
t[2] = r[0];
t[0] = r[0] + seconds * 1e9;
t[1] = r[0];
while (r[0] < t[0]) {
  clock.update();
  gaps[bucketIndex(r[0] - t[1])]++;
  t[1] = r[0];
}
parentPort!.postMessage({ core, pinned: pin.ok, elapsedNs: t[1] - t[2], gaps }, [gaps.buffer]);
