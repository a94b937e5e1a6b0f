/**
 * The simulator's transports under network conditions, on real sockets:
 * an outage refuses new connections and drops open ones, a lost request is
 * never seen by the venue, a lost answer leaves the venue's action done, and
 * an oversized frame closes the connection (1009).
 */
import { expect } from 'chai';
import { WebSocket } from 'ws';
import { RealScheduler } from '../../core/clock/scheduler.js';
import type { NetworkConditions } from '../../sim/network/conditions.js';
import { ExchangeSimServer } from '../../sim/exchange/server.js';
import { hmacHex } from '../../sim/exchange/signature.js';
import { symbolFor, VenueOptionsSchema } from '../../sim/exchange/sim-options.js';
import { ExchangeVenue } from '../../sim/exchange/venue.js';

const KEY = { apiKey: 'netTestKey000001', secretKey: 'netTestSecret-0123456789' };

describe('exchange-sim transports under network conditions', function () {
  this.timeout(30_000);
  const state = { down: false, loseToVenue: false, loseToClient: false };
  const net: NetworkConditions = {
    toVenue: () => ({ delayMs: 5, lost: state.loseToVenue }),
    toClient: () => ({ delayMs: 5, lost: state.loseToClient }),
    down: () => state.down,
    degraded: () => false,
  };
  let server: ExchangeSimServer;

  before(async () => {
    const options = VenueOptionsSchema.parse({ symbols: [symbolFor('BTCUSDT', 60_000)], keys: [KEY], volatility: 0, maxMessageBytes: 4096 });
    server = await ExchangeSimServer.start(new ExchangeVenue(options, new RealScheduler(), net));
  });

  after(async () => {
    await server.close();
  });

  const order = (id: string) => {
    const q = `symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.01&price=50000&newClientOrderId=${id}&timestamp=${Date.now()}`;
    return fetch(server.url(`/api/v3/order?${q}&signature=${hmacHex(KEY.secretKey, q)}`), { method: 'POST', headers: { 'X-MBX-APIKEY': KEY.apiKey } });
  };

  it('loses a request before the venue and an answer after it', async () => {
    state.loseToVenue = true;
    await order('lost-in').then(() => expect.fail('answered'), () => undefined);
    state.loseToVenue = false;
    state.loseToClient = true;
    await order('lost-out').then(() => expect.fail('answered'), () => undefined);
    state.loseToClient = false;
    const seen = server.venue.ordersByClientId(KEY.apiKey);
    expect([...seen.keys()]).to.deep.equal(['lost-out']);
    expect((await order('fine')).status).to.equal(200);
  });

  it('drops open WebSocket connections during an outage and refuses new ones until it ends', async () => {
    const ws = new WebSocket(server.wsUrl());
    await new Promise((r, j) => ws.once('open', r).once('error', j));
    const closed = new Promise((r) => ws.once('close', r));
    state.down = true;
    await closed;
    const refused = new WebSocket(server.wsUrl());
    await new Promise((resolve) => refused.once('error', resolve));
    await fetch(server.url('/api/v3/time')).then(() => expect.fail('answered'), () => undefined);
    state.down = false;
    const again = new WebSocket(server.wsUrl());
    await new Promise((r, j) => again.once('open', r).once('error', j));
    const answer = new Promise<any>((r) => again.once('message', (d) => r(JSON.parse(d.toString()))));
    again.send(JSON.stringify({ id: 1, method: 'time' }));
    expect((await answer).status).to.equal(200);
    const code = new Promise((r) => again.once('close', (c) => r(c)));
    again.send(JSON.stringify({ id: 2, method: 'time', params: { pad: 'x'.repeat(5000) } }));
    expect(await code).to.equal(1009);
  });
});
