import { expect } from 'chai';
import { Prng } from '../core/random/prng.js';
import { hmacWsParams, makeVenue, signedRest, wsSession } from './fixtures/exchange-venue.js';

const PIECES = [
  'symbol', 'BTCUSDT', 'side', 'BUY', 'SELL', 'type', 'LIMIT', 'MARKET', 'LIMIT_MAKER', 'timeInForce', 'GTC', 'IOC', 'FOK',
  'quantity', 'price', 'quoteOrderQty', 'orderId', 'origClientOrderId', 'newClientOrderId', 'timestamp', 'recvWindow',
  'signature', 'apiKey', '=', '&', '%', '%E0%A4%A', '+', '..', '-1', '0', '1e308', 'NaN', '1.000000001', '99999999999999999999',
  '\u0000', '\uD800', '{', '}', '[', ']', '"', ':', ',', 'null', 'true', '__proto__', 'constructor', 'id', 'method', 'params',
];

function junk(rng: Prng): string {
  let s = '';
  const n = rng.below(12);
  for (let i = 0; i < n; i++) s += rng.next() < 0.8 ? PIECES[rng.below(PIECES.length)] : String.fromCharCode(rng.below(0x3000));
  return s;
}

function junkValue(rng: Prng, depth = 0): unknown {
  switch (rng.below(depth > 2 ? 5 : 7)) {
    case 0: return junk(rng);
    case 1: return rng.next() * 10 ** rng.below(25) * (rng.next() < 0.2 ? -1 : 1);
    case 2: return rng.next() < 0.5;
    case 3: return null;
    case 4: return PIECES[rng.below(PIECES.length)];
    case 5: return Array.from({ length: rng.below(4) }, () => junkValue(rng, depth + 1));
    default: return Object.fromEntries(Array.from({ length: rng.below(6) }, () => [PIECES[rng.below(PIECES.length)], junkValue(rng, depth + 1)]));
  }
}

describe('exchange-sim fuzz', () => {
  it('answers every random WebSocket frame with one well-formed response and never throws', () => {
    const t = makeVenue({ limits: { weightPerMinute: 1e9, ordersPer10s: 1e9 } });
    const ws = wsSession(t);
    const rng = new Prng(7);
    const methods = ['order.place', 'order.cancel', 'order.status', 'openOrders.status', 'depth', 'exchangeInfo', 'ticker.book', 'session.logon', 'userDataStream.subscribe', 'time'];
    for (let i = 0; i < 600; i++) {
      const before = ws.frames.length;
      const kind = rng.below(3);
      const frame =
        kind === 0
          ? junk(rng)
          : kind === 1
            ? JSON.stringify({ id: i, method: methods[rng.below(methods.length)], params: junkValue(rng) })
            : JSON.stringify({ id: i, method: methods[rng.below(methods.length)], params: hmacWsParams(t, junkValue(rng, 1) as Record<string, unknown>) });
      expect(() => ws.session.receive(frame)).to.not.throw();
      const answers = ws.frames.slice(before).filter((f) => 'status' in f);
      expect(answers, frame).to.have.length(1);
      const a = answers[0];
      expect(a.status === 200 ? a.result : a.error.code, frame).to.not.equal(undefined);
      if (a.status !== 200) expect(a.error.code, frame).to.not.equal(-1000);
    }
  });

  it('answers every random REST request with a JSON body and a 4xx (never a 5xx) and never throws', () => {
    const t = makeVenue({ limits: { weightPerMinute: 1e9, ordersPer10s: 1e9 } });
    const rng = new Prng(11);
    const paths = ['/api/v3/order', '/api/v3/openOrders', '/api/v3/depth', '/api/v3/exchangeInfo', '/api/v3/ticker/bookTicker', '/api/v3/account', '/x'];
    for (let i = 0; i < 600; i++) {
      const req = {
        method: ['GET', 'POST', 'DELETE', 'PUT'][rng.below(4)],
        path: paths[rng.below(paths.length)],
        query: junk(rng),
        body: junk(rng),
        headers: { 'x-mbx-apikey': rng.next() < 0.5 ? junk(rng) : 'vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A' },
        ip: '1.2.3.4',
      };
      let res: ReturnType<typeof t.venue.handleRest> | undefined;
      expect(() => (res = t.venue.handleRest(req))).to.not.throw();
      expect(() => JSON.parse(res!.body), JSON.stringify(req)).to.not.throw();
      expect(res!.status, JSON.stringify(req)).to.be.below(500);
    }
    const huge = t.venue.handleRest({ method: 'GET', path: '/api/v3/depth', query: `symbol=${'A'.repeat(70_000)}`, body: '', headers: {}, ip: '1.2.3.4' });
    expect(huge.status).to.equal(413);
    // Signed requests with random params reach the endpoints' own parsing.
    for (let i = 0; i < 200; i++) {
      const params = Object.fromEntries(Array.from({ length: rng.below(8) }, () => [PIECES[rng.below(PIECES.length)], junk(rng)]));
      const r = signedRest(t, ['POST', 'GET', 'DELETE'][rng.below(3)], '/api/v3/order', params);
      expect(r.status, JSON.stringify(params)).to.be.below(500);
    }
  });
});
