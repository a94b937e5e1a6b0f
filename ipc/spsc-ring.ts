/**
 * Single-producer / single-consumer ring of 64-byte slots in one
 * SharedArrayBuffer (after LMAX Disruptor, Agrona's OneToOneRingBuffer, rtrb).
 *
 * The buffer opens with a lead-in, then the ring proper at byte `lead`:
 *
 *   0        4        8         12                              lead (128..255: lead % 128 chosen so that
 *   +--------+--------+---------+-------------------------------+  the ring starts on a 128-byte line of
 *   | lead   | magic  | version | unused                        |  real memory), then header and slots:
 *   +--------+--------+---------+-------------------------------+
 *   lead, magic, version: creator, once, before the buffer is shared; checked on every attach.
 *              A SharedArrayBuffer's memory starts 16 bytes past a cache line here
 *              (ipc/buffer-address.ts); without the lead-in every 64-byte slot would straddle
 *              two lines and two frames would share each line. Where the address cannot be read
 *              (or is not 8-aligned), lead = one line (correct, not aligned).
 *
 * Ring proper (byte offsets from `lead`, one cache line (ipc/cache-line.ts) per
 * writer, so that no two writers share a line, not even through the
 * adjacent-line prefetcher):
 *
 *   0                   L                   2L                  3L
 *   +-------------------+-------------------+-------------------+----------------------
 *   | tail      i32  @0 | head      i32 @L  | producerWaiting   | slot 0 | slot 1 | ...
 *   | fullCount i32  @4 | peakOcc   i32 @L+4|          i32 @2L  | 64 B each, capacity
 *   | (producer line)   | (consumer line)   | (producer flag)   | = 2^k slots
 *   +-------------------+-------------------+-------------------+----------------------
 *
 * Fields, their single writer and invariant:
 *   tail             producer. Frames ever published, wrapping int32. 0 <= tail - head <= capacity.
 *   fullCount        producer. Times the producer found the ring full (a statistic).
 *   head             consumer. Frames ever consumed, wrapping int32; only moves forward.
 *   peakOccupancy    consumer. Highest tail - head the consumer has observed.
 *   producerWaiting  producer. 1 while the producer may be in Atomics.wait on `head`; the
 *                    consumer notifies after releasing when it reads 1 (block strategy only).
 * A consumer that sleeps (block strategy) sleeps on its thread's doorbell
 * (ipc/doorbell.ts), not on one ring: a thread reads several rings, and
 * Atomics.wait waits on one address. The producer rings that doorbell after
 * each publish (RingProducer.doorbell).
 *
 * A slot at position p lives at byte lead + 3L + (p & mask) * 64. Positions are
 * int32 that wrap; differences are taken with `| 0`, which is exact while
 * capacity <= 2^30. Each side keeps a private cache of the other side's
 * position and re-reads the shared one only when the ring looks full (producer)
 * or empty (consumer). Claims and releases are batched: one Atomics.store per
 * batch publishes every frame written since the last one.
 *
 * Ordering: JavaScript Atomics are sequentially consistent. Plain slot writes
 * before Atomics.store(tail) happen-before plain slot reads after the
 * consumer's Atomics.load(tail) that sees that value (release/acquire pair);
 * likewise head orders the consumer's reads before the producer's reuse.
 */
import { bufferAddressMod } from './buffer-address.js';
import { CACHE_LINE_BYTES } from './cache-line.js';
import type { Doorbell } from './doorbell.js';
import { FRAME_BYTES, FRAME_I32 } from './frame-layout.js';

/** Bytes before the ring proper; the int32 at byte 0 says where in them it starts. */
export const RING_LEAD_BYTES = 2 * CACHE_LINE_BYTES;
export const RING_HEADER_BYTES = 3 * CACHE_LINE_BYTES;
export const RING_MAGIC = 0x52494e47; // 'RING'
export const RING_VERSION = 2;
const LEAD_WORD = 0;
const MAGIC_WORD = 1;
const VERSION_WORD = 2;
const LINE_I32 = CACHE_LINE_BYTES >> 2;
const TAIL = 0;
const FULL_COUNT = TAIL + 1;
const HEAD = LINE_I32;
const PEAK_OCCUPANCY = HEAD + 1;
const PRODUCER_WAITING = 2 * LINE_I32;

export const MIN_RING_SLOTS = 2;
export const MAX_RING_SLOTS = 1 << 24;

export function ringBytes(slots: number): number {
  return RING_LEAD_BYTES + RING_HEADER_BYTES + slots * FRAME_BYTES;
}

