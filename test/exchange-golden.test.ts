/**
 * Golden request/response messages for every endpoint of the simulator, on
 * simulated time with a still price path, so each byte is reproducible:
 * test/fixtures/exchange-golden.json holds the requests as a client sends
 * them and the answers as the venue gave them (reviewed against the venue
 * docs when recorded; UPDATE_GOLDEN=1 records again). Separately, each
 * answer's field names are checked against the docs' own examples, so a
 * golden file cannot quietly drift from the specification.
 */
import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { hmacHex } from '../sim/exchange/signature.js';
import { DOC_API_KEY, DOC_SECRET, hmacWsParams, logonParams, makeVenue, wsSession } from './fixtures/exchange-venue.js';

const FILE = fileURLToPath(new URL('../../test/fixtures/exchange-golden.json', import.meta.url));

interface Golden {
  rest: { request: { method: string; path: string; query: string }; status: number; headers: Record<string, string>; body: unknown }[];
  ws: { send: unknown; receive: unknown[] }[];
}

function record(): Golden {
  const t = makeVenue();
  const rest: Golden['rest'] = [];
  const call = (method: string, path: string, params: string, signed: boolean) => {
    const query = signed ? `${params}${params ? '&' : ''}timestamp=${t.clock.nowMs()}` : params;
    const q = signed ? `${query}&signature=${hmacHex(DOC_SECRET, query)}` : query;
    const res = t.venue.handleRest({ method, path, query: q, body: '', headers: signed ? { 'x-mbx-apikey': DOC_API_KEY } : {}, ip: '10.0.0.1' });
    rest.push({ request: { method, path, query: q }, status: res.status, headers: res.headers, body: JSON.parse(res.body) });
  };
  call('GET', '/api/v3/time', '', false);
  call('GET', '/api/v3/depth', 'symbol=BTCUSDT&limit=2', false);
  call('GET', '/api/v3/ticker/bookTicker', 'symbol=BTCUSDT', false);
  call('GET', '/api/v3/exchangeInfo', 'symbol=BTCUSDT', false);
  call('POST', '/api/v3/order', 'symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.01&price=59000&newClientOrderId=g-1', true);
  call('POST', '/api/v3/order', 'symbol=BTCUSDT&side=SELL&type=MARKET&quantity=0.002&newClientOrderId=g-2', true);
  call('POST', '/api/v3/order', 'symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=IOC&quantity=1&price=60000.01&newClientOrderId=g-3&newOrderRespType=RESULT', true);
  call('GET', '/api/v3/order', 'symbol=BTCUSDT&origClientOrderId=g-1', true);
  call('GET', '/api/v3/openOrders', 'symbol=BTCUSDT', true);
  call('DELETE', '/api/v3/order', 'symbol=BTCUSDT&origClientOrderId=g-1&newClientOrderId=g-1-cancel', true);
  call('DELETE', '/api/v3/order', 'symbol=BTCUSDT&origClientOrderId=g-1', true);
  call('GET', '/api/v3/account', 'omitZeroBalances=true', true);

  const ws: Golden['ws'] = [];
  const s = wsSession(t, '10.0.0.2');
  let id = 0;
  const send = (method: string, params?: Record<string, unknown>) => {
    const frame = params === undefined ? { id: `g${++id}`, method } : { id: `g${++id}`, method, params };
    const before = s.frames.length;
    s.session.receive(JSON.stringify(frame));
    ws.push({ send: frame, receive: s.frames.slice(before) });
  };
  send('session.logon', logonParams(t));
  send('userDataStream.subscribe');
  send('time');
  send('depth', { symbol: 'ETHUSDT', limit: 1 });
  send('ticker.book', { symbol: 'ETHUSDT' });
  send('order.place', { symbol: 'ETHUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.5', price: '2990', newClientOrderId: 'w-1', timestamp: t.clock.nowMs() });
  send('order.place', hmacWsParams(t, { symbol: 'ETHUSDT', side: 'SELL', type: 'MARKET', quantity: '0.01', newClientOrderId: 'w-2' }));
  send('order.status', { symbol: 'ETHUSDT', origClientOrderId: 'w-1', timestamp: t.clock.nowMs() });
  send('openOrders.status', { symbol: 'ETHUSDT', timestamp: t.clock.nowMs() });
  send('order.cancel', { symbol: 'ETHUSDT', origClientOrderId: 'w-1', newClientOrderId: 'w-1-cancel', timestamp: t.clock.nowMs() });
  send('session.status');
  return { rest, ws };
}

