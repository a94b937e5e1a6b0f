/**
 * The reference the feed parsers are checked against: the same decisions
 * written the obvious way, with JSON.parse and Number(). For any message
 * the byte parsers accept, this must accept it too with bit-identical
 * values (the parsers may refuse more: escaped strings, very deep nesting,
 * batches beyond capacity).
 */
import { Reason } from '../core/feed/feed-stats.js';
import type { SymbolMap } from '../core/feed/symbol-map.js';
import { MessageKind } from '../core/feed/venue-parser.js';

export interface RefItem {
  status: number;
  symbol: number;
  bid: number;
  ask: number;
  last: number;
  bidQty: number;
  askQty: number;
  exchSeq: number;
}

export interface RefResult {
  reason: number;
  kind: number;
  items: RefItem[];
  /** Connection-wide sequence number (Coinbase), NaN when none. */
  seq: number;
}

const JSON_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;
const NON_FINITE_WORDS = new Set(['NaN', 'Infinity', '-Infinity', '+Infinity']);
const MAX_SEQ = 2 ** 53;

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const has = (o: Obj, k: string) => Object.hasOwn(o, k);

interface Num {
  status: number;
  value: number;
}

function numeric(x: unknown): Num {
  if (typeof x === 'number') return { status: Number.isFinite(x) ? Reason.OK : Reason.NOT_FINITE, value: x };
  if (typeof x === 'string') {
    if (!JSON_NUMBER.test(x)) return { status: NON_FINITE_WORDS.has(x) ? Reason.NOT_FINITE : Reason.BAD_NUMBER, value: NaN };
    const v = Number(x);
    return { status: Number.isFinite(v) ? Reason.OK : Reason.NOT_FINITE, value: v };
  }
  return { status: Reason.WRONG_TYPE, value: NaN };
}

function symbolOf(x: unknown, map: SymbolMap): Num {
  if (typeof x !== 'string') return { status: Reason.WRONG_TYPE, value: -1 };
  const id = map.lookupString(x);
  return { status: id < 0 ? Reason.UNKNOWN_SYMBOL : Reason.OK, value: id };
}

const seqValid = (s: number) => s >= 0 && s <= MAX_SEQ && Math.floor(s) === s;

/** Required fields in order: absent -> MISSING_FIELD, else its status. */
function fields(o: Obj, names: string[], read: (name: string, v: unknown) => Num): { status: number; values: number[] } {
  const values: number[] = [];
  for (const n of names) {
    if (!has(o, n)) return { status: Reason.MISSING_FIELD, values };
    const r = read(n, o[n]);
    if (r.status !== Reason.OK) return { status: r.status, values };
    values.push(r.value);
  }
  return { status: Reason.OK, values };
}

function book(symbol: number, bid: number, bidQty: number, ask: number, askQty: number, last: number, seq: number): RefItem {
  let status: number = Reason.OK;
  if (!(bid > 0) || !(ask > 0) || last <= 0) status = Reason.NON_POSITIVE_PRICE;
  else if (bidQty < 0 || askQty < 0) status = Reason.BAD_QUANTITY;
  else if (bidQty === 0 || askQty === 0) status = Reason.ZERO_BOOK;
  else if (bid >= ask) status = Reason.CROSSED_BOOK;
  else if (!seqValid(seq)) status = Reason.BAD_NUMBER;
  return { status, symbol, bid, ask, last, bidQty, askQty, exchSeq: seq };
}

function trade(symbol: number, price: number, qty: number, seq: number): RefItem {
  let status: number = Reason.OK;
  if (!(price > 0)) status = Reason.NON_POSITIVE_PRICE;
  else if (!(qty > 0)) status = Reason.BAD_QUANTITY;
  else if (!seqValid(seq)) status = Reason.BAD_NUMBER;
  return { status, symbol, bid: NaN, ask: NaN, last: price, bidQty: NaN, askQty: NaN, exchSeq: seq };
}

const refused = (status: number): RefItem => ({ status, symbol: -1, bid: NaN, ask: NaN, last: NaN, bidQty: NaN, askQty: NaN, exchSeq: NaN });
const result = (reason: number, kind: number = MessageKind.None, items: RefItem[] = [], seq = NaN): RefResult => ({ reason, kind, items, seq });

