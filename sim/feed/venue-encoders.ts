/**
 * Each venue's side of the protocol, as its documentation shows it: what
 * the server sends on connect, how it answers subscribe (and ping) requests,
 * and its market data and heartbeat messages, byte for byte in the venue's
 * member order and number style (Binance and Coinbase: numbers as strings;
 * Kraken v2: JSON numbers).
 */
import type { Venue } from '../../core/feed/symbol-map.js';
import type { SimSymbol } from './sim-market.js';

export type SimStream = 'book' | 'trade';

/** A connection's state, as the encoders see it. */
export interface SimConnectionState {
  /** Binance: payloads wrapped as combined streams ({"stream","data"}). */
  combined: boolean;
  /** Subscribed (symbol index, stream) pairs, in subscription order. */
  subs: { sym: number; stream: SimStream }[];
  /** Coinbase: heartbeats channel subscribed. */
  heartbeats: boolean;
  /** Coinbase: the connection's message counter (sequence_num of the next message). */
  seq: number;
  /** Per symbol: Binance bookTicker update id / Binance and Kraken trade id of the next message. */
  bookSeq: Float64Array;
  tradeSeq: Float64Array;
  heartbeatCounter: number;
}

/** The printed values of one top-of-book message (raw JSON tokens: garbage faults put anything here). */
export interface BookTokens {
  bid: string;
  bidQty: string;
  ask: string;
  askQty: string;
  last: string;
}

export interface VenueEncoder {
  readonly venue: Venue;
  /** A number as the venue prints it (quoted for Binance and Coinbase). */
  num(x: number, decimals: number): string;
  /** Sent when a connection opens. */
  onOpen(c: SimConnectionState, iso: string): string[];
  /** Answers one client request, updating c's subscriptions. */
  onRequest(c: SimConnectionState, text: string, symbols: readonly SimSymbol[], iso: string, lookup: (venueName: string) => number): string[];
  /** Top of book for symbol `s`; omitBid leaves the bid member out. */
  book(c: SimConnectionState, s: SimSymbol, k: number, t: BookTokens, iso: string, omitBid?: boolean): string;
  /** A trade of symbol `s`, or '' when the venue has no separate trade stream (Coinbase: in the ticker). */
  trade(c: SimConnectionState, s: SimSymbol, k: number, price: string, qty: string, buy: boolean, iso: string): string;
  /** The venue's heartbeat message, or '' when it uses WebSocket pings. */
  heartbeat(c: SimConnectionState, iso: string): string;
  /** The first message after subscribing, if the venue sends snapshots (several tickers in one message). */
  snapshot(c: SimConnectionState, items: { s: SimSymbol; k: number; t: BookTokens }[], iso: string): string;
}

