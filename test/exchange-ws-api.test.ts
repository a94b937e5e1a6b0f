import { expect } from 'chai';
import { hmacWsParams, logonParams, makeVenue, wsSession } from './fixtures/exchange-venue.js';

describe('exchange-sim WebSocket API', () => {
  it('places, queries, lists and cancels orders, with rateLimits in every response', () => {
    const t = makeVenue();
    const ws = wsSession(t);
    const placed = ws.call('order.place', hmacWsParams(t, { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.01', price: '59000', newClientOrderId: 'ws-1' }));
    expect(placed.status).to.equal(200);
    expect(placed.result).to.include({ clientOrderId: 'ws-1', status: 'NEW', price: '59000.00000000' });
    const status = ws.call('order.status', hmacWsParams(t, { symbol: 'BTCUSDT', origClientOrderId: 'ws-1' }));
    expect(status.result).to.include({ orderId: placed.result.orderId, status: 'NEW', isWorking: true });
    const open = ws.call('openOrders.status', hmacWsParams(t, { symbol: 'BTCUSDT' }));
    expect(open.result.map((o: any) => o.clientOrderId)).to.deep.equal(['ws-1']);
    const cancel = ws.call('order.cancel', hmacWsParams(t, { symbol: 'BTCUSDT', orderId: placed.result.orderId, newClientOrderId: 'cxl-1' }));
    expect(cancel.result).to.include({ origClientOrderId: 'ws-1', clientOrderId: 'cxl-1', status: 'CANCELED' });
    expect(ws.call('order.cancel', hmacWsParams(t, { symbol: 'BTCUSDT', orderId: placed.result.orderId })).error).to.deep.equal({
      code: -2011,
      msg: 'Unknown order sent.',
    });
    for (const f of ws.frames) expect(f.rateLimits, JSON.stringify(f)).to.be.an('array').that.is.not.empty;
    expect(ws.call('time', { returnRateLimits: false })).to.not.have.property('rateLimits');
  });

  it('trades on a logged-on session without per-request signatures and streams executionReports to the subscription', () => {
    const t = makeVenue();
    const ws = wsSession(t);
    expect(ws.call('order.place', { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.001', timestamp: t.clock.nowMs() }).error.code).to.equal(-2014);
    expect(ws.call('userDataStream.subscribe').error.code).to.equal(-1002);
    ws.call('session.logon', logonParams(t));
    expect(ws.call('userDataStream.subscribe').result).to.deep.equal({ subscriptionId: 0 });
    const r = ws.call('order.place', { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.001', newClientOrderId: 'm-1', timestamp: t.clock.nowMs() });
    expect(r.result.status).to.equal('FILLED');
    const events = ws.frames.filter((f) => f.subscriptionId === 0).map((f) => f.event);
    expect(events.map((e) => [e.x, e.X, e.c])).to.deep.equal([
      ['NEW', 'NEW', 'm-1'],
      ['TRADE', 'FILLED', 'm-1'],
    ]);
    expect(events[1]).to.include({ l: '0.00100000', z: '0.00100000', L: r.result.fills[0].price, t: r.result.fills[0].tradeId, m: false, i: r.result.orderId });
    // The event arrives before the response: the venue's order.
    expect(ws.frames.findIndex((f) => f.event?.x === 'TRADE')).to.be.lessThan(ws.frames.indexOf(r));
    ws.call('session.logout');
    ws.call('order.place', hmacWsParams(t, { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.001' }));
    expect(ws.frames.filter((f) => f.subscriptionId === 0)).to.have.length(2);
  });

  it('pings every 20 s and drops a connection whose pongs stopped', () => {
    const t = makeVenue();
    const ws = wsSession(t);
    t.clock.advance(20_000);
    expect(ws.pings()).to.equal(1);
    ws.session.pong();
    t.clock.advance(60_000);
    expect(ws.pings()).to.equal(4);
    expect(ws.closes).to.deep.equal([]);
    t.clock.advance(20_000);
    expect(ws.closes).to.deep.equal([[1008, 'pong timeout']]);
    t.clock.advance(60_000);
    expect(ws.pings()).to.equal(4);
  });

  it('answers malformed frames with errors and closes on an oversized one', () => {
    const t = makeVenue({ maxMessageBytes: 2048 });
    const ws = wsSession(t);
    ws.session.receive('not json');
    ws.session.receive('{"id":7,"method":"no.such.method"}');
    ws.session.receive('{"id":{"x":1},"method":"time"}');
    ws.session.receive('{"id":8,"method":"depth","params":{"symbol":"BTCUSDT","limit":"x"}}');
    expect(ws.frames.map((f) => [f.id, f.status, f.error?.code])).to.deep.equal([
      [null, 400, -1100],
      [7, 400, -1102],
      [null, 400, -1102],
      [8, 400, -1100],
    ]);
    ws.session.receive(JSON.stringify({ id: 9, method: 'time', params: { pad: 'x'.repeat(3000) } }));
    expect(ws.closes).to.deep.equal([[1009, 'message too big']]);
  });
});
