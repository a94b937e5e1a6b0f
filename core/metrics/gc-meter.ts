/**
 * Counts this thread's garbage collections and their pause time without
 * needing the event loop: v8.GCProfiler records in C++ and is harvested by a
 * synchronous stop()/start(), so a worker spinning in its loop can still report
 * its GCs. Harvest about once a second: each harvest allocates a little itself.
 */
import v8 from 'node:v8';

export class GcMeter {
  private profiler = new v8.GCProfiler();
  /** GCs since the meter started (cumulative). */
  count = 0;
  /** Total GC pause in nanoseconds (cumulative). */
  pauseNs = 0;

  constructor() {
    this.profiler.start();
  }

  /** Folds the GCs since the last harvest into the totals. */
  harvest(): void {
    const data = this.profiler.stop();
    this.profiler = new v8.GCProfiler();
    this.profiler.start();
    for (const s of data.statistics) {
      this.count++;
      this.pauseNs += s.cost * 1000; // cost is in microseconds
    }
  }

  stop(): void {
    this.harvest();
    this.profiler.stop();
  }
}
