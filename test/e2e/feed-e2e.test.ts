import { expect } from 'chai';
import pino from 'pino';
import WebSocket from 'ws';
import { FeedClient } from '../../core/feed/feed-client.js';
import { FeedCounter, Reason } from '../../core/feed/feed-stats.js';
import { VENUES, type Venue } from '../../core/feed/symbol-map.js';
import { parseSchedule } from '../../sim/feed/faults.js';
import { FeedSim } from '../../sim/feed/feed-sim-server.js';
import { simSymbols } from '../../sim/feed/sim-market.js';
import { RecordingSink } from '../feed-recording-sink.js';

/** Waits for an event; the deadline only ends a test whose event never comes, however slow the machine. */
async function waitFor(what: string, cond: () => boolean, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const SYMBOLS = 6;

describe('feed end to end: simulator over loopback -> feed client -> sink', function () {
  this.timeout(60_000);

  for (const venue of VENUES) {
    describe(venue, () => {
      let sim: FeedSim;
      let client: FeedClient;
      let sink: RecordingSink;
      const names = simSymbols(venue, SYMBOLS).map((s) => s.unified);
      const count = (c: (typeof FeedCounter)[keyof typeof FeedCounter]) => client.stats.get(c);
      const rejects = (r: number) => client.stats.rejects(r);

      before(async () => {
        sim = await FeedSim.start({ venue, rate: 1500, symbols: SYMBOLS, durationMs: 60_000, heartbeatMs: 100, pingIntervalMs: 200 });
        sink = new RecordingSink();
        client = new FeedClient(
          {
            url: sim.url(venue === 'binance' ? '/stream' : '/'),
            venue,
            subscribe: names,
            staleMs: 250,
            backoffBaseMs: 20,
            backoffCapMs: 200,
            pingIntervalMs: 100,
            maxPayload: 64 * 1024,
          },
          sink,
          { logger: pino({ level: 'silent' }) },
        );
        client.start();
      });

      after(async () => {
        await client.stop();
        await sim.close();
      });

      it('subscribes and receives ticks for every symbol, with sane values', async () => {
        await waitFor('ticks of every symbol', () => new Set(sink.ticks.map((t) => t.symbol)).size === SYMBOLS);
        expect(client.state).to.equal('open');
        for (const t of sink.ticks) {
          if (t.bid === t.bid) expect(t.bid).to.be.lessThan(t.ask);
          else expect(t.last).to.be.greaterThan(0);
        }
        expect(count(FeedCounter.controls)).to.be.greaterThan(0); // the subscription was acknowledged
        expect(client.stats.get(FeedCounter.rejected)).to.equal(0);
      });

      it('handles heartbeats and pings', async () => {
        await waitFor('pongs', () => count(FeedCounter.pongs) > 0);
        if (venue === 'binance') await waitFor('server pings', () => count(FeedCounter.pings) > 0);
        if (venue === 'coinbase') await waitFor('heartbeats', () => count(FeedCounter.heartbeats) > 0);
      });

      it('fault gap: counts the sequence gap', async () => {
        const before = count(FeedCounter.gaps);
        sim.inject({ kind: 'gap', arg: 3 });
        await waitFor('a gap', () => count(FeedCounter.gaps) > before);
      });

      it('fault crossed: refuses the crossed book', async () => {
        sim.inject({ kind: 'crossed', arg: 2 });
        await waitFor('crossed books refused', () => rejects(Reason.CROSSED_BOOK) >= 2);
      });

      it('fault garbage: refuses every kind by reason, and keeps going', async () => {
        sim.inject({ kind: 'garbage', arg: 10 });
        const want = [
          Reason.MALFORMED,
          Reason.TRUNCATED,
          Reason.NOT_FINITE,
          Reason.NON_POSITIVE_PRICE,
          Reason.UNKNOWN_SYMBOL,
          Reason.BINARY_FRAME,
          Reason.WRONG_TYPE,
          Reason.MISSING_FIELD,
          Reason.ZERO_BOOK,
        ];
        await waitFor('every garbage reason', () => want.every((r) => rejects(r) > 0));
        const ticks = sink.ticks.length;
        await waitFor('ticks after the garbage', () => sink.ticks.length > ticks + 10);
      });

      it('fault stall: marks every symbol stale, then ticks resume', async () => {
        const events = count(FeedCounter.staleEvents);
        sink.stale.length = 0;
        sim.inject({ kind: 'stall', arg: 600 });
        await waitFor('stale marks', () => count(FeedCounter.staleEvents) > events);
        expect([...sink.stale].sort()).to.deep.equal([0, 1, 2, 3, 4, 5]);
        const ticks = sink.ticks.length;
        await waitFor('ticks after the stall', () => sink.ticks.length > ticks + 10);
      });

      it('fault disconnect: reconnects with backoff, resubscribes, ticks resume', async () => {
        const reconnects = count(FeedCounter.reconnects);
        sim.inject({ kind: 'disconnect', arg: 0 });
        await waitFor('a reconnect', () => count(FeedCounter.reconnects) > reconnects && client.state === 'open');
        const ticks = sink.ticks.length;
        await waitFor('ticks after reconnecting', () => sink.ticks.length > ticks + 10);
      });

      it('fault oversize: over maxPayload the connection closes (1009) and reconnects', async () => {
        const reconnects = count(FeedCounter.reconnects);
        sim.inject({ kind: 'oversize', arg: 200 * 1024 });
        await waitFor('an oversized message', () => rejects(Reason.OVERSIZED) > 0);
        await waitFor('a reconnect', () => count(FeedCounter.reconnects) > reconnects && client.state === 'open');
        const ticks = sink.ticks.length;
        await waitFor('ticks after reconnecting', () => sink.ticks.length > ticks + 10);
      });
    });
  }
});

describe('feed simulator', function () {
  this.timeout(60_000);

  /** Connects a raw ws client, sends `requests`, and collects the first `n` messages. */
  async function converse(sim: FeedSim, path: string, requests: string[], n: number): Promise<string[]> {
    const ws = new WebSocket(sim.url(path));
    const got: string[] = [];
    await new Promise<void>((resolve, reject) => {
      ws.on('open', () => requests.forEach((r) => ws.send(r)));
      ws.on('message', (d) => {
        got.push(String(d));
        if (got.length === n) resolve();
      });
      ws.on('error', reject);
    });
    ws.terminate();
    return got;
  }

  async function withSim(venue: Venue, f: (sim: FeedSim) => Promise<void>): Promise<void> {
    const sim = await FeedSim.start({ venue, rate: 50, symbols: 4, durationMs: 10_000 });
    try {
      await f(sim);
    } finally {
      await sim.close();
    }
  }

  it('listens on 127.0.0.1 only', async () => {
    await withSim('binance', async (sim) => {
      expect(sim.url()).to.match(/^ws:\/\/127\.0\.0\.1:\d+\/ws$/);
    });
  });

  it('binance: answers SUBSCRIBE with {"result":null,"id":...}, then streams raw payloads', async () => {
    await withSim('binance', async (sim) => {
      const got = await converse(sim, '/ws', ['{"method":"SUBSCRIBE","params":["btcusdt@bookTicker"],"id":7}'], 3);
      expect(got[0]).to.equal('{"result":null,"id":7}');
      expect(got[1]).to.match(/^\{"u":\d+,"s":"BTCUSDT","b":"\d+\.\d{8}","B":"\d+\.\d{8}","a":"\d+\.\d{8}","A":"\d+\.\d{8}"\}$/);
    });
  });

  it('binance: /stream?streams= wraps payloads as combined streams', async () => {
    await withSim('binance', async (sim) => {
      const got = await converse(sim, '/stream?streams=ethusdt@trade', [], 1);
      expect(got[0]).to.match(/^\{"stream":"ethusdt@trade","data":\{"e":"trade","E":\d+,"s":"ETHUSDT","t":\d+,"p":"[\d.]+","q":"[\d.]+","T":\d+,"m":(true|false),"M":true\}\}$/);
    });
  });

  it('coinbase: subscriptions message, snapshot of all products, numbered messages', async () => {
    await withSim('coinbase', async (sim) => {
      const got = await converse(sim, '/', ['{"type":"subscribe","product_ids":["BTC-USDT","ETH-USDT"],"channel":"ticker"}'], 3);
      expect(JSON.parse(got[0])).to.deep.include({ channel: 'subscriptions', sequence_num: 0, events: [{ subscriptions: { ticker: ['BTC-USDT', 'ETH-USDT'] } }] });
      const snap = JSON.parse(got[1]) as { sequence_num: number; events: { type: string; tickers: unknown[] }[] };
      expect(snap.sequence_num).to.equal(1);
      expect(snap.events[0].type).to.equal('snapshot');
      expect(snap.events[0].tickers).to.have.length(2);
      expect(JSON.parse(got[2]).sequence_num).to.equal(2);
    });
  });

  it('coinbase: refuses unknown products as Coinbase does', async () => {
    await withSim('coinbase', async (sim) => {
      const got = await converse(sim, '/', ['{"type":"subscribe","product_ids":["NOPE-USD"],"channel":"ticker"}'], 1);
      expect(JSON.parse(got[0])).to.include({ type: 'error', message: 'Failed to subscribe' });
    });
  });

  it('kraken: status on connect, one ack per symbol, pong to ping', async () => {
    await withSim('kraken', async (sim) => {
      const got = await converse(
        sim,
        '/',
        ['{"method":"subscribe","params":{"channel":"ticker","symbol":["BTC/USDT","NOPE/USD"]},"req_id":3}', '{"method":"ping","req_id":9}'],
        4,
      );
      expect(JSON.parse(got[0])).to.deep.include({ channel: 'status', type: 'update' });
      expect(JSON.parse(got[1])).to.deep.include({ method: 'subscribe', success: true, req_id: 3, result: { channel: 'ticker', event_trigger: 'bbo', snapshot: true, symbol: 'BTC/USDT' } });
      expect(JSON.parse(got[2])).to.deep.include({ method: 'subscribe', success: false, error: 'Currency pair not supported NOPE/USD' });
      expect(got.some((m) => /^\{"method":"pong","req_id":9,/.test(m))).to.equal(true);
    });
  });

  it('parses fault schedules', () => {
    expect(parseSchedule('disconnect@10s,stall@5s:2s,garbage@12s:20,oversize@1m:3000000')).to.deep.equal([
      { kind: 'stall', arg: 2000, atMs: 5000 },
      { kind: 'disconnect', arg: 0, atMs: 10_000 },
      { kind: 'garbage', arg: 20, atMs: 12_000 },
      { kind: 'oversize', arg: 3_000_000, atMs: 60_000 },
    ]);
    expect(() => parseSchedule('explode@1s')).to.throw(/unknown fault/);
    expect(() => parseSchedule('gap@soon')).to.throw(/duration/);
  });

  it('injects scheduled faults', async () => {
    const sim = await FeedSim.start({ venue: 'kraken', rate: 50, symbols: 2, durationMs: 5000, schedule: parseSchedule('stall@50ms:100ms,disconnect@100ms') });
    try {
      await waitFor('scheduled faults', () => sim.stats.faults.stall === 1 && sim.stats.faults.disconnect === 1);
    } finally {
      await sim.close();
    }
  });
});
