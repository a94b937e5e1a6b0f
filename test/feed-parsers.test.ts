import { expect } from 'chai';
import { Frame, FrameKind, MarketTick } from '../ipc/frame-layout.js';
import { createParser } from '../core/feed/create-parser.js';
import { REASON_NAMES, Reason } from '../core/feed/feed-stats.js';
import { SymbolMap, type Venue } from '../core/feed/symbol-map.js';
import { MessageKind, type VenueParser } from '../core/feed/venue-parser.js';

/**
 * Golden messages, copied from the venues' documentation:
 *   Binance: github.com/binance/binance-spot-api-docs web-socket-streams.md (Trade Streams,
 *            Individual Symbol Book Ticker Streams, Live Subscribing)
 *   Coinbase: docs.cdp.coinbase.com Advanced Trade WebSocket channels (ticker, heartbeats, subscriptions)
 *   Kraken: docs.kraken.com Spot WebSocket v2 (ticker, trade, status, heartbeat, ping)
 */
const BINANCE_BOOK_TICKER = `{
  "u":400900217,
  "s":"BNBUSDT",
  "b":"25.35190000",
  "B":"31.21000000",
  "a":"25.36520000",
  "A":"40.66000000"
}`;
const BINANCE_TRADE = `{
  "e": "trade",
  "E": 1672515782136,
  "s": "BNBBTC",
  "t": 12345,
  "p": "0.001",
  "q": "100",
  "T": 1672515782136,
  "m": true,
  "M": true
}`;
/** The 2023 edition of the trade payload, with buyer and seller order ids in "b" and "a". */
const BINANCE_TRADE_2023 = `{
  "e": "trade",
  "E": 1672515782136,
  "s": "BNBBTC",
  "t": 12345,
  "p": "0.001",
  "q": "100",
  "b": 88,
  "a": 50,
  "T": 1672515782136,
  "m": true,
  "M": true
}`;
const BINANCE_SUBSCRIBE_RESPONSE = `{
    "result": null,
    "id": 1
  }`;

const COINBASE_TICKER = `{
  "channel": "ticker",
  "client_id": "",
  "timestamp": "2023-02-09T20:30:37.167359596Z",
  "sequence_num": 0,
  "events": [
    {
      "type": "snapshot",
      "tickers": [
        {
          "type": "ticker",
          "product_id": "BTC-USD",
          "price": "21932.98",
          "volume_24_h": "16038.28770938",
          "low_24_h": "21835.29",
          "high_24_h": "23011.18",
          "low_52_w": "15460",
          "high_52_w": "48240",
          "price_percent_chg_24_h": "-4.15775596190603",
          "best_bid": "21931.98",
          "best_bid_quantity": "8000.21",
          "best_ask": "21933.98",
          "best_ask_quantity": "8038.07770938"
        }
      ]
    }
  ]
}`;
/** As printed in the documentation: note the trailing comma, which makes it invalid JSON. */
const COINBASE_HEARTBEATS_AS_DOCUMENTED = `{
  "channel": "heartbeats",
  "client_id": "",
  "timestamp": "2023-06-23T20:31:26.122969572Z",
  "sequence_num": 0,
  "events": [
    {
      "current_time": "2023-06-23 20:31:56.121961769 +0000 UTC m=+91717.525857105",
      "heartbeat_counter": "3049",
    }
  ]
}`;
const COINBASE_HEARTBEATS = COINBASE_HEARTBEATS_AS_DOCUMENTED.replace('"3049",', '"3049"');
const COINBASE_SUBSCRIPTIONS = `{"channel":"subscriptions","client_id":"","timestamp":"2023-02-09T20:29:49.753424311Z","sequence_num":0,"events":[{"subscriptions":{"ticker":["BTC-USD"]}}]}`;

