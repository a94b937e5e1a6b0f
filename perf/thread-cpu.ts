/**
 * CPU time of the calling thread (clock_gettime(CLOCK_THREAD_CPUTIME_ID)
 * through koffi), so a bench can tell an algorithm's unfairness between
 * threads from the scheduler's when threads outnumber cores.
 */
import koffi from 'koffi';

const CLOCK_THREAD_CPUTIME_ID = 3;

export function threadCpuNs(): () => number {
  const libc = koffi.load('libc.so.6');
  const clockGettime = libc.func('int clock_gettime(int, void *)') as (id: number, ts: Int32Array) => number;
  const ts = new Int32Array(4); // struct timespec { int64 tv_sec; int64 tv_nsec; }
  return () => {
    if (clockGettime(CLOCK_THREAD_CPUTIME_ID, ts) !== 0) throw new Error('clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed');
    return ts[0] * 1e9 + ts[2];
  };
}
