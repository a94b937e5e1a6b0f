/**
 * One full, synchronous garbage collection between a thread's warm-up and
 * its first order. The warm-up allocates while V8 has not yet optimised the
 * order path and leaves its scratch state behind, so the young generation is
 * partly full when traffic starts; the per-second housekeeping then filled it
 * at some point in the next seconds, and the steady run paid one scavenge
 * it never caused (CI saw it once in seconds 2-8 of a 9 s run). Collected
 * here, it is paid before the start, like the JVM's System.gc() after a
 * warm-up. Needs --expose-gc (taskset.sh passes it); without it nothing
 * happens and V8 collects whenever it would have.
 */
type GcFunction = () => void;

/** Collects now if the process exposes gc(); says whether it did. */
export function collectWarmUpGarbage(): boolean {
  const gc = (globalThis as { gc?: GcFunction }).gc;
  if (typeof gc !== 'function') return false;
  gc();
  return true;
}
