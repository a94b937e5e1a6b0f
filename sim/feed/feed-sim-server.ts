/**
 * A market data WebSocket server on 127.0.0.1 that speaks one venue's
 * protocol (see venue-encoders.ts): it answers subscriptions as the venue
 * does, then streams top-of-book and trade messages for the subscribed
 * symbols at a steady rate per connection, prices following a random walk,
 * and injects faults on command, on a schedule or at a steady rate (see
 * faults.ts). It only ever listens on loopback and stops by itself after
 * durationMs. Importable: tests start it in-process on an ephemeral port.
 */
import type { IncomingMessage } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { z } from 'zod';
import { VENUES } from '../../core/feed/symbol-map.js';
import { GARBAGE_KINDS, type Fault, type FaultKind, type ScheduledFault } from './faults.js';
import { SimMarket, type Quote } from './sim-market.js';
import { addBinanceStream, encoderFor, type BookTokens, type SimConnectionState, type VenueEncoder } from './venue-encoders.js';

export const SIM_HOST = '127.0.0.1';

export const FeedSimOptionsSchema = z.object({
  venue: z.enum(VENUES),
  /** 0 = any free port. */
  port: z.number().int().min(0).max(65535).default(0),
  /** Market data messages per second, per connection. */
  rate: z.number().min(0).max(10_000_000).default(1000),
  /** Size of the symbol universe (the engine's first N instruments). */
  symbols: z.number().int().min(1).max(100_000).default(64),
  /** The server closes after this long. */
  durationMs: z.number().int().min(1).max(86_400_000).default(300_000),
  seed: z.number().int().default(1),
  /** Coinbase heartbeats / Kraken heartbeat period. */
  heartbeatMs: z.number().int().min(10).max(600_000).default(1000),
  /** Binance-style server pings; 0 = none. */
  pingIntervalMs: z.number().int().min(0).max(600_000).default(20_000),
  /** Fraction of data messages replaced by garbage, given a sequence gap, or sent crossed. */
  garbageRate: z.number().min(0).max(1).default(0),
  gapRate: z.number().min(0).max(1).default(0),
  crossedRate: z.number().min(0).max(1).default(0),
  schedule: z
    .array(
      z.object({
        kind: z.enum(['disconnect', 'stall', 'garbage', 'gap', 'crossed', 'oversize']),
        arg: z.number().int().min(0),
        atMs: z.number().int().min(0),
      }),
    )
    .default([]),
  /** A connection whose unsent output exceeds this skips data messages until it drains. */
  maxBufferedBytes: z.number().int().min(1024).default(16 * 1024 * 1024),
});
export type FeedSimOptions = z.output<typeof FeedSimOptionsSchema>;
export type FeedSimOptionsInput = z.input<typeof FeedSimOptionsSchema>;

export interface FeedSimStats {
  connections: number;
  connectionsTotal: number;
  dataMessages: number;
  controlMessages: number;
  heartbeats: number;
  /** Faults injected, by kind (garbage/gap/crossed count messages). */
  faults: Record<FaultKind, number>;
  /** Data messages not sent because a client was not reading. */
  skippedSlowClient: number;
}

interface Connection extends SimConnectionState {
  ws: WebSocket;
  openedAt: number;
  sent: number;
  rr: number;
  lastSentAt: number;
}

/** Emission tick: how often due messages are sent. */
const TICK_MS = 1;
/** At most this much of a second's messages at once after a pause (a stall, a slow timer). */
const MAX_BURST_S = 0.05;

export class FeedSim {
  readonly options: FeedSimOptions;
  readonly market: SimMarket;
  readonly stats: FeedSimStats;
  private readonly encoder: VenueEncoder;
  private readonly wss: WebSocketServer;
  private readonly conns = new Set<Connection>();
  private readonly timers: NodeJS.Timeout[] = [];
  private stalledUntil = 0;
  private pendingGarbage = 0;
  private garbageCursor = 0;
  private pendingGap = 0;
  private pendingCrossed = 0;
  private pendingOversize = 0;
  private isoMs = 0;
  private isoText = '';
  private closed = false;
  readonly port: number;

