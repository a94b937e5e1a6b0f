/**
 * Pins the calling thread to one core with sched_setaffinity(0, ...) from libc
 * (pid 0 = the calling thread, so it works inside worker threads) and verifies
 * the pin by reading Cpus_allowed_list of /proc/self/task/<tid>/status.
 * Where libc, the syscall or /proc is not available, it says why and the caller
 * carries on unpinned.
 */
import koffi from 'koffi';
import { readFileSync } from 'node:fs';
import os from 'node:os';

export interface PinResult {
  ok: boolean;
  /** Kernel thread id of the calling thread (-1 if unknown). */
  tid: number;
  /** Cpus_allowed_list read back from /proc after pinning ('' if unreadable). */
  allowed: string;
  reason?: string;
}

interface Libc {
  setAffinity: (pid: number, size: number, mask: Uint8Array) => number;
  getTid: () => number;
}

let libc: Libc | null | undefined;

function loadLibc(): Libc | null {
  if (libc !== undefined) return libc;
  try {
    const lib = koffi.load('libc.so.6');
    libc = {
      setAffinity: lib.func('int sched_setaffinity(int, size_t, void *)') as Libc['setAffinity'],
      getTid: lib.func('int gettid()') as Libc['getTid'],
    };
  } catch {
    libc = null;
  }
  return libc;
}

/** Kernel thread id of the calling thread, or -1. */
export function currentTid(): number {
  const c = loadLibc();
  return c ? c.getTid() : -1;
}

/** Cpus_allowed_list of a thread as the kernel reports it, or '' if unreadable. */
export function allowedCpus(tid: number): string {
  try {
    const status = readFileSync(`/proc/self/task/${tid}/status`, 'utf8');
    const m = /^Cpus_allowed_list:\s*(\S+)/m.exec(status);
    return m ? m[1] : '';
  } catch {
    return '';
  }
}

export function pinThreadToCore(core: number): PinResult {
  if (process.platform !== 'linux') return { ok: false, tid: -1, allowed: '', reason: `no sched_setaffinity on ${process.platform}` };
  const c = loadLibc();
  if (!c) return { ok: false, tid: -1, allowed: '', reason: 'libc could not be loaded through koffi' };
  const tid = c.getTid();
  const mask = new Uint8Array(128); // cpu_set_t: 1024 bits
  mask[core >> 3] |= 1 << (core & 7);
  if (c.setAffinity(0, mask.length, mask) !== 0) {
    return { ok: false, tid, allowed: allowedCpus(tid), reason: `sched_setaffinity(core ${core}) refused (not permitted or core offline)` };
  }
  const allowed = allowedCpus(tid);
  if (allowed !== String(core)) return { ok: false, tid, allowed, reason: `Cpus_allowed_list reads '${allowed}', expected '${core}'` };
  return { ok: true, tid, allowed };
}

/**
 * Cores of the machine. Not os.availableParallelism(): that reads the calling
 * thread's mask, which taskset has narrowed to core 0 for the main thread.
 */
export function machineCores(): number {
  return os.cpus().length;
}