function parseRequest(text: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(text) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const str = (x: unknown): x is string => typeof x === 'string';

export class BinanceEncoder implements VenueEncoder {
  readonly venue = 'binance' as const;

  num(x: number, _decimals: number): string {
    return `"${x.toFixed(8)}"`;
  }

  onOpen(): string[] {
    return [];
  }

  onRequest(c: SimConnectionState, text: string, _symbols: readonly SimSymbol[], _iso: string, lookup: (n: string) => number): string[] {
    const r = parseRequest(text);
    if (!r) return ['{"code":3,"msg":"Invalid JSON: expected value at line 1 column 1"}'];
    const id = typeof r.id === 'number' || typeof r.id === 'string' || r.id === null ? JSON.stringify(r.id) : 'null';
    if (r.method === 'SUBSCRIBE' && Array.isArray(r.params) && r.params.every(str)) {
      // Binance acknowledges any well-formed stream name; unknown symbols just never send anything.
      for (const p of r.params) addBinanceStream(c, p, lookup);
      return [`{"result":null,"id":${id}}`];
    }
    if (r.method === 'LIST_SUBSCRIPTIONS') return [`{"result":[],"id":${id}}`];
    return [`{"error":{"code":2,"msg":"Invalid request: unknown variant"},"id":${id}}`];
  }

  book(c: SimConnectionState, s: SimSymbol, k: number, t: BookTokens, _iso: string, omitBid = false): string {
    const u = c.bookSeq[k]++;
    const bid = omitBid ? '' : `"b":${t.bid},`;
    const data = `{"u":${u},"s":"${s.venueName}",${bid}"B":${t.bidQty},"a":${t.ask},"A":${t.askQty}}`;
    return c.combined ? `{"stream":"${s.streamName}@bookTicker","data":${data}}` : data;
  }

  trade(c: SimConnectionState, s: SimSymbol, k: number, price: string, qty: string, buy: boolean): string {
    const now = Date.now();
    const id = c.tradeSeq[k]++;
    const data = `{"e":"trade","E":${now},"s":"${s.venueName}","t":${id},"p":${price},"q":${qty},"T":${now},"m":${!buy},"M":true}`;
    return c.combined ? `{"stream":"${s.streamName}@trade","data":${data}}` : data;
  }

  heartbeat(): string {
    return '';
  }

  snapshot(): string {
    return '';
  }
}

/** "btcusdt@bookTicker" -> subscription (ignores streams of other kinds or symbols). */
export function addBinanceStream(c: SimConnectionState, name: string, lookup: (n: string) => number): void {
  const [sym, kind] = name.split('@');
  const k = lookup(sym);
  const stream: SimStream | undefined = kind === 'bookTicker' ? 'book' : kind === 'trade' ? 'trade' : undefined;
  if (k < 0 || stream === undefined) return;
  if (!c.subs.some((x) => x.sym === k && x.stream === stream)) c.subs.push({ sym: k, stream });
}

export class CoinbaseEncoder implements VenueEncoder {
  readonly venue = 'coinbase' as const;

  num(x: number, decimals: number): string {
    // Coinbase prints plain decimals without trailing zeros ("8000.21", "15460").
    return `"${trimZeros(x.toFixed(decimals))}"`;
  }

  onOpen(): string[] {
    return [];
  }

  onRequest(c: SimConnectionState, text: string, symbols: readonly SimSymbol[], iso: string, lookup: (n: string) => number): string[] {
    const r = parseRequest(text);
    if (!r || r.type !== 'subscribe' || !str(r.channel)) {
      return [`{"type":"error","message":"Failed to subscribe","reason":"malformed subscribe request"}`];
    }
    if (r.channel === 'heartbeats') {
      c.heartbeats = true;
    } else if (r.channel === 'ticker') {
      const ids = Array.isArray(r.product_ids) && r.product_ids.every(str) ? r.product_ids : [];
      for (const pid of ids) {
        const k = lookup(pid);
        if (k < 0) return [`{"type":"error","message":"Failed to subscribe","reason":"${pid} is not a valid product"}`];
        if (!c.subs.some((x) => x.sym === k)) c.subs.push({ sym: k, stream: 'book' });
      }
    } else {
      return [`{"type":"error","message":"Failed to subscribe","reason":"channel ${r.channel} is not supported here"}`];
    }
    const ticker = c.subs.map((x) => JSON.stringify(symbols[x.sym].venueName)).join(',');
    const hb = c.heartbeats ? ',"heartbeats":["heartbeats"]' : '';
    return [
      `{"channel":"subscriptions","client_id":"","timestamp":"${iso}","sequence_num":${c.seq++},"events":[{"subscriptions":{"ticker":[${ticker}]${hb}}}]}`,
    ];
  }

  private ticker(s: SimSymbol, t: BookTokens, omitBid: boolean): string {
    const bid = omitBid ? '' : `"best_bid":${t.bid},`;
    return (
      `{"type":"ticker","product_id":"${s.venueName}","price":${t.last},"volume_24_h":"16038.28770938",` +
      `"low_24_h":"21835.29","high_24_h":"23011.18","low_52_w":"15460","high_52_w":"48240",` +
      `"price_percent_chg_24_h":"-4.15775596190603",${bid}"best_bid_quantity":${t.bidQty},` +
      `"best_ask":${t.ask},"best_ask_quantity":${t.askQty}}`
    );
  }

  book(c: SimConnectionState, s: SimSymbol, _k: number, t: BookTokens, iso: string, omitBid = false): string {
    return `{"channel":"ticker","client_id":"","timestamp":"${iso}","sequence_num":${c.seq++},"events":[{"type":"update","tickers":[${this.ticker(s, t, omitBid)}]}]}`;
  }

  trade(): string {
    return '';
  }

  heartbeat(c: SimConnectionState, iso: string): string {
    if (!c.heartbeats) return '';
    const n = c.heartbeatCounter++;
    return `{"channel":"heartbeats","client_id":"","timestamp":"${iso}","sequence_num":${c.seq++},"events":[{"current_time":"${iso.replace('T', ' ').replace('Z', ' +0000 UTC')}","heartbeat_counter":"${n}"}]}`;
  }

  snapshot(c: SimConnectionState, items: { s: SimSymbol; k: number; t: BookTokens }[], iso: string): string {
    const tickers = items.map((x) => this.ticker(x.s, x.t, false)).join(',');
    return `{"channel":"ticker","client_id":"","timestamp":"${iso}","sequence_num":${c.seq++},"events":[{"type":"snapshot","tickers":[${tickers}]}]}`;
  }
}

export class KrakenEncoder implements VenueEncoder {
  readonly venue = 'kraken' as const;
  private connectionId = 13834774380200032777n;

  num(x: number, decimals: number): string {
    return x.toFixed(decimals);
  }

  onOpen(): string[] {
    this.connectionId++;
    return [`{"channel":"status","data":[{"api_version":"v2","connection_id":${this.connectionId},"system":"online","version":"2.0.0"}],"type":"update"}`];
  }

  onRequest(c: SimConnectionState, text: string, _symbols: readonly SimSymbol[], iso: string, lookup: (n: string) => number): string[] {
    const r = parseRequest(text);
    const reqId = r && typeof r.req_id === 'number' ? `,"req_id":${r.req_id}` : '';
    if (r?.method === 'ping') return [`{"method":"pong"${reqId},"time_in":"${iso}","time_out":"${iso}"}`];
    const params = r?.params as Record<string, unknown> | undefined;
    if (r?.method !== 'subscribe' || typeof params !== 'object' || params === null || !Array.isArray(params.symbol)) {
      return [`{"error":"Malformed request","method":"${str(r?.method) ? r.method : 'unknown'}","success":false${reqId},"time_in":"${iso}","time_out":"${iso}"}`];
    }
    const channel = params.channel;
    if (channel !== 'ticker' && channel !== 'trade') {
      return [`{"error":"Channel not supported here","method":"subscribe","success":false${reqId},"time_in":"${iso}","time_out":"${iso}"}`];
    }
    const out: string[] = [];
    for (const sym of params.symbol) {
      const k = str(sym) ? lookup(sym) : -1;
      if (k < 0) {
        out.push(
          `{"error":"Currency pair not supported ${String(sym)}","method":"subscribe","success":false,"symbol":${JSON.stringify(sym)}${reqId},"time_in":"${iso}","time_out":"${iso}"}`,
        );
        continue;
      }
      const stream: SimStream = channel === 'ticker' ? 'book' : 'trade';
      if (!c.subs.some((x) => x.sym === k && x.stream === stream)) c.subs.push({ sym: k, stream });
      const trigger = channel === 'ticker' ? ',"event_trigger":"bbo"' : '';
      out.push(
        `{"method":"subscribe","result":{"channel":"${channel}"${trigger},"snapshot":${channel === 'ticker'},"symbol":"${sym as string}"},"success":true${reqId},"time_in":"${iso}","time_out":"${iso}"}`,
      );
    }
    return out;
  }

  private tickerItem(s: SimSymbol, t: BookTokens, iso: string, omitBid: boolean): string {
    const bid = omitBid ? '' : `"bid":${t.bid},`;
    return (
      `{"symbol":"${s.venueName}",${bid}"bid_qty":${t.bidQty},"ask":${t.ask},"ask_qty":${t.askQty},"last":${t.last},` +
      `"volume":997038.98383185,"vwap":0.10148,"low":0.09979,"high":0.10285,"change":-0.00017,"change_pct":-0.17,"timestamp":"${iso}"}`
    );
  }

  book(_c: SimConnectionState, s: SimSymbol, _k: number, t: BookTokens, iso: string, omitBid = false): string {
    return `{"channel":"ticker","type":"update","data":[${this.tickerItem(s, t, iso, omitBid)}]}`;
  }

  trade(c: SimConnectionState, s: SimSymbol, k: number, price: string, qty: string, buy: boolean, iso: string): string {
    const id = c.tradeSeq[k]++;
    return `{"channel":"trade","type":"update","data":[{"symbol":"${s.venueName}","side":"${buy ? 'buy' : 'sell'}","price":${price},"qty":${qty},"ord_type":"limit","trade_id":${id},"timestamp":"${iso}"}]}`;
  }

  heartbeat(c: SimConnectionState): string {
    return c.subs.length > 0 ? '{"channel":"heartbeat"}' : '';
  }

  snapshot(_c: SimConnectionState, items: { s: SimSymbol; k: number; t: BookTokens }[], iso: string): string {
    return `{"channel":"ticker","type":"snapshot","data":[${items.map((x) => this.tickerItem(x.s, x.t, iso, false)).join(',')}]}`;
  }
}

function trimZeros(s: string): string {
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

export function encoderFor(venue: Venue): VenueEncoder {
  switch (venue) {
    case 'binance':
      return new BinanceEncoder();
    case 'coinbase':
      return new CoinbaseEncoder();
    case 'kraken':
      return new KrakenEncoder();
  }
}
