import { expect } from 'chai';
import { monotonicClock } from '../core/clock/monotonic-clock.js';
import { FinalState, Fill, Frame, FrameKind, NewOrder, OrderFinal, OrderType, Side } from '../ipc/frame-layout.js';
import { GatewayStat, createGatewayStats, gatewayStatsView } from '../ipc/gateway-stats-layout.js';
import { RingConsumer, RingProducer, createRingBuffer } from '../ipc/spsc-ring.js';
import { GatewayPump, type VenueOrderRequest } from '../workers/gateway-pump.js';

/** Two workers' gateway links: what the workers write (orders) and read (fills). */
function setup(fillSlots = 16) {
  const orderRings = [createRingBuffer(16), createRingBuffer(16)];
  const fillRings = [createRingBuffer(fillSlots), createRingBuffer(fillSlots)];
  // Three sources: client id c came from source (c - 1) % 3.
  const finalRings = [createRingBuffer(16), createRingBuffer(16), createRingBuffer(16)];
  const stats = gatewayStatsView(createGatewayStats());
  const pump = new GatewayPump(orderRings.map((r) => new RingConsumer(r)), fillRings.map((r) => new RingProducer(r)), finalRings.map((r) => new RingProducer(r)), stats, monotonicClock());
  const sent: VenueOrderRequest[] = [];
  const workerOut = orderRings.map((r) => new RingProducer(r));
  const workerIn = fillRings.map((r) => new RingConsumer(r));
  const order = (w: number, clientId: number, symbol: number, side: number, type: number, price: number, qty: number) => {
    const p = workerOut[w];
    const o = p.claim();
    p.i32[o + Frame.kind] = FrameKind.NewOrder;
    p.i32[o + Frame.symbol] = symbol;
    p.f64[(o >> 1) + NewOrder.clientId] = clientId;
    p.f64[(o >> 1) + NewOrder.price] = price;
    p.f64[(o >> 1) + NewOrder.quantity] = qty;
    p.i32[o + NewOrder.side] = side;
    p.i32[o + NewOrder.type] = type;
    p.publish();
  };
  const fills = (w: number) => {
    const c = workerIn[w];
    const n = c.available();
    const out = [];
    for (let k = 0; k < n; k++) {
      const b = c.frameAt(k);
      out.push({ kind: c.i32[b + Frame.kind], symbol: c.i32[b + Frame.symbol], clientId: c.f64[(b >> 1) + Fill.clientId], price: c.f64[(b >> 1) + Fill.price], qty: c.f64[(b >> 1) + Fill.quantity], side: c.i32[b + Fill.side], leavesOpen: c.i32[b + Fill.leavesOpen] });
    }
    c.advance(n);
    c.release();
    return out;
  };
  const sourceIn = finalRings.map((r) => new RingConsumer(r));
  const finals = (s: number) => {
    const c = sourceIn[s];
    const n = c.available();
    const out = [];
    for (let k = 0; k < n; k++) {
      const b = c.frameAt(k);
      out.push({ kind: c.i32[b + Frame.kind], clientId: c.f64[(b >> 1) + OrderFinal.clientId], filledQty: c.f64[(b >> 1) + OrderFinal.filledQty], state: c.i32[b + OrderFinal.state], reason: c.i32[b + OrderFinal.reason] });
    }
    c.advance(n);
    c.release();
    return out;
  };
  return { pump, stats, sent, order, fills, finals };
}

describe('gateway pump (the gateway thread side of the rings)', () => {
  it('takes accepted orders from every worker ring once attached, and hands them to the gateway as sent', () => {
    const t = setup();
    t.order(0, 11, 2, Side.Buy, OrderType.Limit, 100.5, 2);
    t.order(1, 12, 3, Side.Sell, OrderType.Market, 99, 1);
    expect(t.pump.doWork()).to.equal(0); // no gateway yet: the orders wait in the rings
    t.pump.attach({ submit: (o) => t.sent.push(o) });
    expect(t.pump.doWork()).to.equal(2);
    expect(t.sent).to.deep.equal([
      { clientId: 11, symbol: 2, side: 1, type: 'LIMIT', price: 100.5, quantity: 2 },
      { clientId: 12, symbol: 3, side: -1, type: 'MARKET', price: 99, quantity: 1 },
    ]);
    expect(t.stats.f64[GatewayStat.received]).to.equal(2);
    expect(t.pump.open).to.equal(2);
  });

  it("partial fills, then the venue's cancel: Fill frames to the symbol's owner, the last one done with nothing filled", () => {
    const t = setup();
    t.pump.attach({ submit: () => {} });
    t.order(1, 7, 3, Side.Buy, OrderType.Limit, 50, 3); // symbol 3 -> worker 1 of 2
    t.pump.doWork();
    t.pump.execution(7, 50, 1, true);
    t.pump.execution(7, 49.5, 1, true);
    t.pump.final(7, FinalState.CANCELED, 0);
    t.pump.final(7, FinalState.CANCELED, 0); // a second final for the same order changes nothing
    expect(t.fills(0)).to.deep.equal([]);
    expect(t.fills(1)).to.deep.equal([
      { kind: FrameKind.Fill, symbol: 3, clientId: 7, price: 50, qty: 1, side: 1, leavesOpen: 1 },
      { kind: FrameKind.Fill, symbol: 3, clientId: 7, price: 49.5, qty: 1, side: 1, leavesOpen: 1 },
      { kind: FrameKind.Fill, symbol: 3, clientId: 7, price: 0, qty: 0, side: 1, leavesOpen: 0 },
    ]);
    expect(t.stats.f64[GatewayStat.acked]).to.equal(1);
    expect(t.stats.f64[GatewayStat.canceled]).to.equal(1);
    expect(t.pump.open).to.equal(0);
    // Its source (client id 7: source 0 of 3) hears the final state once, with what was filled.
    expect(t.finals(0)).to.deep.equal([{ kind: FrameKind.OrderFinal, clientId: 7, filledQty: 2, state: FinalState.CANCELED, reason: 0 }]);
    expect([t.finals(1), t.finals(2)]).to.deep.equal([[], []]);
  });

  it('a fill that completes the order is its last frame; FILLED adds none', () => {
    const t = setup();
    t.pump.attach({ submit: () => {} });
    t.order(0, 8, 0, Side.Sell, OrderType.Limit, 10, 1);
    t.pump.doWork();
    t.pump.execution(8, 10, 1, false);
    t.pump.final(8, FinalState.FILLED, 0);
    expect(t.fills(0).map((f) => f.leavesOpen)).to.deep.equal([0]);
    expect(t.stats.f64[GatewayStat.filled]).to.equal(1);
    expect(t.finals(1).map((f) => f.state)).to.deep.equal([FinalState.FILLED]); // client id 8: source 1 of 3
  });

  it('a full worker ring queues executions in order and loses none', () => {
    const t = setup(2);
    t.pump.attach({ submit: () => {} });
    t.order(0, 9, 0, Side.Buy, OrderType.Limit, 10, 5);
    t.pump.doWork();
    for (let k = 1; k <= 5; k++) t.pump.execution(9, 10 + k, 1, k < 5);
    expect(t.stats.f64[GatewayStat.fillsQueuedPeak]).to.equal(3);
    const got: number[] = [];
    for (let pass = 0; pass < 4; pass++) {
      got.push(...t.fills(0).map((f) => f.price));
      t.pump.doWork();
    }
    expect(got).to.deep.equal([11, 12, 13, 14, 15]);
  });
});
