/**
 * A venue's public market data over one WebSocket (package ws): connects,
 * subscribes the way the venue expects, parses every message from the
 * Buffer ws hands over, and gives each accepted tick to the engine through
 * a TickSink. It keeps the feed healthy on its own:
 *
 *   - reconnects with exponential backoff and jitter, then resubscribes, when
 *     the failure passes (refused, reset, timed out: one warn line per
 *     attempt, one info line when it is back); a failure that retrying
 *     cannot mend (404, a name that does not resolve, TLS to a plain server:
 *     backoff.ts permanentFailure) is one error line and a fatal stop;
 *   - logs each subscription the venue refuses (an error line naming the
 *     symbol and the venue's reason), and stops fatally when it refuses
 *     every symbol: such a feed would never price an order;
 *   - pings the server (and answers its pings: ws does), drops a connection
 *     whose pong does not come back, or that stays silent idleReconnectMs;
 *   - counts venue heartbeats;
 *   - checks sequence numbers (gaps counted and logged, repeats dropped);
 *   - after staleMs without a tick, marks every symbol's reference price
 *     stale (TickSink.markStale) until that symbol ticks again (one info
 *     line when the feed ticks again);
 *   - refuses what is malformed, unknown, crossed, zero or non-finite
 *     (the parsers decide), counting each refusal by reason in FeedStats
 *     and logging a sample at a limited rate. Nothing it receives can make
 *     it throw.
 *
 * States: idle -> connecting -> open -> (closed) -> backoff -> connecting ...;
 * stop() from any state -> stopped.
 */
import type { Logger } from 'pino';
import pino from 'pino';
import WebSocket from 'ws';
import { FRAME_F64, FRAME_I32, Frame, MarketTick } from '../../ipc/frame-layout.js';
import { monotonicClock } from '../clock/monotonic-clock.js';
import { backoffDelay, permanentFailure } from './backoff.js';
import { createParser } from './create-parser.js';
import { FeedCounter, FeedStats, Reason } from './feed-stats.js';
import { parseFeedOptions, type FeedOptions, type FeedOptionsInput } from './feed-options.js';
import { RejectLog } from './reject-log.js';
import { SeqCheck, SeqStream, SequenceTracker } from './sequence-tracker.js';
import { SymbolMap } from './symbol-map.js';
import type { TickSink } from './tick-sink.js';
import { MessageKind, type VenueParser } from './venue-parser.js';
import { subscribeMessages, venueRefusal } from './venue-protocol.js';

export type FeedState = 'idle' | 'connecting' | 'open' | 'backoff' | 'stopped';

export interface FeedClientDeps {
  logger?: Logger;
  /** Monotonic nanoseconds (default: the shared clock_gettime clock). */
  clock?: { nowNs(): number };
  /** Uniform [0, 1) for the backoff jitter. */
  random?: () => number;
  /** Counters to fill (e.g. over a SharedArrayBuffer the reporter reads). */
  stats?: FeedStats;
  /**
   * Called once, after the client has stopped itself, when the feed cannot serve: a permanent
   * connection failure, or every subscription refused. The reason is one line (already logged).
   */
  onFatal?: (reason: string) => void;
}

const MS = 1e6;

// Times (ns) kept in a Float64Array: written per message without boxing.
const T_NOW = 0;
const T_LAST_MESSAGE = 1;
const T_LAST_TICK = 2;

export class FeedClient {
  readonly options: FeedOptions;
  readonly stats: FeedStats;
  readonly symbols: SymbolMap;
  private readonly parser: VenueParser;
  private readonly sink: TickSink;
  private readonly log: Logger;
  private readonly clock: { nowNs(): number };
  private readonly random: () => number;
  private readonly onFatal: (reason: string) => void;
  private readonly rejects: RejectLog;
  private readonly sequences: SequenceTracker;
  /** Per-symbol sequence checks: [book, trade] (Coinbase numbers messages instead). */
  private readonly symbolSeqBook: boolean;
  private readonly symbolSeqTrade: boolean;
  private readonly ids: Int32Array;
  /** 1 while a symbol is marked stale and has not ticked since. */
  private readonly staleMarked: Uint8Array;
  private readonly time = new Float64Array(3);
  /** The feed is silent: every symbol has been marked stale. */
  private silent = false;
  /** Symbols (unified) the venue refused on this connection. */
  private readonly refused = new Set<string>();
  /** The error of the connection being made, told on its close. */
  private lastError: (Error & { code?: string }) | undefined;
  private ws: WebSocket | undefined;
  private currentState: FeedState = 'idle';
  private attempt = 0;
  private everConnected = false;
  private awaitingPong = false;
  private gapLogNs = -Infinity;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private watchdogTimer: NodeJS.Timeout | undefined;
  private readonly onMessage = (data: WebSocket.RawData, isBinary: boolean): void => {
    this.handleMessage(data as Buffer, isBinary);
  };