const KRAKEN_TICKER = `{
    "channel": "ticker",
    "type": "snapshot",
    "data": [
        {
            "symbol": "ALGO/USD",
            "bid": 0.10025,
            "bid_qty": 740.0,
            "ask": 0.10036,
            "ask_qty": 1361.44813783,
            "last": 0.10035,
            "volume": 997038.98383185,
            "vwap": 0.10148,
            "low": 0.09979,
            "high": 0.10285,
            "change": -0.00017,
            "change_pct": -0.17
        }
    ]
}`;
const KRAKEN_TRADE = `{
    "channel": "trade",
    "type": "snapshot",
    "data": [
        {
            "symbol": "MATIC/USD",
            "side": "buy",
            "price": 0.5147,
            "qty": 6423.46326,
            "ord_type": "limit",
            "trade_id": 4665846,
            "timestamp": "2023-09-25T07:48:36.925533Z"
        },
        {
            "symbol": "MATIC/USD",
            "side": "buy",
            "price": 0.5147,
            "qty": 1136.19677815,
            "ord_type": "limit",
            "trade_id": 4665847,
            "timestamp": "2023-09-25T07:49:36.925603Z"
        }
    ]
}`;
const KRAKEN_STATUS = `{
    "channel": "status",
    "data": [
        {
            "api_version": "v2",
            "connection_id": 13834774380200032777,
            "system": "online",
            "version": "2.0.0"
        }
    ],
    "type": "update"
}`;
const KRAKEN_SUBSCRIBE_ACK = `{
    "method": "subscribe",
    "result": {
        "channel": "ticker",
        "snapshot": true,
        "symbol": "ALGO/USD"
    },
    "success": true,
    "time_in": "2023-09-25T09:04:31.742599Z",
    "time_out": "2023-09-25T09:04:31.742648Z"
}`;
const KRAKEN_PONG = `{
    "method": "pong",
    "req_id": 101,
    "time_in": "2023-09-24T14:10:23.799685Z",
    "time_out": "2023-09-24T14:10:23.799703Z"
}`;

const SYMBOLS: Record<Venue, string[]> = {
  binance: ['BNB/USDT', 'BNB/BTC'],
  coinbase: ['BTC/USD', 'ETH/USD'],
  kraken: ['ALGO/USD', 'MATIC/USD'],
};

function parserFor(venue: Venue): VenueParser {
  return createParser(venue, SymbolMap.fromList(venue, SYMBOLS[venue]));
}

function parse(p: VenueParser, text: string | Uint8Array): number {
  const b = typeof text === 'string' ? Buffer.from(text) : text;
  return p.parse(b, 0, b.length);
}

interface Tick {
  status: string;
  symbol?: number;
  bid?: number;
  ask?: number;
  last?: number;
  bidQty?: number;
  askQty?: number;
  exchSeq?: number;
}

function ticks(p: VenueParser): Tick[] {
  const out: Tick[] = [];
  const b = p.batch;
  for (let k = 0; k < b.count; k++) {
    if (b.status[k] !== Reason.OK) {
      out.push({ status: REASON_NAMES[b.status[k]] });
      continue;
    }
    const i = k * 16;
    const f = k * 8;
    expect(b.i32[i + Frame.kind]).to.equal(FrameKind.MarketTick);
    out.push({
      status: 'OK',
      symbol: b.i32[i + Frame.symbol],
      bid: b.f64[f + MarketTick.bid],
      ask: b.f64[f + MarketTick.ask],
      last: b.f64[f + MarketTick.last],
      bidQty: b.f64[f + MarketTick.bidQty],
      askQty: b.f64[f + MarketTick.askQty],
      exchSeq: b.f64[f + MarketTick.exchSeq],
    });
  }
  return out;
}

/** The reason for the whole message, or for its single tick. */
function outcome(venue: Venue, text: string): string {
  const p = parserFor(venue);
  const r = parse(p, text);
  if (r !== Reason.OK) return REASON_NAMES[r];
  return p.batch.count === 1 ? REASON_NAMES[p.batch.status[0]] : `OK(${p.batch.count})`;
}

