import { expect } from 'chai';
import pino from 'pino';
import { Writable } from 'node:stream';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { backoffDelay, permanentFailure } from '../core/feed/backoff.js';
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

describe('feed client: refused subscriptions, failed connections, freshness', function () {
  this.timeout(20_000);

  function watched(o: Partial<FeedOptionsInput> & Pick<FeedOptionsInput, 'venue' | 'subscribe'>) {
    const { logger, lines } = memoryLogger();
    const fatal: string[] = [];
    const c = new FeedClient({ url: 'ws://127.0.0.1:1/', ...o }, new RecordingSink(), { logger, clock: new FakeClock(), onFatal: (r) => fatal.push(r) });
    return { c, lines, fatal, send: (text: string) => c.handleMessage(Buffer.from(text), false) };
  }

  async function until(what: string, pred: () => boolean): Promise<void> {
    // A deadline for something that never happens, not a speed bar.
    for (let i = 0; i < 1000 && !pred(); i++) await new Promise((r) => setTimeout(r, 10));
    if (!pred()) throw new Error(`not within 10 s: ${what}`);
  }

  const listening = (srv: Server | WebSocketServer) => new Promise<number>((r) => srv.once('listening', () => r((srv.address() as AddressInfo).port)));

  it('tells permanent connection failures from passing ones', () => {
    const permanent = ['Unexpected server response: 404', 'Unexpected server response: 401', 'Unexpected server response: 403', 'Unexpected server response: 200'];
    for (const m of permanent) expect(permanentFailure(new Error(m)), m).to.equal(true);
    for (const code of ['ENOTFOUND', 'EPROTO', 'ERR_SSL_WRONG_VERSION_NUMBER', 'DEPTH_ZERO_SELF_SIGNED_CERT']) expect(permanentFailure({ message: 'x', code }), code).to.equal(true);
    const passing = ['Unexpected server response: 503', 'Unexpected server response: 429', 'Unexpected server response: 408'];
    for (const m of passing) expect(permanentFailure(new Error(m)), m).to.equal(false);
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN', undefined]) expect(permanentFailure({ message: 'x', code }), String(code)).to.equal(false);
  });

  it('a refused subscription is an error line naming the symbol and the reason; every symbol refused is fatal', () => {
    const { c, lines, fatal, send } = watched({ venue: 'coinbase', subscribe: ['BTC/USD', 'ETH/USD'] });
    send('{"type":"error","message":"Failed to subscribe","reason":"BTC-USD is not a valid product"}');
    expect(lines).to.have.length(1);
    expect(lines[0]).to.include({ level: 50, symbol: 'BTC/USD', reason: 'BTC-USD is not a valid product', msg: 'feed subscription refused: BTC/USD (coinbase: BTC-USD is not a valid product)' });
    expect(fatal).to.deep.equal([]);
    send('{"type":"error","message":"Failed to subscribe","reason":"ETH-USD is not a valid product"}');
    expect(lines).to.have.length(2);
    expect(fatal).to.deep.equal(['feed ws://127.0.0.1:1/: coinbase refused every subscription (ETH-USD is not a valid product)']);
    expect(c.state).to.equal('stopped');
    expect(c.stats.snapshot().rejects).to.deep.include({ VENUE_ERROR: 2 });
  });

  it('kraken: a refusal names its symbol; the others keep the feed going', () => {
    const { lines, fatal, send } = watched({ venue: 'kraken', subscribe: ['BTC/USD', 'NOPE/USD'] });
    send('{"error":"Currency pair not supported NOPE/USD","method":"subscribe","success":false,"symbol":"NOPE/USD","req_id":1}');
    expect(lines.map((l) => [l.level, l.symbol])).to.deep.equal([[50, 'NOPE/USD']]);
    expect(fatal).to.deep.equal([]);
  });

  it('logs once at info when a stale feed ticks again', () => {
    const { c, sink, clock, lines, send } = client({ venue: 'binance', staleMs: 100 });
    send(bookTicker(1));
    clock.advanceMs(150);
    c.checkSilence(clock.nowNs());
    expect(sink.stale.length).to.be.greaterThan(0);
    clock.advanceMs(50);
    send(bookTicker(2));
    send(bookTicker(3));
    expect(lines.map((l) => [l.level, l.msg])).to.deep.equal([
      [40, 'feed silent: reference prices stale'],
      [30, 'feed ticking again: reference prices fresh'],
    ]);
    expect(lines[1].silentMs).to.equal(200);
  });

  it('a 404 is one error line and a fatal stop, not retried', async () => {
    const http = createServer((_q, r) => r.writeHead(404).end()).listen(0, '127.0.0.1');
    const port = await listening(http);
    const { c, lines, fatal } = watched({ venue: 'binance', subscribe: ['BTC/USDT'], url: `ws://127.0.0.1:${port}/nope`, backoffBaseMs: 1, backoffCapMs: 1 });
    try {
      c.start();
      await until('the fatal stop', () => fatal.length > 0);
      await new Promise((r) => setTimeout(r, 50)); // room for a retry that must not come
      expect(fatal).to.deep.equal([`feed ws://127.0.0.1:${port}/nope: Unexpected server response: 404`]);
      expect(lines.map((l) => l.level)).to.deep.equal([50]);
      expect(c.state).to.equal('stopped');
    } finally {
      await c.stop();
      http.close();
    }
  });

  it('TLS spoken to a plain ws server is fatal at once', async () => {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    const port = await listening(wss);
    const { c, lines, fatal } = watched({ venue: 'binance', subscribe: ['BTC/USDT'], url: `wss://127.0.0.1:${port}/ws` });
    try {
      c.start();
      await until('the fatal stop', () => fatal.length > 0);
      expect(lines.map((l) => [l.level, l.code])).to.deep.equal([[50, 'EPROTO']]);
    } finally {
      await c.stop();
      wss.close();
    }
  });

  it('a refused connection is retried with one warn line per attempt, and its return is logged', async () => {
    const probe = createServer().listen(0, '127.0.0.1');
    const port = await listening(probe);
    await new Promise((r) => probe.close(r));
    const { c, lines, fatal } = watched({ venue: 'binance', subscribe: ['BTC/USDT'], url: `ws://127.0.0.1:${port}/ws`, backoffBaseMs: 20, backoffCapMs: 20 });
    let wss: WebSocketServer | undefined;
    try {
      c.start();
      await until('two failed attempts', () => lines.length >= 2);
      wss = new WebSocketServer({ port, host: '127.0.0.1' });
      await until('the reconnection', () => lines.some((l) => l.msg === 'feed reconnected, subscribing'));
      const failed = lines.filter((l) => l.msg === 'feed connection failed');
      expect(failed.length).to.be.at.least(2);
      expect(failed.every((l) => l.level === 40 && l.errCode === 'ECONNREFUSED')).to.equal(true);
      // Nothing but one line per failed attempt, then the return.
      expect(lines.slice(0, failed.length)).to.deep.equal(failed);
      expect(lines.slice(failed.length).map((l) => [l.level, l.msg])).to.deep.equal([[30, 'feed reconnected, subscribing']]);
      expect(fatal).to.deep.equal([]);
    } finally {
      await c.stop();
      wss?.close();
    }
  });
});