  constructor(options: FeedOptionsInput, sink: TickSink, deps: FeedClientDeps = {}) {
    this.options = parseFeedOptions(options);
    const o = this.options;
    this.sink = sink;
    this.log = deps.logger ?? pino({ name: 'feed' });
    this.clock = deps.clock ?? monotonicClock();
    this.random = deps.random ?? Math.random;
    this.onFatal = deps.onFatal ?? (() => undefined);
    this.stats = deps.stats ?? new FeedStats();
    this.symbols = new SymbolMap(
      o.venue,
      o.subscribe.map((unified, k) => ({ unified, id: o.symbolIds?.[k] ?? k })),
    );
    this.parser = createParser(o.venue, this.symbols, o.batchCapacity);
    this.rejects = new RejectLog(this.log, o.logIntervalMs * MS);
    this.sequences = new SequenceTracker(this.symbols.maxId, o.seqCheck === 'contiguous');
    this.symbolSeqBook = o.venue === 'binance';
    this.symbolSeqTrade = o.venue !== 'coinbase';
    this.ids = Int32Array.from(this.symbols.ids());
    this.staleMarked = new Uint8Array(this.symbols.maxId + 1);
    // Silence is counted from here (and again from start()).
    this.time[T_LAST_MESSAGE] = this.time[T_LAST_TICK] = this.clock.nowNs();
  }

  get state(): FeedState {
    return this.currentState;
  }

  /** Connects (and keeps reconnecting) until stop(). */
  start(): void {
    if (this.currentState !== 'idle') return;
    const now = this.clock.nowNs();
    this.time[T_LAST_MESSAGE] = now;
    this.time[T_LAST_TICK] = now;
    const o = this.options;
    const every = Math.max(5, Math.min(250, o.staleMs / 4));
    this.watchdogTimer = setInterval(() => this.checkSilence(this.clock.nowNs()), every);
    this.watchdogTimer.unref();
    this.connect();
  }

  /** Closes the connection and every timer; resolves when the socket is closed. */
  async stop(): Promise<void> {
    this.currentState = 'stopped';
    clearTimeout(this.reconnectTimer);
    clearInterval(this.pingTimer);
    clearInterval(this.watchdogTimer);
    const ws = this.ws;
    this.ws = undefined;
    if (ws && ws.readyState !== WebSocket.CLOSED) {
      await new Promise<void>((resolve) => {
        ws.once('close', () => resolve());
        ws.terminate();
      });
    }
  }

  /**
   * Watchdog step at time nowNs: marks every symbol stale once the feed has
   * been without a tick for staleMs, and drops a connection silent for
   * idleReconnectMs. Called by a timer; public for tests with a fake clock.
   */
  checkSilence(nowNs: number): void {
    const o = this.options;
    if (!this.silent && nowNs - this.time[T_LAST_TICK] > o.staleMs * MS) {
      this.silent = true;
      this.stats.counts[FeedCounter.staleEvents]++;
      let marked = 0;
      for (let k = 0; k < this.ids.length; k++) {
        const id = this.ids[k];
        if (this.staleMarked[id] === 0) {
          this.staleMarked[id] = 1;
          this.sink.markStale(id);
          marked++;
        }
      }
      this.log.warn({ silentMs: Math.round((nowNs - this.time[T_LAST_TICK]) / MS), marked }, 'feed silent: reference prices stale');
    }
    const ws = this.ws;
    if (
      o.idleReconnectMs > 0 &&
      this.currentState === 'open' &&
      ws !== undefined &&
      nowNs - this.time[T_LAST_MESSAGE] > o.idleReconnectMs * MS
    ) {
      this.log.warn({ idleMs: o.idleReconnectMs }, 'feed idle: reconnecting');
      ws.terminate();
    }
  }