function parse(text: string): { ok: true; msg: unknown } | { ok: false } {
  try {
    return { ok: true, msg: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

export function referenceBinance(text: string, map: SymbolMap): RefResult {
  const p = parse(text);
  if (!p.ok) return result(Reason.MALFORMED);
  const msg = p.msg;
  if (!isObj(msg)) return result(Reason.UNKNOWN_MESSAGE);
  let d: Obj = msg;
  if (has(msg, 'stream')) {
    if (!has(msg, 'data')) return result(Reason.MISSING_FIELD);
    if (!isObj(msg.data)) return result(Reason.WRONG_TYPE);
    d = msg.data;
  } else if (has(msg, 'error')) {
    return result(Reason.VENUE_ERROR);
  } else if (has(msg, 'result') && has(msg, 'id')) {
    return result(Reason.OK, MessageKind.Ack);
  }
  const read = (name: string, v: unknown) => (name === 's' ? symbolOf(v, map) : numeric(v));
  if (has(d, 'e')) {
    if (typeof d.e !== 'string') return result(Reason.WRONG_TYPE);
    if (d.e !== 'trade') return result(Reason.UNKNOWN_MESSAGE);
    const f = fields(d, ['s', 't', 'p', 'q'], read);
    const item = f.status !== Reason.OK ? refused(f.status) : trade(f.values[0], f.values[2], f.values[3], f.values[1]);
    return result(Reason.OK, MessageKind.Ticks, [item]);
  }
  if (has(d, 'u')) {
    const f = fields(d, ['u', 's', 'b', 'B', 'a', 'A'], read);
    const [u, s, b, bq, a, aq] = f.values;
    const item = f.status !== Reason.OK ? refused(f.status) : book(s, b, bq, a, aq, NaN, u);
    return result(Reason.OK, MessageKind.Ticks, [item]);
  }
  return result(Reason.UNKNOWN_MESSAGE);
}

export function referenceCoinbase(text: string, map: SymbolMap): RefResult {
  const p = parse(text);
  if (!p.ok) return result(Reason.MALFORMED);
  const msg = p.msg;
  if (!isObj(msg)) return result(Reason.UNKNOWN_MESSAGE);
  let seqStatus = -1;
  let seq = NaN;
  if (has(msg, 'sequence_num')) {
    const n = numeric(msg.sequence_num);
    seqStatus = n.status;
    if (n.status === Reason.OK) {
      if (seqValid(n.value)) seq = n.value;
      else seqStatus = Reason.BAD_NUMBER;
    }
  }
  if (msg.type === 'error') return result(Reason.VENUE_ERROR, MessageKind.None, [], seq);
  const channel = msg.channel;
  if (channel === 'heartbeats') return result(Reason.OK, MessageKind.Heartbeat, [], seq);
  if (channel === 'subscriptions') return result(Reason.OK, MessageKind.Ack, [], seq);
  if (channel !== 'ticker' && channel !== 'ticker_batch') return result(Reason.UNKNOWN_MESSAGE, MessageKind.None, [], seq);
  if (!has(msg, 'events')) return result(Reason.MISSING_FIELD, MessageKind.None, [], seq);
  if (!Array.isArray(msg.events)) return result(Reason.WRONG_TYPE, MessageKind.None, [], seq);
  const tickers: unknown[] = [];
  for (const ev of msg.events) {
    if (!isObj(ev)) return result(Reason.WRONG_TYPE, MessageKind.None, [], seq);
    if (!has(ev, 'tickers')) continue;
    if (!Array.isArray(ev.tickers)) return result(Reason.WRONG_TYPE, MessageKind.None, [], seq);
    for (const t of ev.tickers) {
      if (!isObj(t)) return result(Reason.WRONG_TYPE, MessageKind.None, [], seq);
      tickers.push(t);
    }
  }
  if (seqStatus !== -1 && seqStatus !== Reason.OK) return result(seqStatus, MessageKind.None, [], seq);
  const read = (name: string, v: unknown) => (name === 'product_id' ? symbolOf(v, map) : numeric(v));
  const items = (tickers as Obj[]).map((t) => {
    const f = fields(t, ['product_id', 'best_bid', 'best_bid_quantity', 'best_ask', 'best_ask_quantity', 'price'], read);
    const [s, b, bq, a, aq, last] = f.values;
    return f.status !== Reason.OK ? refused(f.status) : book(s, b, bq, a, aq, last, seqStatus === Reason.OK ? seq : 0);
  });
  return result(Reason.OK, MessageKind.Ticks, items, seq);
}

export function referenceKraken(text: string, map: SymbolMap): RefResult {
  const p = parse(text);
  if (!p.ok) return result(Reason.MALFORMED);
  const msg = p.msg;
  if (!isObj(msg)) return result(Reason.UNKNOWN_MESSAGE);
  if (!has(msg, 'channel')) {
    const m = msg.method;
    if (!has(msg, 'method')) return result(Reason.UNKNOWN_MESSAGE);
    if (m === 'pong') return result(Reason.OK, MessageKind.Pong);
    if (m === 'subscribe' || m === 'unsubscribe') return msg.success === true ? result(Reason.OK, MessageKind.Ack) : result(Reason.VENUE_ERROR);
    return result(Reason.UNKNOWN_MESSAGE);
  }
  const channel = msg.channel;
  if (channel === 'heartbeat') return result(Reason.OK, MessageKind.Heartbeat);
  if (channel === 'status') return result(Reason.OK, MessageKind.Info);
  if (channel !== 'ticker' && channel !== 'trade') return result(Reason.UNKNOWN_MESSAGE);
  if (!has(msg, 'data')) return result(Reason.MISSING_FIELD);
  if (!Array.isArray(msg.data)) return result(Reason.WRONG_TYPE);
  if (!msg.data.every(isObj)) return result(Reason.WRONG_TYPE);
  const read = (name: string, v: unknown) => (name === 'symbol' ? symbolOf(v, map) : numeric(v));
  const items = (msg.data as Obj[]).map((d) => {
    if (channel === 'trade') {
      const f = fields(d, ['symbol', 'price', 'qty', 'trade_id'], read);
      return f.status !== Reason.OK ? refused(f.status) : trade(f.values[0], f.values[1], f.values[2], f.values[3]);
    }
    const f = fields(d, ['symbol', 'bid', 'bid_qty', 'ask', 'ask_qty', 'last'], read);
    const [s, b, bq, a, aq, last] = f.values;
    return f.status !== Reason.OK ? refused(f.status) : book(s, b, bq, a, aq, last, 0);
  });
  return result(Reason.OK, MessageKind.Ticks, items);
}

export const REFERENCE = { binance: referenceBinance, coinbase: referenceCoinbase, kraken: referenceKraken };
