import { expect } from 'chai';
import { SimScheduler } from '../core/clock/scheduler.js';
import { MessagePipe } from '../sim/exchange/message-pipe.js';
import { PERFECT_NETWORK, type MessageFate, type NetworkConditions } from '../sim/network/conditions.js';
import { MemoryLink } from '../sim/network/memory-link.js';
import { NetworkModel } from '../sim/network/network-model.js';
import { DOC_API_KEY, hmacWsParams, makeVenue, signedRest } from './fixtures/exchange-venue.js';

describe('exchange-sim network hook', () => {
  it('delivers at once on the perfect network, later with delay, never out of order, and drops lost messages', () => {
    const clock = new SimScheduler(0);
    const got: string[] = [];
    new MessagePipe(clock, PERFECT_NETWORK.toClient, (t) => got.push(t)).push('now');
    expect(got).to.deep.equal(['now']);
    const fates: MessageFate[] = [
      { delayMs: 50, lost: false },
      { delayMs: 10, lost: false },
      { delayMs: 5, lost: true },
      { delayMs: 70, lost: false },
    ];
    const seen: [string, number][] = [];
    const pipe = new MessagePipe(clock, () => fates.shift()!, (t) => seen.push([t, clock.nowMs()]));
    for (const m of ['a', 'b', 'c', 'd']) pipe.push(m);
    clock.advance(49);
    expect(seen).to.deep.equal([]);
    clock.advance(100);
    // b drew 10 ms but waits behind a (TCP order); c was lost.
    expect(seen).to.deep.equal([['a', 50], ['b', 50], ['d', 70]]);
    pipe.close();
    pipe.push('after close');
    clock.advance(1000);
    expect(seen).to.have.length(3);
  });

  it('delivers on each timer even when the clock reads a little before the due time (wall-clock timers do)', () => {
    const sim = new SimScheduler(0);
    let skew = 0;
    const early = { nowMs: () => sim.nowMs() - skew, after: sim.after.bind(sim), cancel: sim.cancel.bind(sim) };
    const seen: string[] = [];
    const pipe = new MessagePipe(early, () => ({ delayMs: 10, lost: false }), (t) => seen.push(t));
    pipe.push('a');
    pipe.push('b');
    skew = 0.5;
    sim.advance(20);
    expect(seen).to.deep.equal(['a', 'b']);
  });

  it('answers order requests 503 -1007 in degraded mode, having executed some of them and not others', () => {
    const t = makeVenue({ degradedExecuteProbability: 0.5 });
    let degraded = true;
    const net: NetworkConditions = { ...PERFECT_NETWORK, degraded: () => degraded };
    t.venue.network = net;
    const answers = Array.from({ length: 20 }, (_, i) =>
      signedRest(t, 'POST', '/api/v3/order', { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.001', price: '50000', newClientOrderId: `d-${i}` }),
    );
    for (const a of answers) {
      expect(a.status).to.equal(503);
      expect(a.json).to.deep.equal({ code: -1007, msg: 'Timeout waiting for response from backend server. Send status unknown; execution status unknown.' });
    }
    const executed = t.venue.ordersByClientId(DOC_API_KEY).size;
    expect(executed).to.be.within(3, 17);
    // Queries still work and tell the truth; once the venue recovers, orders are answered again.
    const known = [...t.venue.ordersByClientId(DOC_API_KEY).keys()][0];
    expect(signedRest(t, 'GET', '/api/v3/order', { symbol: 'BTCUSDT', origClientOrderId: known }).json.status).to.equal('NEW');
    degraded = false;
    expect(signedRest(t, 'POST', '/api/v3/order', { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.001', price: '50000', newClientOrderId: known }).json).to.deep.equal({
      code: -2010,
      msg: 'Duplicate order sent.',
    });
  });
});

describe('exchange-sim behind the in-memory link', () => {
  it('trades through MemoryLink on simulated time under a network profile, and an outage drops the session', () => {
    const t = makeVenue();
    const model = new NetworkModel(t.clock, { profile: 'average', seed: 3 });
    t.venue.network = model;
    const link = new MemoryLink(t.clock, model, t.venue, { ip: '10.0.0.9' });
    const got: any[] = [];
    const closes: number[] = [];
    link.onMessage = (text) => got.push(JSON.parse(text));
    link.onClose = (code) => closes.push(code);
    link.connect();
    t.clock.advance(1000);
    link.send(JSON.stringify({ id: 'a', method: 'order.place', params: hmacWsParams(t, { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.001', newClientOrderId: 'link-1' }) }));
    t.clock.advance(2000);
    const venueSaw = t.venue.ordersByClientId(DOC_API_KEY).has('link-1');
    const answer = got.find((m) => m.id === 'a');
    // Average loses 1 % each way; with this seed neither the request nor its answer is lost.
    expect(venueSaw).to.equal(true);
    expect(answer.result.status).to.equal('FILLED');
    model.scheduleOutage(t.clock.nowMs() + 10, 5000);
    t.clock.advance(100);
    expect(closes).to.deep.equal([1006]);
  });
});