  /** One WebSocket message (the ws 'message' handler; public for tests and replays). Never throws. */
  handleMessage(data: Uint8Array, isBinary: boolean): void {
    const c = this.stats.counts;
    const time = this.time;
    time[T_NOW] = this.clock.nowNs();
    time[T_LAST_MESSAGE] = time[T_NOW];
    c[FeedCounter.messages]++;
    c[FeedCounter.bytes] += data.length;
    if (isBinary) {
      this.reject(Reason.BINARY_FRAME, data, true);
      return;
    }
    const p = this.parser;
    const r = p.parse(data, 0, data.length);
    if (r !== Reason.OK) {
      if (r !== Reason.VENUE_ERROR || !this.refusal(data)) this.reject(r, data, false);
      return;
    }
    this.attempt = 0; // the connection delivers: the next drop starts the backoff afresh
    let seqOk = true;
    if (p.seq[0] === p.seq[0]) seqOk = this.connectionSequence(p.seq);
    switch (p.kind) {
      case MessageKind.Ticks:
        this.dispatch(p, data, seqOk);
        break;
      case MessageKind.Heartbeat:
        c[FeedCounter.heartbeats]++;
        break;
      default:
        c[FeedCounter.controls]++;
    }
  }

  /** Coinbase numbers every message of the connection: a repeat or regression refuses its ticks. */
  private connectionSequence(seq: Float64Array): boolean {
    const s = this.sequences.checkConnection(seq, 0);
    if (s === SeqCheck.GAP) this.gap(-1);
    return s !== SeqCheck.OUT_OF_ORDER;
  }

  private dispatch(p: VenueParser, data: Uint8Array, seqOk: boolean): void {
    const batch = p.batch;
    const f64 = batch.f64;
    const i32 = batch.i32;
    const c = this.stats.counts;
    const now = this.time;
    let dispatched = 0;
    for (let k = 0; k < batch.count; k++) {
      let s = batch.status[k];
      if (s === Reason.OK && !seqOk) s = Reason.OUT_OF_ORDER;
      const base = k * FRAME_I32;
      const f = k * FRAME_F64;
      const symbol = i32[base + Frame.symbol];
      if (s === Reason.OK) {
        const trade = f64[f + MarketTick.bid] !== f64[f + MarketTick.bid];
        if (trade ? this.symbolSeqTrade : this.symbolSeqBook) {
          const q = this.sequences.checkSymbol(symbol, trade ? SeqStream.TRADE : SeqStream.BOOK, f64, f + MarketTick.exchSeq);
          if (q === SeqCheck.OUT_OF_ORDER) s = Reason.OUT_OF_ORDER;
          else if (q === SeqCheck.GAP) this.gap(symbol);
        }
      }
      if (s !== Reason.OK) {
        this.reject(s, data, false);
        continue;
      }
      f64[f + MarketTick.time] = now[T_NOW];
      this.staleMarked[symbol] = 0;
      this.sink.dispatchTick(i32, f64, base);
      dispatched++;
    }
    if (batch.overflow > 0) {
      this.stats.reject(Reason.BATCH_OVERFLOW, batch.overflow);
      this.rejects.note(Reason.BATCH_OVERFLOW, data, false, this.time);
    }
    if (dispatched > 0) {
      c[FeedCounter.ticks] += dispatched;
      if (this.silent) {
        this.silent = false;
        this.log.info({ silentMs: Math.round((now[T_NOW] - now[T_LAST_TICK]) / MS) }, 'feed ticking again: reference prices fresh');
      }
      now[T_LAST_TICK] = now[T_NOW];
    }
  }

  /** Counts a gap and logs it at the refusals' limited rate (symbol -1: the connection's numbering). */
  private gap(symbol: number): void {
    const c = this.stats.counts;
    c[FeedCounter.gaps]++;
    const now = this.time[T_NOW];
    if (now - this.gapLogNs < this.options.logIntervalMs * MS) return;
    this.gapLogNs = now;
    const g = this.sequences.gap;
    this.log.warn(
      { symbol: symbol < 0 ? 'connection' : this.symbols.unifiedOf(symbol), expected: g[0], received: g[1], gaps: c[FeedCounter.gaps] },
      'feed sequence gap',
    );
  }