export function createRingBuffer(slots: number): SharedArrayBuffer {
  if (!Number.isInteger(slots) || slots < MIN_RING_SLOTS || slots > MAX_RING_SLOTS || (slots & (slots - 1)) !== 0) {
    throw new RangeError(`ring slots must be a power of two in [${MIN_RING_SLOTS}, ${MAX_RING_SLOTS}], got ${slots}`);
  }
  const sab = new SharedArrayBuffer(ringBytes(slots));
  const misalign = bufferAddressMod(sab, CACHE_LINE_BYTES);
  // Float64 views need a multiple of 8: memory not 8-aligned (never seen) keeps lead 128, unaligned.
  const lead = misalign < 0 || misalign % 8 !== 0 ? CACHE_LINE_BYTES : CACHE_LINE_BYTES + ((CACHE_LINE_BYTES - misalign) & (CACHE_LINE_BYTES - 1));
  // Plain writes: the buffer is not shared yet; postMessage orders them before any reader.
  const words = new Int32Array(sab, 0, 3);
  words[LEAD_WORD] = lead;
  words[MAGIC_WORD] = RING_MAGIC;
  words[VERSION_WORD] = RING_VERSION;
  return sab;
}

/** Byte offset of the ring proper (header, then slots) in a ring buffer. */
export function ringLead(sab: SharedArrayBuffer): number {
  return new Int32Array(sab, 0, 1)[0];
}

/** Shared views (from `lead` on) and geometry; both ends derive the capacity from the buffer size. */
class RingView {
  readonly sab: SharedArrayBuffer;
  /** Byte offset of the views in the buffer. */
  readonly lead: number;
  readonly i32: Int32Array;
  readonly f64: Float64Array;
  readonly capacity: number;
  readonly mask: number;

  constructor(sab: SharedArrayBuffer) {
    const slots = (sab.byteLength - RING_LEAD_BYTES - RING_HEADER_BYTES) / FRAME_BYTES;
    const words = sab.byteLength >= 12 ? new Int32Array(sab, 0, 3) : new Int32Array(3);
    if (words[MAGIC_WORD] !== RING_MAGIC || words[VERSION_WORD] !== RING_VERSION) {
      throw new RangeError(`not a ring buffer: magic 0x${(words[MAGIC_WORD] >>> 0).toString(16)} version ${words[VERSION_WORD]}, expected 0x${RING_MAGIC.toString(16)} version ${RING_VERSION}`);
    }
    const lead = words[LEAD_WORD];
    if (!Number.isInteger(slots) || slots < MIN_RING_SLOTS || (slots & (slots - 1)) !== 0 || !(lead >= CACHE_LINE_BYTES && lead < RING_LEAD_BYTES && lead % 8 === 0)) {
      throw new RangeError(`not a ring buffer: ${sab.byteLength} bytes, lead ${lead}`);
    }
    const bytes = RING_HEADER_BYTES + slots * FRAME_BYTES;
    this.sab = sab;
    this.lead = lead;
    this.i32 = new Int32Array(sab, lead, bytes >> 2);
    this.f64 = new Float64Array(sab, lead, bytes >> 3);
    this.capacity = slots;
    this.mask = slots - 1;
  }

  /** int32 index of the slot holding position p (f64 index = i32 index >> 1). */
  slotI32(p: number): number {
    return (RING_HEADER_BYTES >> 2) + (p & this.mask) * FRAME_I32;
  }

  /** Frames published and not yet consumed, as seen now (for monitoring). */
  occupancy(): number {
    return (Atomics.load(this.i32, TAIL) - Atomics.load(this.i32, HEAD)) | 0;
  }

  peakOccupancy(): number {
    return Atomics.load(this.i32, PEAK_OCCUPANCY);
  }

  fullCount(): number {
    return Atomics.load(this.i32, FULL_COUNT);
  }
}

/** A read-only view for monitoring (occupancy, peaks) from a thread that is neither end. */
export class RingMonitor extends RingView {}

export class RingProducer extends RingView {
  /** Next position to claim; frames in [published, writePos) are written but not visible. */
  private writePos: number;
  private published: number;
  /** Last head read from shared memory; never ahead of the real head. */
  private cachedHead: number;
  /** Set by the block wait strategy: after each publish, ring the consumer thread's doorbell. */
  doorbell: Doorbell | null = null;

  constructor(sab: SharedArrayBuffer) {
    super(sab);
    // Acquire both positions: a producer re-attaching to a live ring resumes where it stopped.
    this.writePos = Atomics.load(this.i32, TAIL);
    this.published = this.writePos;
    this.cachedHead = Atomics.load(this.i32, HEAD);
  }

  /** Free slots, counting unpublished claims as used. Re-reads head only when fewer than `want` look free. */
  free(want: number): number {
    let free = this.capacity - ((this.writePos - this.cachedHead) | 0);
    if (free < want) {
      // Acquire: the consumer finished reading every slot before head.
      this.cachedHead = Atomics.load(this.i32, HEAD);
      free = this.capacity - ((this.writePos - this.cachedHead) | 0);
    }
    return free;
  }

