import { expect } from 'chai';
import { hmacWsParams, makeVenue, publicRest, signedRest, wsSession } from './fixtures/exchange-venue.js';

const MINUTE = 60_000;

describe('exchange-sim rate limits', () => {
  it('refuses weight over the minute 429 -1003 with Retry-After, bans 418 on the next request, and doubles the next ban', () => {
    // Start on a minute boundary: fixed windows, the venue's way.
    const t = makeVenue({ limits: { weightPerMinute: 3, banBaseMs: 120_000 } }, Date.UTC(2026, 0, 5, 12, 0, 0));
    for (let i = 1; i <= 3; i++) {
      const ok = publicRest(t, '/api/v3/time');
      expect(ok.status).to.equal(200);
      expect(ok.headers['X-MBX-USED-WEIGHT-1M']).to.equal(String(i));
    }
    t.clock.advance(15_000);
    const limited = publicRest(t, '/api/v3/time');
    expect(limited.status).to.equal(429);
    expect(limited.json.code).to.equal(-1003);
    expect(limited.json.msg).to.match(/^Too much request weight used; current limit is 3 request weight per 1 MINUTE/);
    expect(limited.headers['Retry-After']).to.equal('45');
    // Going on before the retry time: banned for banBaseMs.
    t.clock.advance(1000);
    const banned = publicRest(t, '/api/v3/time');
    expect(banned.status).to.equal(418);
    const until = t.clock.nowMs() + 120_000;
    expect(banned.json).to.deep.equal({
      code: -1003,
      msg: `Way too much request weight used; IP banned until ${until}. Please use WebSocket Streams for live updates to avoid bans.`,
    });
    expect(banned.headers['Retry-After']).to.equal('120');
    // Another IP is not affected.
    expect(publicRest(t, '/api/v3/time', '', '10.9.9.9').status).to.equal(200);
    t.clock.runUntil(until - 1);
    expect(publicRest(t, '/api/v3/time').status).to.equal(418);
    t.clock.runUntil(until);
    expect(publicRest(t, '/api/v3/time').status).to.equal(200);
    // A repeat offender: the second ban is twice the first.
    t.clock.runUntil(Math.ceil(t.clock.nowMs() / MINUTE) * MINUTE);
    for (let i = 0; i < 3; i++) publicRest(t, '/api/v3/time');
    expect(publicRest(t, '/api/v3/time').status).to.equal(429);
    const second = publicRest(t, '/api/v3/time');
    expect(second.status).to.equal(418);
    expect(second.headers['Retry-After']).to.equal('240');
  });

  it('counts ORDERS per account in fixed 10 s windows: 429 -1015 over the limit, order-count headers, reset at the window edge', () => {
    const t = makeVenue({ limits: { ordersPer10s: 2 } }, Date.UTC(2026, 0, 5, 12, 0, 0));
    const order = (id: string) =>
      signedRest(t, 'POST', '/api/v3/order', { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.001', price: '50000', newClientOrderId: id });
    expect(order('a').headers).to.include({ 'X-MBX-ORDER-COUNT-10S': '1', 'X-MBX-ORDER-COUNT-1D': '1' });
    expect(order('b').headers['X-MBX-ORDER-COUNT-10S']).to.equal('2');
    t.clock.advance(4000);
    const over = order('c');
    expect(over.status).to.equal(429);
    expect(over.json).to.deep.equal({ code: -1015, msg: 'Too many new orders; current limit is 2 orders per 10 SECOND.' });
    expect(over.headers['Retry-After']).to.equal('6');
    // A status query meanwhile is fine; another order before the retry time is a ban.
    expect(signedRest(t, 'GET', '/api/v3/openOrders', { symbol: 'BTCUSDT' }).json).to.have.length(2);
    t.clock.advance(6000);
    const next = order('c');
    expect(next.status).to.equal(200);
    expect(next.headers).to.include({ 'X-MBX-ORDER-COUNT-10S': '1', 'X-MBX-ORDER-COUNT-1D': '3' });
  });

  it('bans an IP that keeps placing orders after an order 429', () => {
    const t = makeVenue({ limits: { ordersPer10s: 1 } }, Date.UTC(2026, 0, 5, 12, 0, 0));
    const order = (id: string) =>
      signedRest(t, 'POST', '/api/v3/order', { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.001', price: '50000', newClientOrderId: id });
    order('a');
    expect(order('b').status).to.equal(429);
    expect(order('c').status).to.equal(418);
  });

  it('answers over-limit WebSocket requests status 429 with error.data.retryAfter and rateLimits', () => {
    const t = makeVenue({ limits: { ordersPer10s: 1 } }, Date.UTC(2026, 0, 5, 12, 0, 3));
    const ws = wsSession(t);
    const params = { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.001', price: '50000' };
    const first = ws.call('order.place', hmacWsParams(t, { ...params, newClientOrderId: 'w1' }));
    expect(first.status).to.equal(200);
    expect(first.rateLimits).to.deep.equal([
      { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 1, count: 1 },
      { rateLimitType: 'ORDERS', interval: 'DAY', intervalNum: 1, limit: 160000, count: 1 },
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000, count: 3 },
    ]);
    const second = ws.call('order.place', hmacWsParams(t, { ...params, newClientOrderId: 'w2' }));
    expect(second.status).to.equal(429);
    expect(second.error).to.deep.equal({
      code: -1015,
      msg: 'Too many new orders; current limit is 1 orders per 10 SECOND.',
      data: { serverTime: t.clock.nowMs(), retryAfter: Date.UTC(2026, 0, 5, 12, 0, 10) },
    });
    expect(second.rateLimits).to.have.length(3);
    const third = ws.call('order.place', hmacWsParams(t, { ...params, newClientOrderId: 'w3' }));
    expect(third.status).to.equal(418);
    expect(third.error.data.retryAfter).to.equal(t.clock.nowMs() + 120_000);
    expect(ws.closes).to.deep.equal([[1008, 'IP banned']]);
  });
});