  /**
   * A venue error that refuses subscribed symbols: counted, one error line per symbol, and a fatal
   * stop once every symbol is refused. False when it names none (a sample is logged as for any refusal).
   */
  private refusal(data: Uint8Array): boolean {
    const o = this.options;
    const { reason, symbols } = venueRefusal(o.venue, Buffer.from(data.buffer, data.byteOffset, data.length).toString(), o.subscribe);
    if (symbols.length === 0) return false;
    this.stats.reject(Reason.VENUE_ERROR);
    for (const symbol of symbols) {
      if (this.refused.has(symbol)) continue;
      this.refused.add(symbol);
      this.log.error({ venue: o.venue, symbol, reason }, `feed subscription refused: ${symbol} (${o.venue}: ${reason})`);
    }
    if (this.refused.size === o.subscribe.length) this.fatal(`feed ${o.url}: ${o.venue} refused every subscription (${reason})`);
    return true;
  }

  /** Stops for good and tells the owner: the feed cannot serve, and retrying will not change it. */
  private fatal(reason: string): void {
    if (this.currentState === 'stopped') return;
    void this.stop();
    this.onFatal(reason);
  }

  private reject(reason: number, data: Uint8Array, binary: boolean): void {
    this.stats.reject(reason);
    this.rejects.note(reason, data, binary, this.time);
  }

  private connect(): void {
    if (this.currentState === 'stopped') return;
    const o = this.options;
    this.currentState = 'connecting';
    if (this.everConnected) this.stats.counts[FeedCounter.reconnects]++;
    this.everConnected = true;
    this.lastError = undefined;
    const ws = new WebSocket(o.url, {
      maxPayload: o.maxPayload,
      perMessageDeflate: false,
      handshakeTimeout: o.connectTimeoutMs,
    });
    this.ws = ws;
    ws.on('open', () => {
      if (this.ws !== ws) return;
      this.currentState = 'open';
      const again = this.stats.counts[FeedCounter.connects]++ > 0 || this.attempt > 0;
      this.sequences.reset();
      this.refused.clear();
      this.time[T_LAST_MESSAGE] = this.clock.nowNs();
      for (const m of subscribeMessages(o.venue, o.subscribe, o.streams)) ws.send(m);
      // 'subscribing': the venue answers later, and a refusal is logged then.
      if (again) this.log.info({ url: o.url, venue: o.venue, symbols: o.subscribe.length, attempts: this.attempt }, 'feed reconnected, subscribing');
      else this.log.info({ url: o.url, venue: o.venue, symbols: o.subscribe.length }, 'feed connected, subscribing');
      this.awaitingPong = false;
      if (o.pingIntervalMs > 0) {
        this.pingTimer = setInterval(() => this.ping(ws), o.pingIntervalMs);
        this.pingTimer.unref();
      }
    });
    ws.on('message', this.onMessage);
    ws.on('ping', () => {
      this.stats.counts[FeedCounter.pings]++;
    });
    ws.on('pong', () => {
      this.awaitingPong = false;
      this.stats.counts[FeedCounter.pongs]++;
    });
    ws.on('error', (err: Error & { code?: string }) => {
      if (err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
        this.stats.reject(Reason.OVERSIZED);
        this.log.warn({ maxPayload: o.maxPayload }, 'feed message over maxPayload: connection closed');
      } else {
        this.lastError = err; // told once, with what follows, when the socket closes
      }
    });
    ws.on('close', (code: number) => {
      if (this.ws !== ws) return;
      clearInterval(this.pingTimer);
      this.ws = undefined;
      if (this.currentState === 'stopped') return;
      const err = this.lastError;
      if (err && permanentFailure(err)) {
        const why = err.message.split('\n')[0];
        this.log.error({ url: o.url, err: why, code: err.code }, `feed ${o.url}: ${why}; not retried`);
        this.fatal(`feed ${o.url}: ${why}`);
        return;
      }
      this.scheduleReconnect(code, err);
    });
  }

  private ping(ws: WebSocket): void {
    if (ws.readyState !== WebSocket.OPEN) return;
    if (this.awaitingPong) {
      this.log.warn('feed pong missing: reconnecting');
      ws.terminate();
      return;
    }
    this.awaitingPong = true;
    ws.ping();
  }

  private scheduleReconnect(code: number, err: (Error & { code?: string }) | undefined): void {
    const o = this.options;
    const delay = backoffDelay(this.attempt++, o.backoffBaseMs, o.backoffCapMs, this.random());
    const wasOpen = this.currentState === 'open';
    this.currentState = 'backoff';
    this.log.warn(
      { code, err: err?.message.split('\n')[0], errCode: err?.code, retryInMs: Math.round(delay), attempt: this.attempt },
      wasOpen ? 'feed disconnected' : 'feed connection failed',
    );
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }
}
