import { expect } from 'chai';
import pino from 'pino';
import { Writable } from 'node:stream';
import { backoffDelay } from '../core/feed/backoff.js';
import { FeedClient } from '../core/feed/feed-client.js';
import { parseFeedOptions, type FeedOptionsInput } from '../core/feed/feed-options.js';
import { FeedCounter, FeedStats, Reason } from '../core/feed/feed-stats.js';
import { SeqCheck, SeqStream, SequenceTracker } from '../core/feed/sequence-tracker.js';
import { subscribeMessages } from '../core/feed/venue-protocol.js';
import { RecordingSink } from './feed-recording-sink.js';

class FakeClock {
  ns = 1e12;
  nowNs(): number {
    return this.ns;
  }
  advanceMs(ms: number): void {
    this.ns += ms * 1e6;
  }
}

/** A pino logger writing its lines into an array. */
function memoryLogger(): { logger: pino.Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n')) if (l) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

function client(o: Partial<FeedOptionsInput> & Pick<FeedOptionsInput, 'venue'>, clock = new FakeClock()) {
  const sink = new RecordingSink();
  const { logger, lines } = memoryLogger();
  const c = new FeedClient(
    { url: 'ws://127.0.0.1:1/ws', subscribe: ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'], ...o },
    sink,
    { logger, clock },
  );
  const send = (text: string | Buffer, binary = false) => c.handleMessage(typeof text === 'string' ? Buffer.from(text) : text, binary);
  return { c, sink, clock, lines, send };
}

const bookTicker = (u: number, s = 'BTCUSDT', b = '100.5', a = '100.6') => `{"u":${u},"s":"${s}","b":"${b}","B":"1","a":"${a}","A":"2"}`;

describe('feed options', () => {
  it('fills defaults and accepts a minimal valid set', () => {
    const o = parseFeedOptions({ url: 'wss://stream.binance.com:9443/ws', venue: 'binance', subscribe: ['BTC/USDT'] });
    expect(o).to.include({ staleMs: 2000, maxPayload: 1024 * 1024, backoffBaseMs: 250, backoffCapMs: 30_000, seqCheck: 'contiguous' });
    expect(o.streams).to.deep.equal(['book', 'trade']);
  });

  it('refuses bad values, naming the field', () => {
    const bad: [unknown, RegExp][] = [
      [{ url: 'http://x', venue: 'binance', subscribe: ['BTC/USDT'] }, /url/],
      [{ url: 'ws://x', venue: 'bitmex', subscribe: ['BTC/USDT'] }, /venue/],
      [{ url: 'ws://x', venue: 'kraken', subscribe: ['btc-usd'] }, /subscribe/],
      [{ url: 'ws://x', venue: 'kraken', subscribe: ['BTC/USD', 'BTC/USD'] }, /distinct/],
      [{ url: 'ws://x', venue: 'kraken', subscribe: ['BTC/USD'], symbolIds: [1, 2] }, /symbolIds/],
      [{ url: 'ws://x', venue: 'kraken', subscribe: ['BTC/USD'], staleMs: 0 }, /staleMs/],
      [{ url: 'ws://x', venue: 'kraken', subscribe: ['BTC/USD'], backoffBaseMs: 500, backoffCapMs: 100 }, /backoffCapMs/],
      [{ url: 'ws://x', venue: 'binance', subscribe: Array.from({ length: 600 }, (_, k) => `S${k}/USDT`) }, /1024 streams/],
    ];
    for (const [input, field] of bad) expect(() => parseFeedOptions(input), JSON.stringify(input).slice(0, 80)).to.throw(field);
  });
});

describe('feed subscribe messages', () => {
  it('subscribes the way each venue documents it', () => {
    expect(subscribeMessages('binance', ['BTC/USDT', 'ETH/USDT'], ['book', 'trade'])).to.deep.equal([
      '{"method":"SUBSCRIBE","params":["btcusdt@bookTicker","btcusdt@trade","ethusdt@bookTicker","ethusdt@trade"],"id":1}',
    ]);
    expect(subscribeMessages('coinbase', ['BTC/USD'], ['book'])).to.deep.equal([
      '{"type":"subscribe","product_ids":["BTC-USD"],"channel":"ticker"}',
      '{"type":"subscribe","channel":"heartbeats"}',
    ]);
    expect(subscribeMessages('kraken', ['BTC/USD'], ['book', 'trade'])).to.deep.equal([
      '{"method":"subscribe","params":{"channel":"ticker","symbol":["BTC/USD"],"event_trigger":"bbo"},"req_id":1}',
      '{"method":"subscribe","params":{"channel":"trade","symbol":["BTC/USD"],"snapshot":false},"req_id":2}',
    ]);
  });
});

describe('feed reconnect backoff', () => {
  it('doubles from the base up to the cap, with half of it jittered', () => {
    expect(backoffDelay(0, 250, 30_000, 0)).to.equal(125);
    expect(backoffDelay(0, 250, 30_000, 1)).to.equal(250);
    expect(backoffDelay(3, 250, 30_000, 0.5)).to.equal(1500);
    expect(backoffDelay(20, 250, 30_000, 0)).to.equal(15_000);
    expect(backoffDelay(1000, 250, 30_000, 0.999)).to.be.lessThan(30_000);
  });
});

describe('feed sequence tracker', () => {
  const at = (x: number) => Float64Array.of(x);
  it('reports gaps and repeats per symbol and stream, and forgets on reset', () => {
    const t = new SequenceTracker(3, true);
    expect(t.checkSymbol(1, SeqStream.BOOK, at(10), 0)).to.equal(SeqCheck.OK);
    expect(t.checkSymbol(1, SeqStream.BOOK, at(11), 0)).to.equal(SeqCheck.OK);
    expect(t.checkSymbol(1, SeqStream.TRADE, at(500), 0)).to.equal(SeqCheck.OK); // another stream
    expect(t.checkSymbol(2, SeqStream.BOOK, at(3), 0)).to.equal(SeqCheck.OK); // another symbol
    expect(t.checkSymbol(1, SeqStream.BOOK, at(15), 0)).to.equal(SeqCheck.GAP);
    expect(Array.from(t.gap)).to.deep.equal([12, 15]);
    expect(t.checkSymbol(1, SeqStream.BOOK, at(15), 0)).to.equal(SeqCheck.OUT_OF_ORDER);
    expect(t.checkSymbol(1, SeqStream.BOOK, at(14), 0)).to.equal(SeqCheck.OUT_OF_ORDER);
    t.reset();
    expect(t.checkSymbol(1, SeqStream.BOOK, at(2), 0)).to.equal(SeqCheck.OK);
  });

  it('in monotonic mode only repeats and regressions count', () => {
    const t = new SequenceTracker(0, false);
    expect(t.checkConnection(at(1), 0)).to.equal(SeqCheck.OK);
    expect(t.checkConnection(at(9), 0)).to.equal(SeqCheck.OK);
    expect(t.checkConnection(at(9), 0)).to.equal(SeqCheck.OUT_OF_ORDER);
  });
});

describe('feed client message handling (no socket, fake clock)', () => {
  it('dispatches each accepted tick once, stamped with the receive time', () => {
    const { c, sink, clock, send } = client({ venue: 'binance' });
    send(bookTicker(1));
    clock.advanceMs(1);
    send('{"e":"trade","E":1,"s":"ETHUSDT","t":7,"p":"3000.5","q":"0.1","T":1,"m":false,"M":true}');
    expect(sink.ticks).to.deep.equal([
      { symbol: 0, time: 1e12, bid: 100.5, ask: 100.6, last: NaN, exchSeq: 1 },
      { symbol: 1, time: 1e12 + 1e6, bid: NaN, ask: NaN, last: 3000.5, exchSeq: 7 },
    ]);
    expect(c.stats.snapshot()).to.include({ messages: 2, ticks: 2, rejected: 0 });
  });

  it('uses the configured engine ids', () => {
    const { sink, send } = client({ venue: 'kraken', subscribe: ['BTC/USD', 'ETH/USD'], symbolIds: [40, 7] });
    send('{"channel":"ticker","data":[{"symbol":"ETH/USD","bid":1,"bid_qty":1,"ask":2,"ask_qty":1,"last":1.5}]}');
    expect(sink.ticks.map((t) => t.symbol)).to.deep.equal([7]);
  });

  it('counts every refusal by reason and never throws', () => {
    const { c, sink, send } = client({ venue: 'binance' });
    send(Buffer.from([0xff, 0x00, 0x7b]), true);
    send('{"u":1');
    send('nope');
    send(bookTicker(1, 'BTCUSDT', '"NaN"'.slice(1, -1)));
    send(bookTicker(2, 'DOGEUSDT'));
    send(bookTicker(3, 'BTCUSDT', '101', '100'));
    send('{"result":null,"id":1}');
    expect(sink.ticks).to.have.length(0);
    expect(c.stats.snapshot().rejects).to.deep.equal({
      BINARY_FRAME: 1,
      TRUNCATED: 1,
      MALFORMED: 1,
      NOT_FINITE: 1,
      UNKNOWN_SYMBOL: 1,
      CROSSED_BOOK: 1,
    });
    expect(c.stats.get(FeedCounter.controls)).to.equal(1);
  });

  it('counts Binance update-id gaps per symbol, and drops repeats', () => {
    const { c, sink, send } = client({ venue: 'binance' });
    send(bookTicker(100));
    send(bookTicker(101));
    send(bookTicker(105)); // 102..104 lost
    send(bookTicker(105)); // repeat
    send(bookTicker(1, 'ETHUSDT'));
    expect(sink.ticks.map((t) => t.exchSeq)).to.deep.equal([100, 101, 105, 1]);
    expect(c.stats.get(FeedCounter.gaps)).to.equal(1);
    expect(c.stats.rejects(Reason.OUT_OF_ORDER)).to.equal(1);
  });

  it('treats a monotonic-only sequence as gap-free (real Binance bookTicker u)', () => {
    const { c, send } = client({ venue: 'binance', seqCheck: 'monotonic' });
    send(bookTicker(100));
    send(bookTicker(150));
    expect(c.stats.get(FeedCounter.gaps)).to.equal(0);
  });

  it('counts Coinbase sequence_num gaps across channels, heartbeats included', () => {
    const { c, sink, send } = client({ venue: 'coinbase', subscribe: ['BTC/USD'] });
    const ticker = (seq: number) =>
      `{"channel":"ticker","sequence_num":${seq},"events":[{"type":"update","tickers":[{"product_id":"BTC-USD","price":"1.5","best_bid":"1","best_bid_quantity":"1","best_ask":"2","best_ask_quantity":"1"}]}]}`;
    send(ticker(0));
    send(`{"channel":"heartbeats","sequence_num":1,"events":[{"current_time":"x","heartbeat_counter":"1"}]}`);
    send(ticker(2));
    send(ticker(5));
    send(ticker(4)); // replayed: refused
    expect(sink.ticks.map((t) => t.exchSeq)).to.deep.equal([0, 2, 5]);
    expect(c.stats.snapshot()).to.include({ gaps: 1, heartbeats: 1 });
    expect(c.stats.rejects(Reason.OUT_OF_ORDER)).to.equal(1);
  });

  it('marks every symbol stale once the feed is silent for staleMs, and only what has ticked since on the next silence', () => {
    const { c, sink, clock, send } = client({ venue: 'binance', staleMs: 1000 });
    c.checkSilence(clock.ns); // at start: the feed has not been silent long
    send(bookTicker(1));
    clock.advanceMs(999);
    c.checkSilence(clock.ns);
    expect(sink.stale).to.deep.equal([]);
    clock.advanceMs(2);
    c.checkSilence(clock.ns);
    c.checkSilence(clock.ns + 5e9); // still silent: no repeat
    expect(sink.stale).to.deep.equal([0, 1, 2]);
    expect(c.stats.get(FeedCounter.staleEvents)).to.equal(1);
    send(bookTicker(2)); // BTC/USDT fresh again
    clock.advanceMs(1001);
    c.checkSilence(clock.ns);
    expect(sink.stale).to.deep.equal([0, 1, 2, 0]);
    expect(c.stats.get(FeedCounter.staleEvents)).to.equal(2);
  });

  it('heartbeats alone do not keep prices fresh', () => {
    const { c, sink, clock, send } = client({ venue: 'kraken', subscribe: ['BTC/USD'], staleMs: 100 });
    for (let k = 0; k < 5; k++) {
      clock.advanceMs(50);
      send('{"channel":"heartbeat"}');
      c.checkSilence(clock.ns);
    }
    expect(sink.stale).to.deep.equal([0]);
    expect(c.stats.get(FeedCounter.heartbeats)).to.equal(5);
  });

  it('logs refusals at a limited rate, with a sample and how many went unlogged', () => {
    const { lines, clock, send } = client({ venue: 'binance', logIntervalMs: 1000 });
    for (let k = 0; k < 50; k++) send(`garbage ${k}`);
    clock.advanceMs(1001);
    send('garbage last');
    const refused = lines.filter((l) => l.msg === 'feed input refused');
    expect(refused.map((l) => [l.reason, l.suppressed, l.sample])).to.deep.equal([
      ['MALFORMED', 0, 'garbage 0'],
      ['MALFORMED', 49, 'garbage last'],
    ]);
  });

  it('fills counters in a caller-provided SharedArrayBuffer', () => {
    const sab = new SharedArrayBuffer(4096);
    const stats = new FeedStats(sab, 64);
    const c = new FeedClient({ url: 'ws://127.0.0.1:1/ws', venue: 'binance', subscribe: ['BTC/USDT'] }, new RecordingSink(), {
      stats,
      logger: pino({ level: 'silent' }),
      clock: new FakeClock(),
    });
    c.handleMessage(Buffer.from(bookTicker(1)), false);
    expect(new Float64Array(sab, 64)[FeedCounter.ticks]).to.equal(1);
  });
});
