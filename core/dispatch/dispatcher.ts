/**
 * Routes frames to the in-ring of the worker that owns their symbol (symbol
 * s belongs to worker s % workers), and decides what happens when that ring
 * is full. One per producing thread: main's (feed ticks, stale markers,
 * control frames) and each order source's (its ticks, orders and fills).
 *   - market ticks (and stale markers) are conflated per symbol: the frame
 *     waits in a one-per-symbol side table, a newer one replaces it (counted);
 *   - fills (execution reports) are never dropped: they wait in a FIFO sized to
 *     hold every decision that can be in flight (core/dispatch/in-flight.ts);
 *   - new orders are the caller's business (bounded wait, then BACKPRESSURE).
 * A worker's deferred frames are flushed before any new frame is written to
 * its ring, so the frames of one symbol are never reordered.
 * Allocation-free per frame.
 */
import { Control, ControlOp, Decision, FRAME_I32, Fill, Frame, FrameKind } from '../../ipc/frame-layout.js';
import { RingProducer } from '../../ipc/spsc-ring.js';
import type { WaitStrategyName } from '../../ipc/wait-strategy.js';
import { applyWaitStrategy } from '../../ipc/wait-strategy.js';
import { fillQueueSlots } from './in-flight.js';

/** The worker that owns symbol s, of `workers`: the one rule every producer routes by. */
export function workerOf(symbol: number, workers: number): number {
  return symbol % workers;
}

const FILL_STRIDE = 4; // clientId, price, quantity, time; side and symbol in the int32 FIFO

export class Dispatcher {
  readonly producers: RingProducer[];
  readonly workers: number;
  private readonly ownerOf: Int32Array;
  // Conflation: one pending frame per symbol, and per worker a list of symbols pending.
  private readonly pendingFrame: Float64Array;
  private readonly pendingI32: Int32Array;
  private readonly isPending: Uint8Array;
  private readonly pendingList: Int32Array[];
  private readonly pendingCount: Int32Array;
  // Fills waiting for ring space, per worker: a FIFO of (clientId, price, qty, time, side, symbol).
  private readonly fillF64: Float64Array[];
  private readonly fillI32: Int32Array[];
  private readonly fillHead: Float64Array;
  private readonly fillTail: Float64Array;
  private readonly fillMask: number;

  /** Ticks that went through the side table because a ring was full. */
  deferredTicks = 0;
  /** Ticks replaced in the side table by a newer one for the same symbol (never delivered). */
  conflatedTicks = 0;
  /** Most fills ever waiting at once. */
  fillsQueuedPeak = 0;

  /** `doorbells[w]`: worker w's doorbell, rung after each publish under the block strategy. */
  constructor(
    rings: readonly SharedArrayBuffer[],
    readonly symbols: number,
    wait: WaitStrategyName,
    doorbells: readonly SharedArrayBuffer[] = [],
  ) {
    this.producers = rings.map((sab, w) => {
      const p = new RingProducer(sab);
      applyWaitStrategy(wait, { producer: p, consumerDoorbell: doorbells[w] });
      return p;
    });
    this.workers = rings.length;
    this.ownerOf = Int32Array.from({ length: symbols }, (_, s) => workerOf(s, this.workers));
    this.pendingFrame = new Float64Array((symbols * FRAME_I32) >> 1);
    this.pendingI32 = new Int32Array(this.pendingFrame.buffer);
    this.isPending = new Uint8Array(symbols);
    this.pendingList = rings.map(() => new Int32Array(symbols));
    this.pendingCount = new Int32Array(this.workers);
    const fillSlots = fillQueueSlots(this.producers[0].capacity);
    this.fillMask = fillSlots - 1;
    this.fillF64 = rings.map(() => new Float64Array(fillSlots * FILL_STRIDE));
    this.fillI32 = rings.map(() => new Int32Array(fillSlots * 2));
    this.fillHead = new Float64Array(this.workers);
    this.fillTail = new Float64Array(this.workers);
  }

  /** Worker owning `symbol`; ids outside the universe still go somewhere, to be rejected there. */
  owner(symbol: number): number {
    if (symbol >= 0 && symbol < this.symbols) return this.ownerOf[symbol];
    const w = symbol % this.workers;
    return w < 0 ? -w : w;
  }

  /** Deferred frames (conflated ticks, waiting fills) of worker w. */
  deferred(w: number): number {
    return (this.pendingCount[w] + (this.fillTail[w] - this.fillHead[w])) | 0; // an int: no boxed double returned
  }

  /**
   * Claims a slot for a new frame to worker w after flushing its deferred frames.
   * Returns the slot's int32 index in producers[w], or -1 if the ring has no room.
   */
  claim(w: number): number {
    if (this.deferred(w) !== 0 && !this.flush(w)) return -1;
    return this.producers[w].claim();
  }

  publishAll(): void {
    for (let w = 0; w < this.workers; w++) this.producers[w].publish();
  }

  /** Copies a MarketTick (or any 64-byte frame) for its symbol's owner, conflating when the ring is full. */
  dispatchTick(i32: Int32Array, _f64: Float64Array, base: number): void {
    const s = i32[base + Frame.symbol];
    if (s < 0 || s >= this.symbols) return; // the feed maps symbols; an id outside the universe has no owner
    const w = this.ownerOf[s];
    const p = this.producers[w];
    const slot = this.isPending[s] === 0 ? this.claim(w) : -1;
    if (slot >= 0) {
      copyFrame(i32, base, p.i32, slot);
      return;
    }
    this.defer(w, s, i32, base);
  }

