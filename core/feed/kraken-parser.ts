/**
 * Kraken Spot WebSocket v2 (wss://ws.kraken.com/v2), numbers as JSON numbers:
 *   {"channel":"ticker","type":"snapshot","data":[{"symbol":"ALGO/USD","bid":0.10025,"bid_qty":740.0,
 *     "ask":0.10036,"ask_qty":1361.44813783,"last":0.10035,...}]}
 *   {"channel":"trade","type":"update","data":[{"symbol":"MATIC/USD","side":"buy","price":0.5147,
 *     "qty":6423.46326,"ord_type":"limit","trade_id":4665846,"timestamp":"..."}]}
 * plus the heartbeat and status channels and the method responses
 * (subscribe/unsubscribe acks with "success", pong). Each data element is
 * one item: ticker -> bid/ask/sizes/last, exchSeq 0 (the channel has no
 * sequence); trade -> last = price, exchSeq = trade_id. Keys in any order; a
 * repeated key counts with its last value.
 */
import { FastShape } from './fast-shape.js';
import { Reason } from './feed-stats.js';
import { boolValue, fieldStatus, readBoolean, readItemField, readString, strEnd, strStart } from './field-reader.js';
import {
  COMMA,
  LBRACE,
  LBRACKET,
  RBRACE,
  RBRACKET,
  arrayNext,
  arrayStart,
  ascii,
  bytesAre,
  closed,
  keyEnd,
  keyEscaped,
  keyIs,
  keyStart,
  objectNext,
  objectStart,
  skipValue,
  skipWs,
} from './json-scanner.js';
import { MessageScratch } from './message-scratch.js';
import type { SymbolMap } from './symbol-map.js';
import { TickBatch, putBook, putTrade, requireFields } from './tick-batch.js';
import { ABSENT, DEFAULT_BATCH_CAPACITY, KEY_ESCAPED, MessageKind, scanFailure, topLevelObject, type VenueParser } from './venue-parser.js';


// Item fields.
const SYMBOL = 0;
const BID = 1;
const BID_QTY = 2;
const ASK = 3;
const ASK_QTY = 4;
const LAST = 5;
const PRICE = 6;
const QTY = 7;
const TRADE_ID = 8;
const NF = 9;
const TICKER_FIELDS = Int32Array.of(SYMBOL, BID, BID_QTY, ASK, ASK_QTY, LAST);
const TRADE_FIELDS = Int32Array.of(SYMBOL, PRICE, QTY, TRADE_ID);

const CH_NONE = 0;
const CH_TICKER = 1;
const CH_TRADE = 2;
const CH_HEARTBEAT = 3;
const CH_STATUS = 4;
const CH_OTHER = 5;

const M_NONE = 0;
const M_SUBSCRIBE = 1;
const M_PONG = 2;
const M_OTHER = 3;

const K_CHANNEL = ascii('channel');
const K_DATA = ascii('data');
const K_METHOD = ascii('method');
const K_SUCCESS = ascii('success');
const K_SYMBOL = ascii('symbol');
const K_BID = ascii('bid');
const K_ASK = ascii('ask');
const K_QTY = ascii('qty');
const K_LAST = ascii('last');
const K_PRICE = ascii('price');
const K_BID_QTY = ascii('bid_qty');
const K_ASK_QTY = ascii('ask_qty');
const K_TRADE_ID = ascii('trade_id');
const V_TICKER = ascii('ticker');
const V_TRADE = ascii('trade');
const V_HEARTBEAT = ascii('heartbeat');
const V_STATUS = ascii('status');
const V_SUBSCRIBE = ascii('subscribe');
const V_UNSUBSCRIBE = ascii('unsubscribe');
const V_PONG = ascii('pong');

// The documented messages, for the fast path.
const FAST_TICKER_HEAD = new FastShape('{"channel":"ticker","type":"#t","data":[', []);
const FAST_TRADE_HEAD = new FastShape('{"channel":"trade","type":"#t","data":[', []);
const TICKER_ITEM =
  '{"symbol":"#s","bid":#n,"bid_qty":#n,"ask":#n,"ask_qty":#n,"last":#n,"volume":#x,"vwap":#x,"low":#x,"high":#x,"change":#x,"change_pct":#x';
const TICKER_ITEM_FIELDS = [SYMBOL, BID, BID_QTY, ASK, ASK_QTY, LAST];
const FAST_TICKER = new FastShape(TICKER_ITEM + ',"timestamp":"#t"}', TICKER_ITEM_FIELDS);
/** Ticker items as sent before the timestamp member was added. */
const FAST_TICKER_NO_TIME = new FastShape(TICKER_ITEM + '}', TICKER_ITEM_FIELDS);
const FAST_TRADE = new FastShape(
  '{"symbol":"#s","side":"#t","price":#n,"qty":#n,"ord_type":"#t","trade_id":#n,"timestamp":"#t"}',
  [SYMBOL, PRICE, QTY, TRADE_ID],
);