const keysOf = (o: unknown) => Object.keys(o as object).sort();

describe('exchange-sim golden messages', () => {
  const now = record();
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(FILE, JSON.stringify(now, null, 2) + '\n');
  const golden = JSON.parse(readFileSync(FILE, 'utf8')) as Golden;

  it('answers every REST endpoint exactly as recorded', () => {
    expect(now.rest.length).to.equal(golden.rest.length);
    for (let i = 0; i < golden.rest.length; i++) expect(now.rest[i], JSON.stringify(golden.rest[i].request)).to.deep.equal(golden.rest[i]);
  });

  it('answers every WebSocket API method exactly as recorded', () => {
    expect(now.ws.length).to.equal(golden.ws.length);
    for (let i = 0; i < golden.ws.length; i++) expect(now.ws[i], JSON.stringify(golden.ws[i].send)).to.deep.equal(golden.ws[i]);
  });

  it('uses the field names of the venue docs examples', () => {
    const [time, depth, ticker, info, limit, market, result, query, open, cancel, unknown, account] = golden.rest.map((r) => r.body as any);
    expect(keysOf(time)).to.deep.equal(['serverTime']);
    expect(keysOf(depth)).to.deep.equal(['asks', 'bids', 'lastUpdateId']);
    expect(keysOf(ticker)).to.deep.equal(['askPrice', 'askQty', 'bidPrice', 'bidQty', 'symbol']);
    expect(keysOf(info)).to.deep.equal(['exchangeFilters', 'rateLimits', 'serverTime', 'symbols', 'timezone']);
    expect(info.symbols[0].filters.map((f: any) => f.filterType)).to.deep.equal(['PRICE_FILTER', 'LOT_SIZE', 'NOTIONAL']);
    // rest-api.md "Response - FULL" / "Response - RESULT".
    const resultKeys = ['clientOrderId', 'cummulativeQuoteQty', 'executedQty', 'orderId', 'orderListId', 'origQty', 'origQuoteOrderQty', 'price', 'selfTradePreventionMode', 'side', 'status', 'symbol', 'timeInForce', 'transactTime', 'type', 'workingTime'];
    expect(keysOf(limit)).to.deep.equal([...resultKeys, 'fills'].sort());
    expect(keysOf(market.fills[0])).to.deep.equal(['commission', 'commissionAsset', 'price', 'qty', 'tradeId']);
    expect(keysOf(result)).to.deep.equal([...resultKeys, 'expiryReason'].sort());
    // "Query order": its documented fields.
    const queryKeys = ['clientOrderId', 'cummulativeQuoteQty', 'executedQty', 'icebergQty', 'isWorking', 'orderId', 'orderListId', 'origQty', 'origQuoteOrderQty', 'price', 'selfTradePreventionMode', 'side', 'status', 'stopPrice', 'symbol', 'time', 'timeInForce', 'type', 'updateTime', 'workingTime'];
    expect(keysOf(query)).to.deep.equal(queryKeys);
    expect(keysOf(open[0])).to.deep.equal(queryKeys);
    expect(keysOf(cancel)).to.deep.equal(['clientOrderId', 'cummulativeQuoteQty', 'executedQty', 'orderId', 'orderListId', 'origClientOrderId', 'origQty', 'origQuoteOrderQty', 'price', 'selfTradePreventionMode', 'side', 'status', 'symbol', 'timeInForce', 'transactTime', 'type']);
    expect(unknown).to.deep.equal({ code: -2011, msg: 'Unknown order sent.' });
    expect(keysOf(account)).to.include.members(['balances', 'canTrade', 'commissionRates', 'makerCommission', 'permissions', 'updateTime', 'accountType']);
    // user-data-stream.md "Order Update": every field of the example but the STP-only `v`.
    const report = golden.ws.flatMap((w) => w.receive as any[]).find((f) => f.event?.e === 'executionReport').event;
    expect(keysOf(report)).to.deep.equal(
      ['e', 'E', 's', 'c', 'S', 'o', 'f', 'q', 'p', 'P', 'F', 'g', 'C', 'x', 'X', 'r', 'i', 'l', 'z', 'L', 'n', 'N', 'T', 't', 'I', 'w', 'm', 'M', 'O', 'Z', 'Y', 'Q', 'W', 'V'].sort(),
    );
  });
});