  /** The feed for `symbol` went silent: deliver a stale marker, conflated like a tick. */
  markStale(symbol: number, timeNs: number): void {
    if (symbol < 0 || symbol >= this.symbols) return;
    const ri = symbol * FRAME_I32;
    const w = this.ownerOf[symbol];
    const slot = this.isPending[symbol] === 0 ? this.claim(w) : -1;
    const i32 = slot >= 0 ? this.producers[w].i32 : this.pendingI32;
    const f64 = slot >= 0 ? this.producers[w].f64 : this.pendingFrame;
    const b = slot >= 0 ? slot : ri;
    i32[b + Frame.kind] = FrameKind.Control;
    i32[b + Frame.symbol] = symbol;
    i32[b + Control.op] = ControlOp.MarketDataStale;
    f64[(b >> 1) + Control.time] = timeNs;
    if (slot < 0) this.markPending(w, symbol);
  }

  private defer(w: number, s: number, i32: Int32Array, base: number): void {
    copyFrame(i32, base, this.pendingI32, s * FRAME_I32);
    this.deferredTicks++;
    if (this.isPending[s] !== 0) this.conflatedTicks++;
    else this.markPending(w, s);
  }

  private markPending(w: number, s: number): void {
    if (this.isPending[s] !== 0) {
      this.conflatedTicks++;
      return;
    }
    this.isPending[s] = 1;
    this.pendingList[w][this.pendingCount[w]++] = s;
  }

  /**
   * Queues the execution report of the accepted order whose Decision frame is
   * at int32 index `base`, filled whole at prices[symbol] (the decision's own
   * price where that is not a positive number) at time timeReg[0]; never
   * dropped. Fields are read in place: no doubles cross the call.
   */
  queueFill(w: number, i32: Int32Array, f64: Float64Array, base: number, prices: Float64Array, timeReg: Float64Array): void {
    const t = this.fillTail[w];
    const i = t & this.fillMask;
    const f = this.fillF64[w];
    const d = base >> 1;
    const s = i32[base + Frame.symbol];
    f[i * FILL_STRIDE] = f64[d + Decision.clientId];
    f[i * FILL_STRIDE + 1] = s >= 0 && s < prices.length && prices[s] > 0 && prices[s] < Infinity ? prices[s] : f64[d + Decision.price];
    f[i * FILL_STRIDE + 2] = f64[d + Decision.quantity];
    f[i * FILL_STRIDE + 3] = timeReg[0];
    this.fillI32[w][i * 2] = i32[base + Decision.side];
    this.fillI32[w][i * 2 + 1] = s;
    this.fillTail[w] = t + 1;
    const queued = (t + 1 - this.fillHead[w]) | 0;
    if (queued > this.fillsQueuedPeak) this.fillsQueuedPeak = queued;
  }

  /** Room left in worker w's fill queue. */
  fillRoom(w: number): number {
    return (this.fillMask + 1 - (this.fillTail[w] - this.fillHead[w])) | 0;
  }

  /** Moves worker w's deferred frames into its ring; true when none remain. */
  flush(w: number): boolean {
    const p = this.producers[w];
    const fi = this.fillI32[w];
    const ff = this.fillF64[w];
    while (this.fillHead[w] < this.fillTail[w]) {
      const slot = p.claim();
      if (slot < 0) return false;
      const i = this.fillHead[w] & this.fillMask;
      const d = slot >> 1;
      p.i32[slot + Frame.kind] = FrameKind.Fill;
      p.i32[slot + Frame.symbol] = fi[i * 2 + 1];
      p.f64[d + Fill.clientId] = ff[i * FILL_STRIDE];
      p.f64[d + Fill.price] = ff[i * FILL_STRIDE + 1];
      p.f64[d + Fill.quantity] = ff[i * FILL_STRIDE + 2];
      p.f64[d + Fill.time] = ff[i * FILL_STRIDE + 3];
      p.i32[slot + Fill.side] = fi[i * 2];
      p.i32[slot + Fill.leavesOpen] = 0;
      this.fillHead[w]++;
    }
    const list = this.pendingList[w];
    let n = this.pendingCount[w];
    let done = 0;
    while (done < n) {
      const slot = p.claim();
      if (slot < 0) break;
      const s = list[done++];
      copyFrame(this.pendingI32, s * FRAME_I32, p.i32, slot);
      this.isPending[s] = 0;
    }
    if (done > 0) {
      list.copyWithin(0, done, n);
      n -= done;
      this.pendingCount[w] = n;
    }
    return n === 0;
  }

  /** Writes a control frame to worker w; false when its ring has no room (the caller retries). */
  sendControl(w: number, op: number, arg: number, timeNs: number): boolean {
    const slot = this.claim(w);
    if (slot < 0) return false;
    const p = this.producers[w];
    p.i32[slot + Frame.kind] = FrameKind.Control;
    p.i32[slot + Frame.symbol] = -1;
    p.i32[slot + Control.op] = op;
    p.f64[(slot >> 1) + Control.time] = timeNs;
    p.f64[(slot >> 1) + Control.arg] = arg;
    p.publish();
    return true;
  }
}

/**
 * Copies one frame as 16 int32: moving int32 pairs through float64 could
 * canonicalise a NaN bit pattern (side = -1 in the high word is one).
 */
function copyFrame(src: Int32Array, s: number, dst: Int32Array, d: number): void {
  for (let i = 0; i < FRAME_I32; i++) dst[d + i] = src[s + i];
}