export class KrakenParser implements VenueParser {
  readonly venue = 'kraken' as const;
  readonly batch: TickBatch;
  readonly seq = new Float64Array([NaN]);
  kind: number = MessageKind.None;
  private readonly v: Float64Array;
  private readonly st: Int32Array;
  /** Per item: bit f set when field f was in it. */
  private readonly seen: Int32Array;
  private items = 0;
  private channel = CH_NONE;
  private method = M_NONE;
  private success = ABSENT;
  private dataStatus = ABSENT;
  /** WRONG_TYPE when data holds something else than objects. */
  private structure: number = Reason.OK;
  private readonly scratch: MessageScratch;

  constructor(
    private readonly symbols: SymbolMap,
    capacity = DEFAULT_BATCH_CAPACITY,
    scratchBytes = 65536,
  ) {
    this.batch = new TickBatch(capacity);
    this.v = new Float64Array(capacity * NF);
    this.st = new Int32Array(capacity * NF);
    this.seen = new Int32Array(capacity);
    this.scratch = new MessageScratch(scratchBytes);
  }

  parse(b: Uint8Array, start: number, end: number): number {
    this.reset();
    if (this.fast(b, start, end)) return this.finish(true);
    this.reset();
    let i = topLevelObject(b, start, end);
    if (i < 0) return -1 - i;
    i = this.scanTop(b, i, end);
    if (i < 0) return scanFailure(i);
    if (skipWs(b, i, end) !== end) return Reason.MALFORMED;
    return this.finish(false);
  }

  private reset(): void {
    this.batch.clear();
    this.kind = MessageKind.None;
    this.items = 0;
    this.channel = CH_NONE;
    this.method = M_NONE;
    this.success = ABSENT;
    this.dataStatus = ABSENT;
    this.structure = Reason.OK;
  }

  /** The documented ticker and trade messages, matched in a MessageScratch. False: use the general scanner. */
  private fast(b: Uint8Array, start: number, end: number): boolean {
    const n = this.scratch.load(b, start, end);
    if (n < 0) return false;
    const u = this.scratch.u8;
    const dv = this.scratch.dv;
    const v = this.v;
    const st = this.st;
    const symbols = this.symbols;
    const capacity = this.batch.capacity;
    let channel = CH_TICKER;
    let i = FAST_TICKER_HEAD.match(u, dv, 0, n, v, st, 0, symbols);
    if (i < 0) {
      channel = CH_TRADE;
      i = FAST_TRADE_HEAD.match(u, dv, 0, n, v, st, 0, symbols);
      if (i < 0) return false;
    }
    for (;;) {
      if (this.items === capacity) return false;
      const base = this.items * NF;
      let j: number;
      if (channel === CH_TICKER) {
        j = FAST_TICKER.match(u, dv, i, n, v, st, base, symbols);
        if (j < 0) j = FAST_TICKER_NO_TIME.match(u, dv, i, n, v, st, base, symbols);
        this.seen[this.items++] = FAST_TICKER.mask;
      } else {
        j = FAST_TRADE.match(u, dv, i, n, v, st, base, symbols);
        this.seen[this.items++] = FAST_TRADE.mask;
      }
      if (j < 0) return false;
      i = j;
      const c = u[i++];
      if (c === RBRACKET) break;
      if (c !== COMMA) return false;
    }
    if (u[i] !== RBRACE || i + 1 !== n) return false;
    this.channel = channel;
    this.dataStatus = Reason.OK;
    return true;
  }

  private scanTop(b: Uint8Array, i: number, end: number): number {
    i = objectStart(b, i, end);
    while (i >= 0 && !closed) {
      if (keyEscaped) return KEY_ESCAPED;
      const kl = keyEnd - keyStart;
      if (kl === 7 && keyIs(b, K_CHANNEL)) {
        i = readString(b, i, end);
        if (i >= 0) this.channel = fieldStatus === Reason.OK ? channelOf(b, strStart, strEnd) : CH_OTHER;
      } else if (kl === 4 && keyIs(b, K_DATA)) {
        i = this.scanData(b, i, end);
      } else if (kl === 6 && keyIs(b, K_METHOD)) {
        i = readString(b, i, end);
        if (i >= 0) this.method = fieldStatus === Reason.OK ? methodOf(b, strStart, strEnd) : M_OTHER;
      } else if (kl === 7 && keyIs(b, K_SUCCESS)) {
        i = readBoolean(b, i, end);
        this.success = fieldStatus === Reason.OK && boolValue ? 1 : 0;
      } else {
        i = skipValue(b, i, end);
      }
      if (i < 0) return i;
      i = objectNext(b, i, end);
    }
    return i;
  }

