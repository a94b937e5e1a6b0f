/**
 * A thread's doorbell: where a consumer that reads several rings sleeps until
 * any of their producers publishes (block wait strategy). Atomics.wait waits
 * on one address; a thread draining a ring from each of several producers
 * needs one address that all of them can ring.
 *
 *   0        4        8                                   L (one cache line, ipc/cache-line.ts)
 *   +--------+--------+--------+--------------------------+--------------------------------+
 *   | magic  | version| (pad)  |                          | seq i32 @L | sleeping i32 @L+4 |
 *   +--------+--------+--------+--------------------------+--------------------------------+
 *
 *   magic, version  creator, once; checked on attach.
 *   seq             any producer (Atomics.add). Bumped by a producer that finds `sleeping` set;
 *                   the sleeper waits for it to differ from the value it read. Wraps.
 *   sleeping        the consumer. 1 from before its last look at its rings until it wakes.
 * The consumer: store sleeping = 1, load seq, look at every ring once more,
 * and wait on seq only if all were empty. A producer: store its tail, then
 * load sleeping, and bump seq and notify when it reads 1. Every Atomics
 * operation is sequentially consistent, so (Dekker) either the consumer's last
 * look sees the new tail, or the producer sees sleeping = 1 and bumps seq,
 * before the wait (which then returns at once) or after it (which notifies
 * it). No wake-up is lost. A producer pays one Atomics.load per publish, and
 * only under the block strategy.
 */
import { CACHE_LINE_BYTES } from './cache-line.js';

export const DOORBELL_BYTES = 2 * CACHE_LINE_BYTES;
export const DOORBELL_MAGIC = 0x42454c4c; // 'BELL'
export const DOORBELL_VERSION = 1;
const MAGIC = 0;
const VERSION = 1;
const SEQ = CACHE_LINE_BYTES >> 2;
const SLEEPING = SEQ + 1;

export function createDoorbell(): SharedArrayBuffer {
  const sab = new SharedArrayBuffer(DOORBELL_BYTES);
  const i32 = new Int32Array(sab);
  i32[MAGIC] = DOORBELL_MAGIC;
  i32[VERSION] = DOORBELL_VERSION;
  return sab;
}

export class Doorbell {
  private readonly i32: Int32Array;
  private armedSeq = 0;

  constructor(sab: SharedArrayBuffer) {
    const i32 = new Int32Array(sab);
    if (sab.byteLength !== DOORBELL_BYTES || i32[MAGIC] !== DOORBELL_MAGIC || i32[VERSION] !== DOORBELL_VERSION) {
      throw new RangeError(`not a doorbell: ${sab.byteLength} bytes, magic 0x${(i32[MAGIC] >>> 0).toString(16)}, expected 0x${DOORBELL_MAGIC.toString(16)} version ${DOORBELL_VERSION}`);
    }
    this.i32 = i32;
  }

  /** Producer, after publishing: wake the consumer if it is (about to be) asleep. */
  ring(): void {
    if (Atomics.load(this.i32, SLEEPING) !== 0) {
      Atomics.add(this.i32, SEQ, 1);
      Atomics.notify(this.i32, SEQ);
    }
  }

  /** Consumer: announce sleep. Look at every ring once more after this, then sleep() or disarm(). */
  arm(): void {
    Atomics.store(this.i32, SLEEPING, 1);
    this.armedSeq = Atomics.load(this.i32, SEQ);
  }

  /** Consumer: the last look found work; no sleep. */
  disarm(): void {
    Atomics.store(this.i32, SLEEPING, 0);
  }

  /** Consumer, after arm() and a last look that found nothing: sleeps until rung or `timeoutMs`. */
  sleep(timeoutMs: number): void {
    Atomics.wait(this.i32, SEQ, this.armedSeq, timeoutMs);
    Atomics.store(this.i32, SLEEPING, 0);
  }
}
