/**
 * The gateway thread's side of the rings: takes each worker's accepted
 * orders (NewOrder frames the worker copied onto its gateway link) and hands
 * them to the venue gateway; writes every execution the venue reports back
 * to the worker that owns the symbol as a Fill frame (quantity 0 and
 * leavesOpen 0 for an order that ended without, or without more, fills:
 * cancelled, rejected, expired), so positions, open orders and reservations
 * move by the venue's own executions; and each order's one final state to
 * the source that sent it (an OrderFinal frame on the source's ring). A full
 * ring never loses a frame: it waits, in order, in a queue that is drained
 * first on the next pass (its peak is counted).
 *
 * Per-order bookkeeping here (symbol, side, owner) is a Map: the gateway is
 * the thread that speaks JSON over a socket; the risk workers are the ones
 * that must not allocate.
 */
import type { Agent } from '../core/agent/agent.js';
import type { MonotonicClock } from '../core/clock/monotonic-clock.js';
import { workerOf } from '../core/dispatch/dispatcher.js';
import { FinalState, Fill, Frame, FrameKind, NewOrder, OrderFinal, OrderType, Side } from '../ipc/frame-layout.js';
import { sourceOfClientId } from '../core/source/client-ids.js';
import { GatewayStat, type GatewayStatsView } from '../ipc/gateway-stats-layout.js';
import { bucketIndex } from '../ipc/latency-histogram.js';
import type { RingConsumer, RingProducer } from '../ipc/spsc-ring.js';

/** An accepted order as the gateway sends it (plain numbers; the gateway formats them for the venue). */
export interface VenueOrderRequest {
  clientId: number;
  symbol: number;
  side: 1 | -1;
  type: 'LIMIT' | 'MARKET';
  price: number;
  quantity: number;
}

export interface VenueOrderSink {
  submit(order: VenueOrderRequest): void;
}

const FINAL_STAT: Record<FinalState, number> = {
  [FinalState.FILLED]: GatewayStat.filled,
  [FinalState.CANCELED]: GatewayStat.canceled,
  [FinalState.REJECTED]: GatewayStat.rejected,
  [FinalState.EXPIRED]: GatewayStat.expired,
};

interface Live {
  symbol: number;
  side: number;
  takenNs: number;
  /** Quantity the venue has reported filled so far. */
  filled: number;
  acked: boolean;
  /** A frame with leavesOpen 0 went to the worker: the order is out of its table. */
  done: boolean;
}

/** A frame waiting for room: an execution for worker `ring`, or (final) an OrderFinal for source `ring`. */
interface Pending {
  final: boolean;
  ring: number;
  clientId: number;
  symbol: number;
  side: number;
  price: number;
  /** Execution: the quantity; final: the quantity filled in all. */
  quantity: number;
  /** Execution: leavesOpen; final: the FinalState. */
  code: number;
  reason: number;
  timeNs: number;
}

export class GatewayPump implements Agent {
  readonly name = 'gateway-pump';
  private readonly live = new Map<number, Live>();
  private readonly queued: Pending[] = [];
  private sink: VenueOrderSink | null = null;

  constructor(
    /** Per worker: its accepted orders (the gateway link's worker -> gateway ring). */
    private readonly orders: readonly RingConsumer[],
    /** Per worker: executions back (the gateway link's gateway -> worker ring). */
    private readonly fills: readonly RingProducer[],
    /** Per order source: its orders' final states. */
    private readonly finals: readonly RingProducer[],
    private readonly stats: GatewayStatsView,
    private readonly clock: MonotonicClock,
  ) {}

  /** The venue gateway that orders go to; until attached, orders wait in the rings. */
  attach(sink: VenueOrderSink): void {
    this.sink = sink;
  }

  /** Orders taken from the rings and not yet final. */
  get open(): number {
    return this.live.size;
  }

  doWork(): number {
    let work = this.flushQueued();
    if (this.sink === null) return work;
    for (let w = 0; w < this.orders.length; w++) work += this.drain(w, this.sink);
    this.stats.f64[GatewayStat.open] = this.live.size;
    return work;
  }

  /** The venue acknowledged the order (NEW, or its first fill). */
  acked(clientId: number): void {
    const o = this.live.get(clientId);
    if (o === undefined || o.acked) return;
    o.acked = true;
    this.stats.f64[GatewayStat.acked]++;
    this.stats.histograms.ack[bucketIndex(this.clock.nowNs() - o.takenNs)]++;
  }