  private scanData(b: Uint8Array, i: number, end: number): number {
    // A repeated "data" replaces the earlier list.
    this.items = 0;
    this.batch.overflow = 0;
    this.structure = Reason.OK;
    if (b[i] !== LBRACKET) {
      this.dataStatus = Reason.WRONG_TYPE;
      return skipValue(b, i, end);
    }
    this.dataStatus = Reason.OK;
    i = arrayStart(b, i, end);
    while (i >= 0 && !closed) {
      if (b[i] !== LBRACE) {
        this.structure = Reason.WRONG_TYPE;
        i = skipValue(b, i, end);
      } else if (this.items < this.batch.capacity) {
        i = this.scanItem(b, i, end, this.items);
        this.items++;
      } else {
        this.batch.overflow++;
        i = skipValue(b, i, end);
      }
      if (i < 0) return i;
      i = arrayNext(b, i, end);
    }
    return i;
  }

  private scanItem(b: Uint8Array, i: number, end: number, item: number): number {
    const base = item * NF;
    const st = this.st;
    let seen = 0;
    i = objectStart(b, i, end);
    while (i >= 0 && !closed) {
      if (keyEscaped) return KEY_ESCAPED;
      let f = -1;
      switch (keyEnd - keyStart) {
        case 3:
          if (keyIs(b, K_BID)) f = BID;
          else if (keyIs(b, K_ASK)) f = ASK;
          else if (keyIs(b, K_QTY)) f = QTY;
          break;
        case 4:
          if (keyIs(b, K_LAST)) f = LAST;
          break;
        case 5:
          if (keyIs(b, K_PRICE)) f = PRICE;
          break;
        case 6:
          if (keyIs(b, K_SYMBOL)) f = SYMBOL;
          break;
        case 7:
          if (keyIs(b, K_BID_QTY)) f = BID_QTY;
          else if (keyIs(b, K_ASK_QTY)) f = ASK_QTY;
          break;
        case 8:
          if (keyIs(b, K_TRADE_ID)) f = TRADE_ID;
          break;
      }
      i = readItemField(b, i, end, f, SYMBOL, this.symbols, this.v, st, base);
      if (f >= 0) seen |= 1 << f;
      if (i < 0) return i;
      i = objectNext(b, i, end);
    }
    this.seen[item] = seen;
    return i;
  }

  /** `complete`: the fast path matched, so every field of every item is present and well-formed. */
  private finish(complete: boolean): number {
    switch (this.channel) {
      case CH_NONE:
        return this.finishMethod();
      case CH_HEARTBEAT:
        this.kind = MessageKind.Heartbeat;
        return Reason.OK;
      case CH_STATUS:
        this.kind = MessageKind.Info;
        return Reason.OK;
      case CH_TICKER:
      case CH_TRADE:
        break;
      default:
        return Reason.UNKNOWN_MESSAGE;
    }
    if (this.dataStatus === ABSENT) return Reason.MISSING_FIELD;
    if (this.dataStatus !== Reason.OK) return this.dataStatus;
    if (this.structure !== Reason.OK) return this.structure;
    const batch = this.batch;
    const st = this.st;
    const v = this.v;
    const trade = this.channel === CH_TRADE;
    const n = this.items;
    for (let k = 0; k < n; k++) {
      const base = k * NF;
      const s = complete ? Reason.OK : requireFields(st, this.seen[k], base, trade ? TRADE_FIELDS : TICKER_FIELDS);
      if (s !== Reason.OK) batch.status[k] = s;
      else if (trade) putTrade(batch, k, v[base + SYMBOL] | 0, v, base + PRICE, base + QTY, base + TRADE_ID);
      else putBook(batch, k, v[base + SYMBOL] | 0, v, base + BID, base + BID_QTY, base + ASK, base + ASK_QTY, base + LAST, -1);
    }
    batch.count = n;
    this.kind = MessageKind.Ticks;
    return Reason.OK;
  }

  private finishMethod(): number {
    switch (this.method) {
      case M_PONG:
        this.kind = MessageKind.Pong;
        return Reason.OK;
      case M_SUBSCRIBE:
        if (this.success !== 1) return Reason.VENUE_ERROR;
        this.kind = MessageKind.Ack;
        return Reason.OK;
      default:
        return Reason.UNKNOWN_MESSAGE;
    }
  }
}

function channelOf(b: Uint8Array, start: number, end: number): number {
  if (bytesAre(b, start, end, V_TICKER)) return CH_TICKER;
  if (bytesAre(b, start, end, V_TRADE)) return CH_TRADE;
  if (bytesAre(b, start, end, V_HEARTBEAT)) return CH_HEARTBEAT;
  if (bytesAre(b, start, end, V_STATUS)) return CH_STATUS;
  return CH_OTHER;
}

function methodOf(b: Uint8Array, start: number, end: number): number {
  if (bytesAre(b, start, end, V_SUBSCRIBE) || bytesAre(b, start, end, V_UNSUBSCRIBE)) return M_SUBSCRIBE;
  if (bytesAre(b, start, end, V_PONG)) return M_PONG;
  return M_OTHER;
}