describe('feed parsers: golden messages from the venues documentation', () => {
  it('binance bookTicker, raw and combined', () => {
    const p = parserFor('binance');
    const want = [{ status: 'OK', symbol: 0, bid: 25.3519, ask: 25.3652, last: NaN, bidQty: 31.21, askQty: 40.66, exchSeq: 400900217 }];
    expect(parse(p, BINANCE_BOOK_TICKER)).to.equal(Reason.OK);
    expect(p.kind).to.equal(MessageKind.Ticks);
    expect(ticks(p)).to.deep.equal(want);
    expect(parse(p, `{"stream":"bnbusdt@bookTicker","data":${BINANCE_BOOK_TICKER}}`)).to.equal(Reason.OK);
    expect(ticks(p)).to.deep.equal(want);
  });

  it('binance trade (2024 and 2023 editions): last = p, bid/ask NaN, exchSeq = t', () => {
    const p = parserFor('binance');
    for (const m of [BINANCE_TRADE, BINANCE_TRADE_2023, `{"stream":"bnbbtc@trade","data":${BINANCE_TRADE}}`]) {
      expect(parse(p, m)).to.equal(Reason.OK);
      expect(ticks(p)).to.deep.equal([{ status: 'OK', symbol: 1, bid: NaN, ask: NaN, last: 0.001, bidQty: NaN, askQty: NaN, exchSeq: 12345 }]);
    }
  });

  it('binance subscribe response and errors', () => {
    const p = parserFor('binance');
    expect(parse(p, BINANCE_SUBSCRIBE_RESPONSE)).to.equal(Reason.OK);
    expect(p.kind).to.equal(MessageKind.Ack);
    expect(parse(p, '{"error":{"code":2,"msg":"Invalid request: unknown variant"},"id":1}')).to.equal(Reason.VENUE_ERROR);
    expect(parse(p, '{"e":"24hrTicker","s":"BNBUSDT"}')).to.equal(Reason.UNKNOWN_MESSAGE);
  });

  it('coinbase ticker: last = price, exchSeq = sequence_num', () => {
    const p = parserFor('coinbase');
    expect(parse(p, COINBASE_TICKER)).to.equal(Reason.OK);
    expect(p.kind).to.equal(MessageKind.Ticks);
    expect(p.seq[0]).to.equal(0);
    expect(ticks(p)).to.deep.equal([
      { status: 'OK', symbol: 0, bid: 21931.98, ask: 21933.98, last: 21932.98, bidQty: 8000.21, askQty: 8038.07770938, exchSeq: 0 },
    ]);
  });

  it('coinbase heartbeats (the documented example has a trailing comma: malformed) and subscriptions', () => {
    const p = parserFor('coinbase');
    expect(parse(p, COINBASE_HEARTBEATS_AS_DOCUMENTED)).to.equal(Reason.MALFORMED);
    expect(parse(p, COINBASE_HEARTBEATS)).to.equal(Reason.OK);
    expect(p.kind).to.equal(MessageKind.Heartbeat);
    expect(p.seq[0]).to.equal(0);
    expect(parse(p, COINBASE_SUBSCRIPTIONS)).to.equal(Reason.OK);
    expect(p.kind).to.equal(MessageKind.Ack);
    expect(parse(p, '{"type":"error","message":"Failed to subscribe","reason":"XBT-USD is not a valid product"}')).to.equal(Reason.VENUE_ERROR);
  });

  it('coinbase: several events of several tickers become one tick each', () => {
    const p = parserFor('coinbase');
    const t = (pid: string, bid: string) =>
      `{"type":"ticker","product_id":"${pid}","price":"${bid}","best_bid":"${bid}","best_bid_quantity":"1","best_ask":"999","best_ask_quantity":"2"}`;
    const m = `{"channel":"ticker","sequence_num":7,"events":[{"type":"update","tickers":[${t('BTC-USD', '1')},${t('ETH-USD', '2')}]},{"type":"update","tickers":[${t('BTC-USD', '3')}]}]}`;
    expect(parse(p, m)).to.equal(Reason.OK);
    expect(ticks(p).map((x) => [x.symbol, x.bid, x.exchSeq])).to.deep.equal([
      [0, 1, 7],
      [1, 2, 7],
      [0, 3, 7],
    ]);
  });

  it('kraken ticker (JSON numbers, 740.0 included): exchSeq 0', () => {
    const p = parserFor('kraken');
    expect(parse(p, KRAKEN_TICKER)).to.equal(Reason.OK);
    expect(ticks(p)).to.deep.equal([
      { status: 'OK', symbol: 0, bid: 0.10025, ask: 0.10036, last: 0.10035, bidQty: 740, askQty: 1361.44813783, exchSeq: 0 },
    ]);
  });

  it('kraken trade with two trades: two ticks, exchSeq = trade_id', () => {
    const p = parserFor('kraken');
    expect(parse(p, KRAKEN_TRADE)).to.equal(Reason.OK);
    expect(ticks(p)).to.deep.equal([
      { status: 'OK', symbol: 1, bid: NaN, ask: NaN, last: 0.5147, bidQty: NaN, askQty: NaN, exchSeq: 4665846 },
      { status: 'OK', symbol: 1, bid: NaN, ask: NaN, last: 0.5147, bidQty: NaN, askQty: NaN, exchSeq: 4665847 },
    ]);
  });

  it('kraken status, heartbeat, subscribe ack, pong and refused subscription', () => {
    const p = parserFor('kraken');
    const kinds: [string, number][] = [
      [KRAKEN_STATUS, MessageKind.Info],
      ['{"channel":"heartbeat"}', MessageKind.Heartbeat],
      [KRAKEN_SUBSCRIBE_ACK, MessageKind.Ack],
      [KRAKEN_PONG, MessageKind.Pong],
    ];
    for (const [m, kind] of kinds) {
      expect(parse(p, m), m).to.equal(Reason.OK);
      expect(p.kind, m).to.equal(kind);
    }
    expect(parse(p, '{"error":"Currency pair not supported XBT/USD","method":"subscribe","success":false,"symbol":"XBT/USD"}')).to.equal(
      Reason.VENUE_ERROR,
    );
    expect(parse(p, '{"channel":"book","type":"update","data":[]}')).to.equal(Reason.UNKNOWN_MESSAGE);
  });
});

