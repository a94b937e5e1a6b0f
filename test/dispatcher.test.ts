/**
 * What the dispatcher does when a worker's ring is full: ticks conflate per
 * symbol (latest wins, counted), fills wait and are never dropped, and a
 * worker's deferred frames go out before anything newer, in order.
 */
import { expect } from 'chai';
import { Control, ControlOp, Decision, FRAME_BYTES, Fill, Frame, FrameKind, MarketTick } from '../ipc/frame-layout.js';
import { RingConsumer, createRingBuffer } from '../ipc/spsc-ring.js';
import { Dispatcher } from '../core/dispatch/dispatcher.js';

function tickFrame(symbol: number, last: number) {
  const buf = new ArrayBuffer(FRAME_BYTES);
  const i32 = new Int32Array(buf);
  const f64 = new Float64Array(buf);
  i32[Frame.kind] = FrameKind.MarketTick;
  i32[Frame.symbol] = symbol;
  f64[MarketTick.bid] = last - 1;
  f64[MarketTick.ask] = last + 1;
  f64[MarketTick.last] = last;
  return { i32, f64 };
}

function decisionFrame(symbol: number, clientId: number, side: number) {
  const buf = new ArrayBuffer(FRAME_BYTES);
  const i32 = new Int32Array(buf);
  const f64 = new Float64Array(buf);
  i32[Frame.kind] = FrameKind.Decision;
  i32[Frame.symbol] = symbol;
  i32[Decision.side] = side;
  f64[Decision.clientId] = clientId;
  f64[Decision.price] = 100;
  f64[Decision.quantity] = 2;
  return { i32, f64 };
}

/** Reads every frame in the ring as [kind, symbol, last-or-clientId], releasing them. */
function drain(c: RingConsumer): Array<[number, number, number]> {
  const out: Array<[number, number, number]> = [];
  const n = c.available();
  for (let k = 0; k < n; k++) {
    const b = c.frameAt(k);
    const kind = c.i32[b + Frame.kind];
    out.push([kind, c.i32[b + Frame.symbol], kind === FrameKind.MarketTick ? c.f64[(b >> 1) + MarketTick.last] : kind === FrameKind.Fill ? c.f64[(b >> 1) + Fill.clientId] : c.i32[b + Control.op]]);
  }
  c.advance(n);
  c.release();
  return out;
}

describe('dispatcher', () => {
  it('routes each symbol to one owner, spreading symbols over workers', () => {
    const d = new Dispatcher([createRingBuffer(8), createRingBuffer(8), createRingBuffer(8)], 10, 'spin');
    expect([0, 1, 2, 3, 4, 5].map((s) => d.owner(s))).to.deep.equal([0, 1, 2, 0, 1, 2]);
    expect(d.owner(-5)).to.be.within(0, 2);
    expect(d.owner(1e6 + 1)).to.be.within(0, 2);
  });

  it('conflates ticks per symbol when the ring is full: latest wins, replacements counted, order kept', () => {
    const ring = createRingBuffer(4);
    const d = new Dispatcher([ring], 4, 'spin');
    const c = new RingConsumer(ring);
    for (let i = 0; i < 4; i++) d.dispatchTick(tickFrame(0, 100 + i).i32, tickFrame(0, 0).f64, 0);
    d.publishAll();
    // Ring full: these wait in the side table; symbol 1's second tick replaces its first.
    d.dispatchTick(tickFrame(1, 200).i32, new Float64Array(8), 0);
    d.dispatchTick(tickFrame(2, 300).i32, new Float64Array(8), 0);
    d.dispatchTick(tickFrame(1, 201).i32, new Float64Array(8), 0);
    expect(d.deferredTicks).to.equal(3);
    expect(d.conflatedTicks).to.equal(1);
    expect(d.deferred(0)).to.equal(2);
    expect(drain(c).map((f) => f[2])).to.deep.equal([100, 101, 102, 103]);
    expect(d.flush(0)).to.equal(true);
    d.publishAll();
    expect(drain(c)).to.deep.equal([
      [FrameKind.MarketTick, 1, 201],
      [FrameKind.MarketTick, 2, 300],
    ]);
  });

  it('fills at the given mid (no spread booked as profit), else at the decision price, stamped with the fill time', () => {
    const fill = (mids: Float64Array, symbol: number): { price: number; time: number } => {
      const ring = createRingBuffer(4);
      const d = new Dispatcher([ring], 4, 'spin');
      const f = decisionFrame(symbol, 7, 1);
      d.queueFill(0, f.i32, f.f64, 0, mids, Float64Array.of(123_456));
      d.flush(0);
      d.publishAll();
      const c = new RingConsumer(ring);
      const b = c.frameAt(0);
      expect(c.i32[b + Frame.kind]).to.equal(FrameKind.Fill);
      return { price: c.f64[(b >> 1) + Fill.price], time: c.f64[(b >> 1) + Fill.time] };
    };
    const mids = new Float64Array([101.5, 0, NaN, 99]);
    expect(fill(mids, 0)).to.deep.equal({ price: 101.5, time: 123_456 });
    for (const noMid of [1, 2]) expect(fill(mids, noMid).price, `mid ${mids[noMid]}`).to.equal(100);
    expect(fill(new Float64Array(0), 3).price).to.equal(100);
  });

  it('never drops fills: they wait for room and go out in order, before newer frames', () => {
    const ring = createRingBuffer(4);
    const d = new Dispatcher([ring], 4, 'spin');
    const c = new RingConsumer(ring);
    for (let id = 1; id <= 10; id++) {
      const f = decisionFrame(1, id, 1);
      d.queueFill(0, f.i32, f.f64, 0, new Float64Array(0), Float64Array.of(0));
    }
    expect(d.fillsQueuedPeak).to.equal(10);
    const got: number[] = [];
    let guard = 0;
    while (got.length < 10 && guard++ < 10) {
      d.flush(0);
      d.publishAll();
      for (const f of drain(c)) {
        expect(f[0]).to.equal(FrameKind.Fill);
        got.push(f[2]);
      }
    }
    expect(got).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(d.deferred(0)).to.equal(0);
  });

  it('writes a stale marker as a control frame for the owner, conflated like a tick', () => {
    const ring = createRingBuffer(2);
    const d = new Dispatcher([ring], 4, 'spin');
    const c = new RingConsumer(ring);
    d.markStale(3, 1);
    d.publishAll();
    expect(drain(c)).to.deep.equal([[FrameKind.Control, 3, ControlOp.MarketDataStale]]);
    d.dispatchTick(tickFrame(0, 1).i32, new Float64Array(8), 0);
    d.dispatchTick(tickFrame(0, 2).i32, new Float64Array(8), 0);
    d.dispatchTick(tickFrame(3, 50).i32, new Float64Array(8), 0); // deferred
    d.markStale(3, 2); // replaces the deferred tick: the latest word on symbol 3 is "stale"
    d.publishAll();
    drain(c);
    d.flush(0);
    d.publishAll();
    expect(drain(c)).to.deep.equal([[FrameKind.Control, 3, ControlOp.MarketDataStale]]);
  });
});
