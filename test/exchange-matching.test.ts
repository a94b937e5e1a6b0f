import { expect } from 'chai';
import { DOC_API_KEY, logonParams, makeVenue, signedRest, wsSession, type TestVenue } from './fixtures/exchange-venue.js';

const ORDER = '/api/v3/order';
const px = (ticks: number) => (ticks / 100).toFixed(2);
const qty = (steps: number) => (steps / 100_000).toFixed(5);

/** The synthetic book's levels as [ticks, steps]. */
function levels(t: TestVenue, side: 'BUY' | 'SELL') {
  return t.venue.engine.market('BTCUSDT').book.depth(side, 10);
}

function place(t: TestVenue, params: Record<string, string>) {
  return signedRest(t, 'POST', ORDER, { symbol: 'BTCUSDT', ...params });
}

/** A logged-on, subscribed session collecting executionReports. */
function reports(t: TestVenue) {
  const ws = wsSession(t);
  ws.call('session.logon', logonParams(t));
  expect(ws.call('userDataStream.subscribe').result).to.deep.equal({ subscriptionId: 0 });
  return () => ws.frames.filter((f) => f.event?.e === 'executionReport').map((f) => f.event);
}

describe('exchange-sim matching', () => {
  it('fills a marketable limit order across levels at each level price, best first, and leaves the rest of the last level', () => {
    const t = makeVenue();
    const asks = levels(t, 'SELL');
    const want = asks[0][1] + asks[1][1] + Math.floor(asks[2][1] / 2);
    const r = place(t, { side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: qty(want), price: px(asks[2][0]) });
    expect(r.status).to.equal(200);
    expect(r.json.status).to.equal('FILLED');
    expect(r.json.executedQty).to.equal(`${qty(want)}000`);
    expect(r.json.fills.map((f: any) => [f.price, f.qty])).to.deep.equal([
      [`${px(asks[0][0])}000000`, `${qty(asks[0][1])}000`],
      [`${px(asks[1][0])}000000`, `${qty(asks[1][1])}000`],
      [`${px(asks[2][0])}000000`, `${qty(Math.floor(asks[2][1] / 2))}000`],
    ]);
    const quote = (asks[0][0] * asks[0][1] + asks[1][0] * asks[1][1] + asks[2][0] * Math.floor(asks[2][1] / 2)) / 1e7;
    expect(Number(r.json.cummulativeQuoteQty)).to.be.closeTo(quote, 1e-6);
    expect(levels(t, 'SELL')[0]).to.deep.equal([asks[2][0], asks[2][1] - Math.floor(asks[2][1] / 2)]);
  });

  it('IOC takes what its limit reaches and expires the rest; FOK fills all or nothing', () => {
    const t = makeVenue();
    const asks = levels(t, 'SELL');
    const ioc = place(t, { side: 'BUY', type: 'LIMIT', timeInForce: 'IOC', quantity: qty(asks[0][1] + 5), price: px(asks[0][0]) });
    expect(ioc.json).to.include({ status: 'EXPIRED', executedQty: `${qty(asks[0][1])}000`, expiryReason: 'UNFILLED_IOC_QUANTITY_EXPIRED' });
    const next = levels(t, 'SELL');
    const fokShort = place(t, { side: 'BUY', type: 'LIMIT', timeInForce: 'FOK', quantity: qty(next[0][1] + 1), price: px(next[0][0]) });
    expect(fokShort.json).to.include({ status: 'EXPIRED', executedQty: '0.00000000' });
    expect(fokShort.json.fills).to.deep.equal([]);
    expect(levels(t, 'SELL')).to.deep.equal(next);
    const fok = place(t, { side: 'BUY', type: 'LIMIT', timeInForce: 'FOK', quantity: qty(next[0][1] + 1), price: px(next[1][0]) });
    expect(fok.json.status).to.equal('FILLED');
    expect(fok.json.fills).to.have.length(2);
  });

  it('fills MARKET orders by quantity across bid levels and by quote quantity', () => {
    const t = makeVenue();
    const bids = levels(t, 'BUY');
    const sell = place(t, { side: 'SELL', type: 'MARKET', quantity: qty(bids[0][1] + bids[1][1]) });
    expect(sell.json.status).to.equal('FILLED');
    expect(sell.json.fills.map((f: any) => f.price)).to.deep.equal([`${px(bids[0][0])}000000`, `${px(bids[1][0])}000000`]);
    expect(sell.json.fills[0].commissionAsset).to.equal('USDT');
    const buy = place(t, { side: 'BUY', type: 'MARKET', quoteOrderQty: '1000' });
    expect(buy.json.status).to.equal('FILLED');
    expect(Number(buy.json.cummulativeQuoteQty)).to.be.within(999, 1000);
    expect(buy.json.origQuoteOrderQty).to.equal('1000.00000000');
  });

  it('rests a limit order and fills it when the price path crosses it, as the maker, with executionReports', () => {
    const t = makeVenue();
    const events = reports(t);
    const r = place(t, { side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.05000', price: '59990.00', newClientOrderId: 'rest-1' });
    expect(r.json).to.include({ status: 'NEW', executedQty: '0.00000000' });
    expect(r.json.workingTime).to.equal(t.clock.nowMs());
    t.clock.advance(1000);
    t.venue.engine.moveMid('BTCUSDT', 59_989.995);
    const q = signedRest(t, 'GET', ORDER, { symbol: 'BTCUSDT', origClientOrderId: 'rest-1' });
    expect(q.json.status).to.equal('FILLED');
    expect(q.json.price).to.equal('59990.00000000');
    const ev = events();
    expect(ev.map((e) => `${e.x}/${e.X}`)).to.deep.equal(['NEW/NEW', ...ev.slice(1).map((e) => (e.X === 'FILLED' ? 'TRADE/FILLED' : 'TRADE/PARTIALLY_FILLED'))]);
    const trades = ev.filter((e) => e.x === 'TRADE');
    expect(trades.length).to.be.greaterThan(0);
    for (const e of trades) expect(e).to.include({ m: true, L: '59990.00000000', c: 'rest-1', i: r.json.orderId });
    expect(trades.at(-1)).to.include({ z: '0.05000000', X: 'FILLED' });
    expect(new Set(trades.map((e) => e.t)).size).to.equal(trades.length);
  });

  it('keeps time priority within a level: synthetic liquidity first, then a later client order; both sides of a client trade share a trade id', () => {
    const t = makeVenue();
    const events = reports(t);
    const [bestAsk] = levels(t, 'SELL');
    place(t, { side: 'SELL', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.01000', price: px(bestAsk[0]), newClientOrderId: 'maker-1' });
    const take = place(t, { side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: qty(bestAsk[1] + 1000), price: px(bestAsk[0]), newClientOrderId: 'taker-1' });
    expect(take.json.fills.map((f: any) => f.qty)).to.deep.equal([`${qty(bestAsk[1])}000`, '0.01000000']);
    const makerTrade = events().find((e) => e.c === 'maker-1' && e.x === 'TRADE');
    expect(makerTrade).to.include({ m: true, X: 'FILLED', t: take.json.fills[1].tradeId });
  });

  it('refuses a clientOrderId in use by an open order (-2010), takes it again once that order is gone, and records both', () => {
    const t = makeVenue();
    const params = { side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.01000', price: '59000.00', newClientOrderId: 'dup-1' };
    expect(place(t, params).status).to.equal(200);
    const dup = place(t, params);
    expect(dup.status).to.equal(400);
    expect(dup.json).to.deep.equal({ code: -2010, msg: 'Duplicate order sent.' });
    const cancel = signedRest(t, 'DELETE', ORDER, { symbol: 'BTCUSDT', origClientOrderId: 'dup-1' });
    expect(cancel.json).to.include({ status: 'CANCELED', origClientOrderId: 'dup-1' });
    expect(place(t, params).status).to.equal(200);
    const list = t.venue.ordersByClientId(DOC_API_KEY).get('dup-1')!;
    expect(list.map((o) => o.status)).to.deep.equal(['CANCELED', 'NEW']);
  });

  it('answers a cancel of an unknown or finished order -2011 and a query of an unknown one -2013', () => {
    const t = makeVenue();
    expect(signedRest(t, 'DELETE', ORDER, { symbol: 'BTCUSDT', orderId: 999 }).json).to.deep.equal({ code: -2011, msg: 'Unknown order sent.' });
    const filled = place(t, { side: 'BUY', type: 'MARKET', quantity: '0.00100' });
    expect(signedRest(t, 'DELETE', ORDER, { symbol: 'BTCUSDT', orderId: filled.json.orderId }).json.code).to.equal(-2011);
    expect(signedRest(t, 'GET', ORDER, { symbol: 'BTCUSDT', origClientOrderId: 'nope' }).json).to.deep.equal({ code: -2013, msg: 'Order does not exist.' });
  });

  it('applies PRICE_FILTER, LOT_SIZE and NOTIONAL (-1013), unknown symbols (-1121) and parameter rules (-1100/-1102/-1106/-1117)', () => {
    const t = makeVenue();
    const limit = { side: 'BUY', type: 'LIMIT', timeInForce: 'GTC' };
    expect(place(t, { ...limit, quantity: '0.01000', price: '59000.001' }).json).to.deep.equal({ code: -1013, msg: 'Filter failure: PRICE_FILTER' });
    expect(place(t, { ...limit, quantity: '0.010001', price: '59000' }).json).to.deep.equal({ code: -1013, msg: 'Filter failure: LOT_SIZE' });
    expect(place(t, { ...limit, quantity: '0.00001', price: '59000' }).json).to.deep.equal({ code: -1013, msg: 'Filter failure: NOTIONAL' });
    expect(signedRest(t, 'POST', ORDER, { symbol: 'NOPEUSDT', ...limit, quantity: '1', price: '1' }).json).to.deep.equal({ code: -1121, msg: 'Invalid symbol.' });
    expect(place(t, { ...limit, quantity: '0.01' }).json).to.deep.equal({ code: -1102, msg: "Mandatory parameter 'price' was not sent, was empty/null, or malformed." });
    expect(place(t, { ...limit, quantity: '0.01', price: '1e5' }).json.code).to.equal(-1100);
    expect(place(t, { side: 'BUY', type: 'MARKET', quantity: '0.01', price: '59000' }).json).to.deep.equal({ code: -1106, msg: "Parameter 'price' sent when not required." });
    expect(place(t, { side: 'UP', type: 'MARKET', quantity: '0.01' }).json).to.deep.equal({ code: -1117, msg: 'Invalid side.' });
    expect(place(t, { side: 'BUY', type: 'MARKET' }).json.code).to.equal(-1102);
    expect(place(t, { ...limit, quantity: '0.01', price: '59000', extra: '1' }).json.code).to.equal(-1104);
  });

  it('rejects a LIMIT_MAKER that would take and an order beyond the balance (-2010), with REJECTED reports', () => {
    const t = makeVenue({ startingQuoteValue: 1000 });
    const events = reports(t);
    const [bestAsk] = levels(t, 'SELL');
    expect(place(t, { side: 'BUY', type: 'LIMIT_MAKER', quantity: '0.01000', price: px(bestAsk[0]) }).json).to.deep.equal({
      code: -2010,
      msg: 'Order would immediately match and take.',
    });
    expect(place(t, { side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.10000', price: '50000' }).json).to.deep.equal({
      code: -2010,
      msg: 'Account has insufficient balance for requested action.',
    });
    expect(events().map((e) => `${e.x}/${e.X}/${e.r}`)).to.deep.equal(['REJECTED/REJECTED/WOULD_MATCH_IMMEDIATELY', 'REJECTED/REJECTED/INSUFFICIENT_BALANCES']);
    expect(t.venue.ordersByClientId(DOC_API_KEY).size).to.equal(0);
  });

  it('locks what a resting order may spend and returns it on cancel', () => {
    const t = makeVenue();
    const usdt = () => signedRest(t, 'GET', '/api/v3/account', {}).json.balances.find((b: any) => b.asset === 'USDT');
    const before = usdt();
    const r = place(t, { side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.10000', price: '50000.00' });
    expect(usdt().locked).to.equal('5000.00000000');
    signedRest(t, 'DELETE', ORDER, { symbol: 'BTCUSDT', orderId: r.json.orderId });
    expect(usdt()).to.deep.equal(before);
  });
});