describe('feed parsers: structure', () => {
  it('accepts any key order, whitespace and unknown members, nested or not', () => {
    const p = parserFor('binance');
    const m = ` { "A" : "40.66" , "x":{"u":1,"s":[1,{"b":"9"}]}, "a":"25.3652",\n"B":"31.21","b":"25.3519","s":"BNBUSDT","u":400900217, "z":null } `;
    expect(parse(p, m)).to.equal(Reason.OK);
    expect(ticks(p)[0]).to.include({ status: 'OK', bid: 25.3519, ask: 25.3652, bidQty: 31.21, askQty: 40.66, exchSeq: 400900217 });
  });

  it('takes the last of repeated keys, as JSON.parse does', () => {
    const p = parserFor('kraken');
    const m = '{"channel":"trade","data":[{"symbol":"ALGO/USD","price":1,"qty":2,"trade_id":3}],"data":[{"symbol":"MATIC/USD","price":5,"price":6,"qty":2,"trade_id":4}]}';
    expect(parse(p, m)).to.equal(Reason.OK);
    expect(ticks(p).map((x) => [x.symbol, x.last, x.exchSeq])).to.deep.equal([[1, 6, 4]]);
  });

  it('reads messages larger than its fast-path scratch', () => {
    const p = parserFor('binance');
    const m = `{"x":"${'y'.repeat(100_000)}","u":1,"s":"BNBUSDT","b":"1.5","B":"1","a":"2.5","A":"1"}`;
    expect(parse(p, m)).to.equal(Reason.OK);
    expect(ticks(p)[0]).to.include({ status: 'OK', bid: 1.5, ask: 2.5 });
  });

  it('reads numbers bare or quoted, with signs, fractions and exponents', () => {
    const p = parserFor('binance');
    expect(parse(p, '{"u":"12","s":"BNBUSDT","b":2.5E1,"B":"3e-1","a":"0.26e2","A":1}')).to.equal(Reason.OK);
    expect(ticks(p)[0]).to.include({ bid: 25, bidQty: 0.3, ask: 26, askQty: 1, exchSeq: 12 });
  });

  it('gives the same ticks on its fast path (documented layout) and its general scanner', () => {
    const cases: [Venue, string][] = [
      ['binance', '{"u":400900217,"s":"BNBUSDT","b":"25.35190000","B":"31.21000000","a":"25.36520000","A":"40.66000000"}'],
      ['binance', '{"stream":"bnbbtc@trade","data":{"e":"trade","E":1,"s":"BNBBTC","t":12345,"p":"0.001","q":"100","T":1,"m":true,"M":true}}'],
      ['coinbase', JSON.stringify(JSON.parse(COINBASE_TICKER))],
      ['kraken', JSON.stringify(JSON.parse(KRAKEN_TICKER)).replace('740', '740.0')],
      ['kraken', JSON.stringify(JSON.parse(KRAKEN_TRADE))],
    ];
    for (const [venue, compact] of cases) {
      const p = parserFor(venue);
      expect(parse(p, compact), compact).to.equal(Reason.OK);
      const fast = ticks(p);
      expect(parse(p, ` ${compact}`)).to.equal(Reason.OK); // a leading space: not the documented layout
      expect(ticks(p)).to.deep.equal(fast);
    }
  });
});