  private constructor(options: FeedSimOptions, wss: WebSocketServer, port: number) {
    this.options = options;
    this.wss = wss;
    this.port = port;
    this.market = new SimMarket(options.venue, options.symbols, options.seed);
    this.encoder = encoderFor(options.venue);
    this.stats = {
      connections: 0,
      connectionsTotal: 0,
      dataMessages: 0,
      controlMessages: 0,
      heartbeats: 0,
      faults: { disconnect: 0, stall: 0, garbage: 0, gap: 0, crossed: 0, oversize: 0 },
      skippedSlowClient: 0,
    };
  }

  /** Starts listening on 127.0.0.1 (options.port, 0 = any free port). */
  static async start(input: FeedSimOptionsInput): Promise<FeedSim> {
    const options = FeedSimOptionsSchema.parse(input);
    const wss = new WebSocketServer({ host: SIM_HOST, port: options.port, perMessageDeflate: false });
    await new Promise<void>((resolve, reject) => {
      wss.once('listening', resolve);
      wss.once('error', reject);
    });
    const address = wss.address();
    const port = typeof address === 'object' && address !== null ? address.port : options.port;
    const sim = new FeedSim(options, wss, port);
    sim.begin();
    return sim;
  }

  /** ws://127.0.0.1:port + path (Binance: /ws raw, /stream combined). */
  url(path = '/ws'): string {
    return `ws://${SIM_HOST}:${this.port}${path}`;
  }

