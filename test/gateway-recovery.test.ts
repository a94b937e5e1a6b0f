import { expect } from 'chai';
import { OrderType, Side } from '../ipc/frame-layout.js';
import { GatewayReason } from '../core/gateway/gateway.js';
import { OrderState } from '../core/gateway/order-state.js';
import { Harness } from './fixtures/gateway-harness.js';

const { Buy, Sell } = Side;
const { Limit, Market } = OrderType;

/** Every order the harness saw ends at most once, and the venue never holds a clientOrderId twice. */
function invariants(h: Harness): void {
  const seen = new Set<number>();
  for (const f of h.finals) {
    expect(seen.has(f.clientId), `second final for ${f.clientId}`).to.equal(false);
    seen.add(f.clientId);
  }
  expect(new Set(h.venue.placed).size, 'an order placed twice at the venue').to.equal(h.venue.placed.length);
}

describe('gateway orders against a scripted venue', () => {
  it('places on the grid, takes fills from executionReports, ends FILLED once', () => {
    const h = new Harness().start();
    expect(h.venue.methods()).to.deep.equal(['userDataStream.subscribe.signature', 'openOrders.status']);
    expect(h.gw.submit(1, 0, Buy, Limit, 100.009, 0.500004)).to.equal(true);
    h.run(10);
    const place = h.venue.requests.at(-1)!;
    expect(place.method).to.equal('order.place');
    expect(place.params).to.deep.include({ symbol: 'BTCUSDT', side: 'BUY', price: '100.00', quantity: '0.50000', newClientOrderId: 'bot4-1' });
    expect(h.gw.tracker.get(1)!.state).to.equal(OrderState.ACCEPTED);
    const t1 = h.venue.fill('bot4-1', 0.2, 100);
    h.venue.fill('bot4-1', 0.3, 99.5);
    h.run(10);
    expect(h.executions.map((e) => [e.tradeId, e.qty, e.price, e.leavesOpen])).to.deep.equal([
      [t1, 0.2, 100, true],
      [t1 + 1, 0.3, 99.5, false],
    ]);
    expect(h.finals).to.deep.equal([{ clientId: 1, state: OrderState.FILLED, reason: 0 }]);
    expect(h.gw.counters).to.deep.include({ submitted: 1, acked: 1, filled: 1, executions: 2 });
    expect(h.acks).to.deep.equal([1]);
    invariants(h);
    h.stop();
  });

  it('a lost subscribe answer: the subscribe is sent again after handshakeTimeoutMs on the same connection, no reconnect', () => {
    const h = new Harness();
    h.venue.fault('userDataStream.subscribe.signature', { kind: 'lose-response' });
    h.gw.start();
    h.run(200);
    expect(h.gw.trading).to.equal(false);
    h.run(100); // past the 250 ms handshake deadline: sent again, answered
    expect(h.gw.trading).to.equal(true);
    expect(h.venue.methods()).to.deep.equal(['userDataStream.subscribe.signature', 'userDataStream.subscribe.signature', 'openOrders.status']);
    expect(h.gw.stats().connectFailures).to.equal(0);
    h.run(5000); // the first send's long deadline passes: the session has moved on, nothing is dropped
    expect(h.gw.trading).to.equal(true);
    expect(h.gw.stats().reconnects).to.equal(0);
    h.stop();
  });

  it('takes an ACK-shaped answer (no status) as accepted', () => {
    const h = new Harness().start();
    h.venue.ackOnly = true;
    h.venue.eventLoss = 1; // only the answer tells
    h.gw.submit(1, 0, Buy, Limit, 100, 1);
    h.run(10);
    expect(h.gw.tracker.get(1)!.state).to.equal(OrderState.ACCEPTED);
    h.stop();
  });

  it('ignores a trade id seen before, and reports after the final state', () => {
    const h = new Harness().start();
    h.gw.submit(1, 0, Buy, Limit, 100, 1);
    h.run(10);
    const o = h.venue.orders.get('bot4-1')!;
    const t = h.venue.fill('bot4-1', 0.4, 100);
    h.run(10);
    // The same TRADE report again (a redelivery), then again with a later cumulative quantity (a venue bug would not fool us either).
    h.venue.report(o, 'TRADE', t, 0.4, 100);
    h.run(10);
    expect(h.executions).to.have.length(1);
    expect(h.gw.counters.duplicateTrades).to.equal(1);
    h.venue.fill('bot4-1', 0.6, 100);
    h.run(10);
    h.venue.report(o, 'CANCELED', -1, 0, 0); // late and contradictory: FILLED stays
    h.run(10);
    expect(h.executions.map((e) => e.qty)).to.deep.equal([0.4, 0.6]);
    expect(h.finalOf(1)).to.deep.equal([{ state: OrderState.FILLED, reason: 0 }]);
    expect(h.gw.counters.lateReports).to.be.greaterThan(0);
    invariants(h);
    h.stop();
  });

  it('resolves a response lost after execution by order.status, with no second order', () => {
    const h = new Harness({ requestTimeoutMs: 500 }).start();
    h.venue.fault('order.place', { kind: 'lose-response' });
    h.gw.submit(7, 0, Sell, Limit, 200, 2);
    h.run(5);
    h.venue.fill('bot4-7', 2, 201, true); // executed; nobody heard
    h.run(400);
    expect(h.gw.tracker.get(7)!.state).to.equal(OrderState.SUBMITTED);
    h.run(200); // the deadline passes: UNKNOWN, then the query
    expect(h.venue.methods().slice(2)).to.deep.equal(['order.place', 'order.status']);
    expect(h.executions).to.deep.equal([{ clientId: 7, tradeId: -1, price: 201, qty: 2, leavesOpen: false }]);
    expect(h.finalOf(7)).to.deep.equal([{ state: OrderState.FILLED, reason: 0 }]);
    expect(h.venue.placed).to.deep.equal(['bot4-7']);
    expect(h.gw.counters).to.deep.include({ placesSent: 1, unknown: 1, unknownResolved: 1, retries: 0 });
    expect(h.outcomes).to.include(false); // the timeout went to the breaker
    invariants(h);
    h.stop();
  });

  it('timeout -> UNKNOWN -> the venue never saw it -> one retry, same clientOrderId, after recvWindow', () => {
    const h = new Harness({ requestTimeoutMs: 500, recvWindowMs: 3000, maxQueueAgeMs: 60_000 }).start();
    h.venue.fault('order.place', { kind: 'lose-request' });
    const t0 = h.scheduler.nowMs();
    h.gw.submit(3, 1, Buy, Market, 0, 1.5);
    h.run(600);
    expect(h.gw.tracker.get(3)!.state).to.equal(OrderState.UNKNOWN);
    h.run(3000);
    const places = h.venue.requests.map((r, k) => [r, h.venue.seenAt[k]] as const).filter(([r]) => r.method === 'order.place');
    expect(places).to.have.length(1); // the first never arrived
    expect(places[0][0].params.newClientOrderId).to.equal('bot4-3');
    expect(places[0][1]).to.be.at.least(t0 + 3000); // not before the first send's recvWindow ran out
    expect(h.venue.methods().filter((m) => m === 'order.status').length).to.be.at.least(2);
    expect(h.gw.tracker.get(3)!.state).to.equal(OrderState.ACCEPTED);
    expect(h.gw.counters).to.deep.include({ placesSent: 2, retries: 1, acked: 1 });
    invariants(h);
    h.stop();
  });

  it('a retry the venue refuses as a duplicate (-2010) is resolved by query', () => {
    const h = new Harness({ requestTimeoutMs: 500, recvWindowMs: 1000, maxQueueAgeMs: 60_000 }).start();
    h.venue.fault('order.place', { kind: 'lose-response' });
    // A lagging order store that does not find the order yet.
    h.venue.fault('order.status', { kind: 'error', status: 400, code: -2013, msg: 'Order does not exist.' });
    h.venue.fault('order.status', { kind: 'error', status: 400, code: -2013, msg: 'Order does not exist.' });
    h.gw.submit(4, 0, Buy, Limit, 50, 1);
    h.run(3000);
    const methods = h.venue.methods().slice(2);
    expect(methods.filter((m) => m === 'order.place')).to.have.length(2);
    expect(h.gw.counters.duplicatesRefused).to.equal(1);
    expect(h.gw.tracker.get(4)!.state).to.equal(OrderState.ACCEPTED);
    expect(h.venue.placed).to.deep.equal(['bot4-4']);
    expect(h.finals).to.deep.equal([]);
    invariants(h);
    h.stop();
  });

  it('5xx and -1007 leave the outcome unknown: queried, never re-sent blind', () => {
    const h = new Harness({ recvWindowMs: 1000, maxQueueAgeMs: 60_000 }).start();
    const msg = 'Timeout waiting for response from backend server. Send status unknown; execution status unknown.';
    h.venue.fault('order.place', { kind: 'error', status: 503, code: -1007, msg, acted: true, eventsLost: true });
    h.gw.submit(5, 0, Buy, Limit, 10, 1);
    h.run(20);
    expect(h.venue.methods().slice(2)).to.deep.equal(['order.place', 'order.status']);
    expect(h.gw.tracker.get(5)!.state).to.equal(OrderState.ACCEPTED);
    expect(h.outcomes.at(-2)).to.equal(false);
    // Not acted: the query finds nothing; the one retry waits out the recvWindow.
    h.venue.fault('order.place', { kind: 'error', status: 400, code: -1007, msg });
    h.gw.submit(6, 0, Buy, Limit, 10, 1);
    h.run(20);
    expect(h.gw.tracker.get(6)!.state).to.equal(OrderState.UNKNOWN);
    h.run(1000);
    expect(h.venue.methods().slice(4)).to.deep.equal(['order.place', 'order.status', 'order.status', 'order.place']);
    expect(h.gw.tracker.get(6)!.state).to.equal(OrderState.ACCEPTED);
    expect(h.venue.placed).to.deep.equal(['bot4-5', 'bot4-6']);
    invariants(h);
    h.stop();
  });

  it('cancels: PENDING_CANCEL then CANCELED once; a cancel too late resolves to FILLED; before sending: locally', () => {
    const h = new Harness().start();
    h.gw.submit(1, 0, Buy, Limit, 100, 1);
    h.gw.submit(2, 0, Buy, Limit, 100, 1);
    h.run(10);
    expect(h.gw.cancel(1)).to.equal(true);
    expect(h.gw.tracker.get(1)!.state).to.equal(OrderState.PENDING_CANCEL);
    h.run(10);
    expect(h.finalOf(1)).to.deep.equal([{ state: OrderState.CANCELED, reason: 0 }]);
    expect(h.gw.cancel(1)).to.equal(false);
    h.venue.fill('bot4-2', 1, 99, true);
    h.gw.cancel(2);
    h.run(20);
    expect(h.venue.methods().slice(-2)).to.deep.equal(['order.cancel', 'order.status']);
    expect(h.finalOf(2)).to.deep.equal([{ state: OrderState.FILLED, reason: 0 }]);
    expect(h.executions.filter((e) => e.clientId === 2).map((e) => [e.qty, e.price])).to.deep.equal([[1, 99]]);
    h.venue.up = false;
    h.venue.disconnect();
    h.gw.submit(3, 0, Buy, Limit, 100, 1);
    h.gw.cancel(3);
    expect(h.finalOf(3)).to.deep.equal([{ state: OrderState.CANCELED, reason: GatewayReason.CANCELED_LOCALLY }]);
    invariants(h);
    h.stop();
  });

  it('reconnects with jittered backoff, reconciles before sending anything new, ends what the venue ended meanwhile', () => {
    const h = new Harness({ maxQueueAgeMs: 60_000 }).start();
    for (const id of [1, 2, 3]) h.gw.submit(id, 0, Buy, Limit, 100, 1);
    h.run(10);
    h.venue.fault('order.place', { kind: 'lose-response' });
    h.gw.submit(4, 0, Buy, Limit, 100, 1); // in flight when the line drops: acted, unheard
    h.run(1);
    h.venue.up = false;
    h.venue.disconnect();
    h.venue.venueEnd('bot4-1', 'CANCELED');
    h.venue.fill('bot4-2', 1, 98);
    h.venue.fill('bot4-3', 0.25, 97);
    h.gw.submit(5, 0, Buy, Limit, 100, 1); // waits for the reconciliation
    h.run(3000);
    expect(h.venue.connects).to.be.greaterThan(2); // kept trying while down
    h.venue.up = true;
    const before = h.venue.requests.length;
    while (!h.gw.session.ready) h.run(1);
    h.gw.submit(6, 0, Buy, Limit, 100, 1); // logged on again, not reconciled yet: waits too
    h.run(3000);
    const after = h.venue.methods().slice(before);
    // 1 and 2 are gone from the book: asked about; 3 and 4 are listed open; 5 and 6 only then.
    expect(after).to.deep.equal(['userDataStream.subscribe.signature', 'openOrders.status', 'order.status', 'order.status', 'order.place', 'order.place']);
    expect(h.finalOf(1)).to.deep.equal([{ state: OrderState.CANCELED, reason: 0 }]);
    expect(h.finalOf(2)).to.deep.equal([{ state: OrderState.FILLED, reason: 0 }]);
    expect(h.gw.tracker.get(3)!.state).to.equal(OrderState.PARTIALLY_FILLED);
    expect(h.gw.tracker.get(4)!.state).to.equal(OrderState.ACCEPTED);
    expect(h.gw.tracker.get(5)!.state).to.equal(OrderState.ACCEPTED);
    expect(h.gw.tracker.get(6)!.state).to.equal(OrderState.ACCEPTED);
    // 3 from the open-orders answer, then 2 from its order.status.
    expect(h.executions.map((e) => [e.clientId, e.tradeId, e.qty, e.price, e.leavesOpen])).to.deep.equal([
      [3, -1, 0.25, 97, true],
      [2, -1, 1, 98, false],
    ]);
    expect(h.gw.stats()).to.deep.include({ reconnects: 1, reconcileRounds: 2, live: 4, queued: 0 });
    expect(h.gw.stats().connectFailures).to.be.greaterThan(1);
    invariants(h);
    h.stop();
  });

  it('drops a connection whose pings go unanswered, and comes back', () => {
    const h = new Harness({ pingIntervalMs: 1000, requestTimeoutMs: 300 }).start();
    h.venue.fault('ping', { kind: 'silence' });
    h.run(1400);
    expect(h.venue.connects).to.equal(2);
    expect(h.gw.trading).to.equal(true);
    h.stop();
  });

  it('429: the order is refused, nothing is sent until Retry-After, then the queue goes', () => {
    const h = new Harness({ maxQueueAgeMs: 60_000 }).start();
    const until = h.scheduler.nowMs() + 3000;
    h.venue.fault('order.place', { kind: 'error', status: 429, code: -1015, msg: 'Too many new orders; current limit is 50 orders per 10 SECOND.', retryAfter: until });
    h.gw.submit(1, 0, Buy, Limit, 100, 1);
    h.run(10);
    expect(h.finalOf(1)).to.deep.equal([{ state: OrderState.REJECTED, reason: -1015 }]);
    expect(h.backoffs).to.deep.equal([until]);
    expect(h.gw.trading).to.equal(false);
    h.gw.submit(2, 0, Buy, Limit, 100, 1);
    const n = h.venue.requests.length;
    h.run(2900);
    expect(h.venue.requests.length).to.equal(n);
    h.run(200);
    expect(h.venue.requests.length).to.equal(n + 1);
    expect(h.venue.seenAt.at(-1)).to.be.at.least(until);
    expect(h.gw.tracker.get(2)!.state).to.equal(OrderState.ACCEPTED);
    invariants(h);
    h.stop();
  });

  it('418: a ban silences everything, pings included, and stale orders are refused', () => {
    const h = new Harness({ pingIntervalMs: 5000 }).start();
    const until = h.scheduler.nowMs() + 120_000;
    h.venue.fault('order.place', { kind: 'error', status: 418, code: -1003, msg: 'Way too much request weight used; IP banned until later.', retryAfter: until });
    h.gw.submit(1, 0, Buy, Limit, 100, 1);
    h.run(10);
    h.gw.submit(2, 0, Buy, Limit, 100, 1);
    const n = h.venue.requests.length;
    h.run(2100);
    // Refused as stale when its time is up, not when the ban ends.
    expect(h.finalOf(2)).to.deep.equal([{ state: OrderState.REJECTED, reason: GatewayReason.STALE }]);
    h.run(117_000);
    expect(h.venue.requests.length).to.equal(n);
    expect(h.backoffs).to.deep.equal([until]);
    h.run(2000);
    h.gw.submit(3, 0, Buy, Limit, 100, 1);
    h.run(10);
    expect(h.gw.tracker.get(3)!.state).to.equal(OrderState.ACCEPTED);
    invariants(h);
    h.stop();
  });

  it('stops everything when the venue reports its request weight used up, until the minute ends', () => {
    const h = new Harness({ maxQueueAgeMs: 120_000 }).start();
    const minuteEnd = (Math.floor(h.scheduler.nowMs() / 60_000) + 1) * 60_000;
    h.venue.weightUsed = 6000;
    h.gw.submit(1, 0, Buy, Limit, 100, 1);
    h.run(10);
    expect(h.backoffs).to.deep.equal([minuteEnd]);
    h.venue.weightUsed = 10;
    h.gw.submit(2, 0, Buy, Limit, 100, 1);
    const n = h.venue.requests.length;
    h.scheduler.runUntil(minuteEnd - 1);
    expect(h.venue.requests.length).to.equal(n);
    h.run(20);
    expect(h.venue.placed).to.deep.equal(['bot4-1', 'bot4-2']);
    h.stop();
  });

  it('keeps to the local order budget and the venue window', () => {
    const h = new Harness({ ordersPerWindow: 3, maxQueueAgeMs: 60_000 }).start();
    const windowEnd = (Math.floor(h.scheduler.nowMs() / 10_000) + 1) * 10_000;
    for (let id = 1; id <= 5; id++) h.gw.submit(id, 0, Buy, Limit, 100, 1);
    h.run(100);
    expect(h.venue.placed).to.have.length(3);
    h.scheduler.runUntil(windowEnd + 10);
    expect(h.venue.placed).to.have.length(5);
    h.stop();
  });

  it('refuses a bad order at once with BAD_ORDER; a client id in use or not an integer gets no final', () => {
    const h = new Harness().start();
    expect(h.gw.submit(1, 9, Buy, Limit, 100, 1)).to.equal(false);
    expect(h.gw.submit(2, 0, Buy, Limit, 100, 0.000001)).to.equal(false); // below one lot
    expect(h.gw.submit(3, 0, Buy, Limit, 0.004, 1)).to.equal(false); // below one tick
    expect(h.gw.submit(4, 0, 0, Limit, 100, 1)).to.equal(false);
    expect(h.gw.submit(5, 0, Buy, 7, 100, 1)).to.equal(false);
    expect(h.gw.submit(6, 0, Buy, Limit, 100, 1)).to.equal(true);
    expect(h.gw.submit(6, 0, Buy, Limit, 100, 1)).to.equal(false);
    expect(h.gw.submit(1.5, 0, Buy, Limit, 100, 1)).to.equal(false);
    expect(h.finals.map((f) => [f.clientId, f.reason])).to.deep.equal([1, 2, 3, 4, 5].map((id) => [id, GatewayReason.BAD_ORDER]));
    expect(h.gw.counters).to.deep.include({ badClientIds: 2, submitted: 6, rejected: 5 });
    h.run(10);
    expect(h.venue.placed).to.deep.equal(['bot4-6']);
    h.stop();
  });
});