describe('feed parsers: bad input is refused by reason, never thrown', () => {
  const book = (b: string, a = '"25.3652"', bq = '"31.21"', aq = '"40.66"', s = '"BNBUSDT"') =>
    `{"u":1,"s":${s},"b":${b},"B":${bq},"a":${a},"A":${aq}}`;
  const cases: [string, Venue, string][] = [
    ['MALFORMED', 'binance', 'not json'],
    ['MALFORMED', 'binance', '{"u":1,}'],
    ['MALFORMED', 'binance', `${book('"1"')} trailing`],
    ['TRUNCATED', 'binance', book('"25.3519"').slice(0, 30)],
    ['TRUNCATED', 'binance', ''],
    ['TOO_DEEP', 'binance', `{"x":${'['.repeat(200)}${']'.repeat(200)}}`],
    ['UNKNOWN_MESSAGE', 'binance', '[1,2,3]'],
    ['UNKNOWN_MESSAGE', 'binance', '{"x":1}'],
    ['NOT_FINITE', 'binance', book('"NaN"')],
    ['NOT_FINITE', 'binance', book('"Infinity"')],
    ['NOT_FINITE', 'binance', book('"1e999"')],
    ['NOT_FINITE', 'kraken', '{"channel":"ticker","data":[{"symbol":"ALGO/USD","bid":1e400,"bid_qty":1,"ask":2,"ask_qty":1,"last":1}]}'],
    ['BAD_NUMBER', 'binance', book('"abc"')],
    ['BAD_NUMBER', 'binance', book('"1.5.2"')],
    ['BAD_NUMBER', 'binance', book('" 25.35"')],
    ['BAD_NUMBER', 'binance', book('"0x19"')],
    ['BAD_NUMBER', 'binance', book('""')],
    ['WRONG_TYPE', 'binance', book('{"p":1}')],
    ['WRONG_TYPE', 'binance', book('null')],
    ['WRONG_TYPE', 'binance', book('true')],
    ['WRONG_TYPE', 'binance', book('"1"', '"2"', '"3"', '"4"', '42')],
    ['ESCAPED_STRING', 'binance', book('"2\\u0035"')],
    ['ESCAPED_STRING', 'binance', '{"\\u0075":1,"s":"BNBUSDT","b":"1","B":"1","a":"2","A":"1"}'],
    ['NON_POSITIVE_PRICE', 'binance', book('"-25.3519"')],
    ['NON_POSITIVE_PRICE', 'binance', book('"0"')],
    ['NON_POSITIVE_PRICE', 'binance', book('"-0"')],
    ['BAD_QUANTITY', 'binance', book('"25.3519"', '"25.3652"', '"-1"')],
    ['BAD_QUANTITY', 'binance', '{"e":"trade","s":"BNBBTC","t":1,"p":"1","q":"0"}'],
    ['ZERO_BOOK', 'binance', book('"25.3519"', '"25.3652"', '"0.00000000"')],
    ['CROSSED_BOOK', 'binance', book('"25.3652"', '"25.3519"')],
    ['CROSSED_BOOK', 'binance', book('"25.3519"', '"25.3519"')],
    ['UNKNOWN_SYMBOL', 'binance', book('"25.3519"', '"25.3652"', '"1"', '"1"', '"BTCUSDT"')],
    ['UNKNOWN_SYMBOL', 'binance', book('"25.3519"', '"25.3652"', '"1"', '"1"', '"bnbusdt"')],
    ['MISSING_FIELD', 'binance', '{"u":1,"s":"BNBUSDT","b":"1","B":"1","a":"2"}'],
    ['MISSING_FIELD', 'binance', '{"stream":"bnbusdt@bookTicker"}'],
    ['WRONG_TYPE', 'binance', '{"stream":"bnbusdt@bookTicker","data":[]}'],
    ['BAD_NUMBER', 'binance', '{"u":1.5,"s":"BNBUSDT","b":"1","B":"1","a":"2","A":"1"}'],
    ['BAD_NUMBER', 'coinbase', '{"channel":"ticker","sequence_num":-1,"events":[]}'],
    ['MISSING_FIELD', 'coinbase', '{"channel":"ticker","sequence_num":1}'],
    ['WRONG_TYPE', 'coinbase', '{"channel":"ticker","events":{}}'],
    ['WRONG_TYPE', 'coinbase', '{"channel":"ticker","events":[{"tickers":[1]}]}'],
    ['UNKNOWN_MESSAGE', 'coinbase', '{"channel":"level2","events":[]}'],
    ['MISSING_FIELD', 'kraken', '{"channel":"ticker","type":"update"}'],
    ['WRONG_TYPE', 'kraken', '{"channel":"trade","data":[null]}'],
    ['MISSING_FIELD', 'kraken', '{"channel":"trade","data":[{"symbol":"ALGO/USD","price":1,"qty":2}]}'],
    ['UNKNOWN_MESSAGE', 'kraken', '{"method":"ping"}'],
  ];
  for (const [want, venue, text] of cases) {
    it(`${venue} ${want}: ${text.length > 70 ? `${text.slice(0, 70)}...` : text}`, () => {
      expect(outcome(venue, text)).to.equal(want);
    });
  }

  it('refuses one bad ticker of a message and keeps the others', () => {
    const p = parserFor('kraken');
    const item = (sym: string, bid: string) => `{"symbol":"${sym}","bid":${bid},"bid_qty":1,"ask":2,"ask_qty":1,"last":1.5}`;
    const m = `{"channel":"ticker","data":[${item('ALGO/USD', '1')},${item('NOPE/USD', '1')},${item('MATIC/USD', '3')},${item('ALGO/USD', '1.9')}]}`;
    expect(parse(p, m)).to.equal(Reason.OK);
    expect(ticks(p).map((t) => t.status)).to.deep.equal(['OK', 'UNKNOWN_SYMBOL', 'CROSSED_BOOK', 'OK']);
  });

  it('counts tickers beyond the batch capacity as overflow', () => {
    const p = createParser('kraken', SymbolMap.fromList('kraken', ['ALGO/USD']), 2);
    const item = '{"symbol":"ALGO/USD","bid":1,"bid_qty":1,"ask":2,"ask_qty":1,"last":1.5}';
    expect(parse(p, `{"channel":"ticker","data":[${item},${item},${item},${item},${item}]}`)).to.equal(Reason.OK);
    expect(p.batch.count).to.equal(2);
    expect(p.batch.overflow).to.equal(3);
  });

  it('writes nothing into a refused tick', () => {
    const p = parserFor('binance');
    expect(parse(p, BINANCE_BOOK_TICKER)).to.equal(Reason.OK);
    const before = Array.from(p.batch.f64.subarray(0, 8));
    expect(parse(p, BINANCE_BOOK_TICKER.replace('"25.36520000"', '"1"'))).to.equal(Reason.OK);
    expect(p.batch.status[0]).to.equal(Reason.CROSSED_BOOK);
    expect(Array.from(p.batch.f64.subarray(0, 8))).to.deep.equal(before);
  });
});