  /** Claims the next slot: its int32 index, or -1 when the ring is full. */
  claim(): number {
    if (((this.writePos - this.cachedHead) | 0) === this.capacity) {
      this.cachedHead = Atomics.load(this.i32, HEAD); // acquire, as in free()
      if (((this.writePos - this.cachedHead) | 0) === this.capacity) {
        this.i32[FULL_COUNT]++; // statistic, single writer: a plain write suffices
        return -1;
      }
    }
    const slot = this.slotI32(this.writePos);
    this.writePos = (this.writePos + 1) | 0;
    return slot;
  }

  /** int32 index of the first slot of the last claimRun(). */
  runStart = 0;

  /**
   * Claims up to `max` free slots that lie back to back in memory (a run stops
   * at the end of the buffer); returns how many, the first at `runStart`, the
   * k-th at runStart + 16k. Lets a batch writer skip the per-frame claim().
   */
  claimRun(max: number): number {
    let n = this.free(max);
    if (n > max) n = max;
    const first = this.writePos & this.mask;
    const toEnd = this.capacity - first;
    if (n > toEnd) n = toEnd;
    this.runStart = (RING_HEADER_BYTES >> 2) + first * FRAME_I32;
    this.writePos = (this.writePos + n) | 0;
    return n;
  }

  /** Claimed but unpublished frames. */
  pending(): number {
    return (this.writePos - this.published) | 0;
  }

  /** Makes every claimed frame visible to the consumer with a single store. */
  publish(): void {
    if (this.writePos === this.published) return;
    this.published = this.writePos;
    // Release: slot writes above are ordered before the new tail.
    Atomics.store(this.i32, TAIL, this.writePos);
    // After the tail store: see Doorbell for why no wake-up is lost.
    if (this.doorbell !== null) this.doorbell.ring();
  }

  /**
   * Sleeps until the consumer releases a slot or `timeoutMs` passes (block strategy).
   * Returns at once if space appeared in the meantime.
   */
  sleepUntilFree(timeoutMs: number): void {
    Atomics.store(this.i32, PRODUCER_WAITING, 1);
    const head = Atomics.load(this.i32, HEAD);
    if (((this.writePos - head) | 0) === this.capacity) {
      Atomics.wait(this.i32, HEAD, head, timeoutMs);
    }
    Atomics.store(this.i32, PRODUCER_WAITING, 0);
  }
}

export class RingConsumer extends RingView {
  /** Next position to read; frames in [head, readPos) are read but not yet released. */
  private readPos: number;
  /** Position last stored to the shared head. */
  private releasedPos: number;
  /** Last tail read from shared memory; never ahead of the real tail. */
  private cachedTail: number;
  private peak: number;
  /** Set by the block wait strategy: after each release, wake a producer waiting for space. */
  wakeProducer = false;

  constructor(sab: SharedArrayBuffer) {
    super(sab);
    this.readPos = Atomics.load(this.i32, HEAD);
    this.releasedPos = this.readPos;
    this.cachedTail = Atomics.load(this.i32, TAIL);
    this.peak = Atomics.load(this.i32, PEAK_OCCUPANCY);
  }

  /** Frames ready to read from the current read position; re-reads tail only when none are cached. */
  available(): number {
    let n = (this.cachedTail - this.readPos) | 0;
    if (n === 0) {
      // Acquire: every slot before tail is fully written.
      this.cachedTail = Atomics.load(this.i32, TAIL);
      n = (this.cachedTail - this.readPos) | 0;
      const occ = (this.cachedTail - this.releasedPos) | 0;
      if (occ > this.peak) {
        this.peak = occ;
        this.i32[PEAK_OCCUPANCY] = occ; // statistic, single writer
      }
    }
    return n;
  }

  /** int32 index of the first frame of the last readRun(). */
  runStart = 0;

  /**
   * Up to `max` available frames that lie back to back in memory from the read
   * position (a run stops at the end of the buffer): returns how many, the
   * first at `runStart`, the k-th at runStart + 16k. Advance past them with advance(n).
   */
  readRun(max: number): number {
    let n = this.available();
    if (n > max) n = max;
    const first = this.readPos & this.mask;
    const toEnd = this.capacity - first;
    if (n > toEnd) n = toEnd;
    this.runStart = (RING_HEADER_BYTES >> 2) + first * FRAME_I32;
    return n;
  }

  /** int32 index of the k-th available frame (0 = oldest). */
  frameAt(k: number): number {
    return this.slotI32((this.readPos + k) | 0);
  }

  /** Marks the next n frames read; they are handed back to the producer at release(). */
  advance(n: number): void {
    this.readPos = (this.readPos + n) | 0;
  }

  /** Returns every read slot to the producer with a single store. */
  release(): void {
    if (this.readPos === this.releasedPos) return;
    this.releasedPos = this.readPos;
    // Release: our slot reads are ordered before the producer may overwrite them.
    Atomics.store(this.i32, HEAD, this.readPos);
    if (this.wakeProducer && Atomics.load(this.i32, PRODUCER_WAITING) !== 0) {
      Atomics.notify(this.i32, HEAD, 1);
    }
  }
}