  /** Injects a fault now. */
  inject(f: Fault): void {
    // Message faults are counted as they are sent.
    if (f.kind === 'disconnect' || f.kind === 'stall') this.stats.faults[f.kind]++;
    switch (f.kind) {
      case 'disconnect':
        for (const c of this.conns) c.ws.terminate();
        break;
      case 'stall':
        this.stalledUntil = Math.max(this.stalledUntil, Date.now() + f.arg);
        break;
      case 'garbage':
        this.pendingGarbage += f.arg;
        break;
      case 'gap':
        this.pendingGap += f.arg;
        break;
      case 'crossed':
        this.pendingCrossed += f.arg;
        break;
      case 'oversize':
        this.pendingOversize = f.arg;
        break;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    for (const c of this.conns) c.ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private begin(): void {
    const o = this.options;
    this.wss.on('connection', (ws, req) => this.onConnection(ws, req));
    this.timers.push(setInterval(() => this.emit(), TICK_MS));
    this.timers.push(setInterval(() => this.heartbeats(), o.heartbeatMs));
    if (o.pingIntervalMs > 0) this.timers.push(setInterval(() => this.pings(), o.pingIntervalMs));
    for (const s of o.schedule as ScheduledFault[]) this.timers.push(setTimeout(() => this.inject(s), s.atMs));
    const end = setTimeout(() => void this.close(), o.durationMs);
    end.unref();
    this.timers.push(end);
  }

  private iso(now: number): string {
    if (now !== this.isoMs) {
      this.isoMs = now;
      this.isoText = new Date(now).toISOString().replace('Z', '000Z');
    }
    return this.isoText;
  }

  private onConnection(ws: WebSocket, req: IncomingMessage): void {
    const n = this.market.symbols.length;
    const now = Date.now();
    const c: Connection = {
      ws,
      combined: false,
      subs: [],
      heartbeats: false,
      seq: 0,
      bookSeq: new Float64Array(n).fill(1_000_000),
      tradeSeq: new Float64Array(n).fill(5_000_000),
      heartbeatCounter: 0,
      openedAt: now,
      sent: 0,
      rr: 0,
      lastSentAt: now,
    };
    this.conns.add(c);
    this.stats.connections++;
    this.stats.connectionsTotal++;
    ws.on('close', () => {
      this.conns.delete(c);
      this.stats.connections--;
    });
    ws.on('error', () => ws.terminate());
    if (this.options.venue === 'binance') this.binancePath(c, req.url ?? '/');
    for (const m of this.encoder.onOpen(c, this.iso(now))) this.sendControl(c, m);
    ws.on('message', (data, isBinary) => {
      if (isBinary || this.closed) return;
      const before = c.subs.length;
      const iso = this.iso(Date.now());
      const lookup = (name: string) => this.market.indexOfVenueName(name);
      for (const m of this.encoder.onRequest(c, String(data), this.market.symbols, iso, lookup)) this.sendControl(c, m);
      if (c.subs.length > before) this.sendSnapshot(c, before, iso);
    });
  }

  /** /ws, /ws/<stream>, /stream, /stream?streams=a/b: raw or combined, streams from the path. */
  private binancePath(c: Connection, path: string): void {
    const u = new URL(path, 'ws://localhost');
    c.combined = u.pathname.startsWith('/stream');
    const lookup = (name: string) => this.market.indexOfVenueName(name);
    const streams = u.pathname.startsWith('/ws/') ? [u.pathname.slice(4)] : (u.searchParams.get('streams')?.split('/') ?? []);
    for (const s of streams) if (s) addBinanceStream(c, s, lookup);
  }

  private sendControl(c: Connection, m: string): void {
    if (Date.now() < this.stalledUntil || c.ws.readyState !== c.ws.OPEN) return;
    c.ws.send(m);
    this.stats.controlMessages++;
  }

  private sendSnapshot(c: Connection, from: number, iso: string): void {
    const items = c.subs
      .slice(from)
      .filter((x) => x.stream === 'book')
      .map((x) => ({ s: this.market.symbols[x.sym], k: x.sym, t: this.tokens(this.market.step(x.sym), false) }));
    if (items.length === 0) return;
    const m = this.encoder.snapshot(c, items, iso);
    if (m) this.sendControl(c, m);
  }

  private tokens(q: Quote, crossed: boolean): BookTokens {
    const s = this.encoder;
    const bid = crossed ? q.ask + (q.ask - q.bid) : q.bid;
    return { bid: s.num(bid, 8), bidQty: s.num(q.bidQty, 8), ask: s.num(q.ask, 8), askQty: s.num(q.askQty, 8), last: s.num(q.last, 8) };
  }

  private emit(): void {
    if (this.closed) return;
    const now = Date.now();
    if (now < this.stalledUntil) return;
    const o = this.options;
    const iso = this.iso(now);
    for (const c of this.conns) {
      if (c.subs.length === 0 || c.ws.readyState !== c.ws.OPEN) continue;
      const due = Math.floor((o.rate * (now - c.openedAt)) / 1000) - c.sent;
      const burst = Math.max(1, Math.ceil(o.rate * MAX_BURST_S));
      let n = due;
      if (n > burst) {
        // Behind (a stall, a busy event loop): skip ahead rather than flood.
        c.sent += n - burst;
        n = burst;
      }
      for (let j = 0; j < n; j++) {
        c.sent++;
        if (c.ws.bufferedAmount > o.maxBufferedBytes) {
          this.stats.skippedSlowClient++;
          continue;
        }
        this.sendData(c, iso);
      }
    }
  }

  private sendData(c: Connection, iso: string): void {
    const o = this.options;
    const rng = Math.random;
    if (this.pendingOversize > 0) {
      this.sendOversize(c, iso, this.pendingOversize);
      this.pendingOversize = 0;
      return;
    }
    if (this.pendingGarbage > 0 || (o.garbageRate > 0 && rng() < o.garbageRate)) {
      if (this.pendingGarbage > 0) this.pendingGarbage--;
      this.stats.faults.garbage++;
      this.sendGarbage(c, iso);
      return;
    }
    const sub = c.subs[c.rr++ % c.subs.length];
    const k = sub.sym;
    const s = this.market.symbols[k];
    const q = this.market.step(k);
    if (this.pendingGap > 0 || (o.gapRate > 0 && rng() < o.gapRate)) this.applyGap(c, k, sub.stream);
    let m: string;
    if (sub.stream === 'trade') {
      m = this.encoder.trade(c, s, k, this.encoder.num(q.last, 8), this.encoder.num(q.tradeQty, 8), q.buy, iso);
    } else {
      const crossed = this.pendingCrossed > 0 || (o.crossedRate > 0 && rng() < o.crossedRate);
      if (crossed) {
        if (this.pendingCrossed > 0) this.pendingCrossed--;
        this.stats.faults.crossed++;
      }
      m = this.encoder.book(c, s, k, this.tokens(q, crossed), iso);
    }
    if (!m) return;
    c.ws.send(m);
    c.lastSentAt = Date.now();
    this.stats.dataMessages++;
  }

  /** Skips sequence numbers in the next message that carries one on this connection. */
  private applyGap(c: Connection, k: number, stream: 'book' | 'trade'): void {
    const skip = this.pendingGap > 0 ? this.pendingGap : 1;
    const venue = this.options.venue;
    if (venue === 'coinbase') c.seq += skip;
    else if (stream === 'trade') c.tradeSeq[k] += skip;
    else if (venue === 'binance') c.bookSeq[k] += skip;
    else return; // Kraken tickers carry no sequence: wait for a trade
    this.pendingGap = 0;
    this.stats.faults.gap++;
  }

  private sendGarbage(c: Connection, iso: string): void {
    const kind = GARBAGE_KINDS[this.garbageCursor++ % GARBAGE_KINDS.length];
    const enc = this.encoder;
    const k = c.subs[c.rr++ % c.subs.length].sym;
    const s = this.market.symbols[k];
    const t = this.tokens(this.market.step(k), false);
    let m: string | Buffer;
    switch (kind) {
      case 'not-json':
        m = `garbage ${Math.random().toString(36)} }{ not json`;
        break;
      case 'truncated': {
        const full = enc.book(c, s, k, t, iso);
        m = full.slice(0, Math.max(1, Math.floor(full.length / 2)));
        break;
      }
      case 'nan-price':
        m = enc.book(c, s, k, { ...t, bid: '"NaN"' }, iso);
        break;
      case 'negative-price':
        m = enc.book(c, s, k, { ...t, bid: enc.num(-Math.abs(Number(t.bid.replace(/"/g, ''))), 8) }, iso);
        break;
      case 'unknown-symbol':
        m = enc.book(c, { ...s, venueName: enc.venue === 'coinbase' ? 'ZZZ-QQQ' : enc.venue === 'kraken' ? 'ZZZ/QQQ' : 'ZZZQQQ' }, k, t, iso);
        break;
      case 'binary-frame':
        m = Buffer.from([0x00, 0xff, 0x13, 0x37, 0x7b, 0x22]);
        break;
      case 'wrong-type':
        m = enc.book(c, s, k, { ...t, ask: '{"price":1}' }, iso);
        break;
      case 'infinite-price':
        m = enc.book(c, s, k, { ...t, ask: enc.venue === 'kraken' ? '1e999' : '"1e999"' }, iso);
        break;
      case 'missing-field':
        m = enc.book(c, s, k, t, iso, true);
        break;
      case 'zero-quantity':
        m = enc.book(c, s, k, { ...t, bidQty: enc.num(0, 8) }, iso);
        break;
    }
    c.ws.send(m, { binary: typeof m !== 'string' });
    this.stats.dataMessages++;
  }

  /** One valid top-of-book message padded with an unknown member up to `bytes`. */
  private sendOversize(c: Connection, iso: string, bytes: number): void {
    const k = c.subs[0].sym;
    const m = this.encoder.book(c, this.market.symbols[k], k, this.tokens(this.market.step(k), false), iso);
    const pad = Math.max(0, bytes - m.length - 16);
    c.ws.send(`{"padding":"${'x'.repeat(pad)}",${m.slice(1)}`);
    this.stats.faults.oversize++;
  }

  private heartbeats(): void {
    const now = Date.now();
    if (this.closed || now < this.stalledUntil) return;
    const iso = this.iso(now);
    for (const c of this.conns) {
      if (c.ws.readyState !== c.ws.OPEN) continue;
      // Kraken sends its heartbeat only in the absence of other updates; Coinbase every period.
      if (this.options.venue === 'kraken' && now - c.lastSentAt < this.options.heartbeatMs) continue;
      const m = this.encoder.heartbeat(c, iso);
      if (!m) continue;
      c.ws.send(m);
      c.lastSentAt = now;
      this.stats.heartbeats++;
    }
  }

  private pings(): void {
    if (this.closed || Date.now() < this.stalledUntil) return;
    for (const c of this.conns) if (c.ws.readyState === c.ws.OPEN) c.ws.ping();
  }
}