  /** A trade of the order (already deduplicated by trade id): `quantity` at `price`. */
  execution(clientId: number, price: number, quantity: number, leavesOpen: boolean): void {
    const o = this.live.get(clientId);
    if (o === undefined) return;
    this.acked(clientId);
    o.filled += quantity;
    this.stats.f64[GatewayStat.executions]++;
    o.done = !leavesOpen;
    this.send(clientId, o, price, quantity, leavesOpen ? 1 : 0);
  }

  /** The order's one final state (`reason` as the gateway gives it); for FILLED its last execution came through execution(). */
  final(clientId: number, state: FinalState, reason: number): void {
    const o = this.live.get(clientId);
    if (o === undefined) return;
    this.live.delete(clientId);
    this.stats.f64[FINAL_STAT[state]]++;
    if (state === FinalState.FILLED) this.stats.histograms.fill[bucketIndex(this.clock.nowNs() - o.takenNs)]++;
    // Ended without a last fill (cancelled, rejected, expired): the worker releases what it still reserved.
    if (!o.done) this.send(clientId, o, 0, 0, 0);
    if (this.finals.length > 0) {
      this.queue({ final: true, ring: sourceOfClientId(clientId, this.finals.length), clientId, symbol: o.symbol, side: o.side, price: 0, quantity: o.filled, code: state, reason, timeNs: this.clock.nowNs() });
    }
    this.stats.f64[GatewayStat.open] = this.live.size;
  }

  private drain(w: number, sink: VenueOrderSink): number {
    const c = this.orders[w];
    const n = c.available();
    if (n === 0) return 0;
    const i32 = c.i32;
    const f64 = c.f64;
    const now = this.clock.nowNs();
    for (let k = 0; k < n; k++) {
      const b = c.frameAt(k);
      if (i32[b + Frame.kind] !== FrameKind.NewOrder) continue;
      const d = b >> 1;
      const clientId = f64[d + NewOrder.clientId];
      const symbol = i32[b + Frame.symbol];
      const side = i32[b + NewOrder.side] === Side.Buy ? 1 : -1;
      this.live.set(clientId, { symbol, side, takenNs: now, filled: 0, acked: false, done: false });
      this.stats.f64[GatewayStat.received]++;
      sink.submit({
        clientId,
        symbol,
        side,
        type: i32[b + NewOrder.type] === OrderType.Market ? 'MARKET' : 'LIMIT',
        price: f64[d + NewOrder.price],
        quantity: f64[d + NewOrder.quantity],
      });
    }
    c.advance(n);
    c.release();
    return n;
  }

  private send(clientId: number, o: Live, price: number, quantity: number, leavesOpen: number): void {
    this.queue({ final: false, ring: workerOf(o.symbol, this.fills.length), clientId, symbol: o.symbol, side: o.side, price, quantity, code: leavesOpen, reason: 0, timeNs: this.clock.nowNs() });
  }

  private queue(p: Pending): void {
    if (this.queued.length > 0 || !this.write(p)) {
      this.queued.push(p);
      if (this.queued.length > this.stats.f64[GatewayStat.fillsQueuedPeak]) this.stats.f64[GatewayStat.fillsQueuedPeak] = this.queued.length;
    }
  }

  private flushQueued(): number {
    let n = 0;
    while (n < this.queued.length && this.write(this.queued[n])) n++;
    if (n > 0) this.queued.splice(0, n);
    return n;
  }

  private write(p: Pending): boolean {
    const ring = p.final ? this.finals[p.ring] : this.fills[p.ring];
    if (ring.free(1) === 0) return false;
    const o = ring.claim();
    const i32 = ring.i32;
    const f64 = ring.f64;
    i32[o + Frame.symbol] = p.symbol;
    if (p.final) {
      i32[o + Frame.kind] = FrameKind.OrderFinal;
      f64[(o >> 1) + OrderFinal.time] = p.timeNs;
      f64[(o >> 1) + OrderFinal.clientId] = p.clientId;
      f64[(o >> 1) + OrderFinal.filledQty] = p.quantity;
      i32[o + OrderFinal.state] = p.code;
      i32[o + OrderFinal.reason] = p.reason;
    } else {
      i32[o + Frame.kind] = FrameKind.Fill;
      f64[(o >> 1) + Fill.time] = p.timeNs;
      f64[(o >> 1) + Fill.clientId] = p.clientId;
      f64[(o >> 1) + Fill.price] = p.price;
      f64[(o >> 1) + Fill.quantity] = p.quantity;
      i32[o + Fill.side] = p.side;
      i32[o + Fill.leavesOpen] = p.code;
    }
    ring.publish();
    return true;
  }
}
