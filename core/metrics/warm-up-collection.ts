/**
 * One young-generation collection (a scavenge) between a thread's warm-up
 * and its first order. Warm-up allocates while V8 has not yet optimised the
 * order path, so the young generation is partly full when traffic starts;
 * the per-second housekeeping then filled it at some point in the next
 * seconds, and the steady run paid one scavenge it never caused (CI saw it
 * once in seconds 2-8 of a 9 s run). Collected here, it is paid before the
 * start. A scavenge, not a full collection: a full one, tried first, made
 * the first second's p99 2.8 times worse (warm-up's old-generation objects
 * and what V8 compiled on them are left alone by a scavenge). Needs
 * --expose-gc (taskset.sh passes it); without it nothing happens and V8
 * collects whenever it would have.
 */
type GcFunction = (options?: { type: 'minor' | 'major' }) => void;

/** Scavenges now if the process exposes gc(). */
export function collectWarmUpGarbage(): void {
  (globalThis as { gc?: GcFunction }).gc?.({ type: 'minor' });
}
