/**
 * Coinbase Advanced Trade market data (wss://advanced-trade-ws.coinbase.com):
 *   {"channel":"ticker","client_id":"","timestamp":"...","sequence_num":0,
 *    "events":[{"type":"snapshot","tickers":[{"type":"ticker","product_id":"BTC-USD","price":"21932.98",
 *      ...,"best_bid":"21931.98","best_bid_quantity":"8000.21","best_ask":"21933.98","best_ask_quantity":"8038.07770938"}]}]}
 * ("ticker_batch" has the same shape), the "heartbeats" channel, the
 * "subscriptions" acknowledgement and {"type":"error",...}. One message may
 * carry several events, each with several tickers: each ticker is one item
 * of the batch (last = price, exchSeq = the message's sequence_num).
 * sequence_num counts every message of the connection; the parser reports it
 * in seq[0] for the client's gap check. Keys in any order; a repeated key
 * counts with its last value.
 */
import { FastShape } from './fast-shape.js';
import { Reason } from './feed-stats.js';
import { fieldStatus, readItemField, readNumber, readString, strEnd, strStart } from './field-reader.js';
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
import { TickBatch, putBook, requireFields } from './tick-batch.js';
import { ABSENT, DEFAULT_BATCH_CAPACITY, KEY_ESCAPED, MessageKind, scanFailure, topLevelObject, type VenueParser } from './venue-parser.js';

const MAX_SEQ = 9007199254740992;

// Ticker fields.
const PRODUCT = 0;
const PRICE = 1;
const BID = 2;
const BID_QTY = 3;
const ASK = 4;
const ASK_QTY = 5;
const NF = 6;
const TICKER_FIELDS = Int32Array.of(PRODUCT, BID, BID_QTY, ASK, ASK_QTY, PRICE);

const CH_NONE = 0;
const CH_TICKER = 1;
const CH_HEARTBEATS = 2;
const CH_SUBSCRIPTIONS = 3;
const CH_OTHER = 4;

const K_CHANNEL = ascii('channel');
const K_SEQUENCE_NUM = ascii('sequence_num');
const K_EVENTS = ascii('events');
const K_TYPE = ascii('type');
const K_TICKERS = ascii('tickers');
const K_PRODUCT_ID = ascii('product_id');
const K_PRICE = ascii('price');
const K_BEST_BID = ascii('best_bid');
const K_BEST_ASK = ascii('best_ask');
const K_BEST_BID_QUANTITY = ascii('best_bid_quantity');
const K_BEST_ASK_QUANTITY = ascii('best_ask_quantity');
const V_TICKER = ascii('ticker');
const V_TICKER_BATCH = ascii('ticker_batch');
const V_HEARTBEATS = ascii('heartbeats');
const V_SUBSCRIPTIONS = ascii('subscriptions');
const V_ERROR = ascii('error');

// The documented ticker message, for the fast path (the prefix's one field is the sequence_num slot, set per parser).
const FAST_EVENT = new FastShape('{"type":"#t","tickers":[', []);
const FAST_TICKER = new FastShape(
  '{"type":"ticker","product_id":"#s","price":"#n","volume_24_h":"#t","low_24_h":"#t","high_24_h":"#t",' +
    '"low_52_w":"#t","high_52_w":"#t","price_percent_chg_24_h":"#t","best_bid":"#n","best_bid_quantity":"#n",' +
    '"best_ask":"#n","best_ask_quantity":"#n"}',
  [PRODUCT, PRICE, BID, BID_QTY, ASK, ASK_QTY],
);

export class CoinbaseParser implements VenueParser {
  readonly venue = 'coinbase' as const;
  readonly batch: TickBatch;
  readonly seq = new Float64Array([NaN]);
  kind: number = MessageKind.None;
  /** Ticker values and statuses, NF per item, then the message's sequence_num. */
  private readonly v: Float64Array;
  private readonly st: Int32Array;
  /** Per ticker: bit f set when field f was in it. */
  private readonly seen: Int32Array;
  private readonly seqSlot: number;
  private items = 0;
  private channel = CH_NONE;
  private seqStatus = ABSENT;
  private eventsStatus = ABSENT;
  /** WRONG_TYPE when events or tickers hold something else than objects. */
  private structure: number = Reason.OK;
  private typeIsError = false;
  private readonly scratch: MessageScratch;
  private readonly fastPrefix: FastShape;

  constructor(
    private readonly symbols: SymbolMap,
    capacity = DEFAULT_BATCH_CAPACITY,
    scratchBytes = 65536,
  ) {
    this.batch = new TickBatch(capacity);
    this.seqSlot = capacity * NF;
    this.v = new Float64Array(capacity * NF + 1);
    this.st = new Int32Array(capacity * NF + 1);
    this.seen = new Int32Array(capacity);
    this.scratch = new MessageScratch(scratchBytes);
    this.fastPrefix = new FastShape('{"channel":"ticker","client_id":"#t","timestamp":"#t","sequence_num":#n,"events":[', [this.seqSlot]);
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
    this.seq[0] = NaN;
    this.items = 0;
    this.channel = CH_NONE;
    this.seqStatus = ABSENT;
    this.eventsStatus = ABSENT;
    this.structure = Reason.OK;
    this.typeIsError = false;
  }

  /** The documented ticker message, matched in a MessageScratch. False: use the general scanner. */
  private fast(b: Uint8Array, start: number, end: number): boolean {
    const n = this.scratch.load(b, start, end);
    if (n < 0) return false;
    const u = this.scratch.u8;
    const dv = this.scratch.dv;
    const v = this.v;
    const st = this.st;
    const symbols = this.symbols;
    const capacity = this.batch.capacity;
    let i = this.fastPrefix.match(u, dv, 0, n, v, st, 0, symbols);
    if (i < 0) return false;
    for (;;) {
      i = FAST_EVENT.match(u, dv, i, n, v, st, 0, symbols);
      if (i < 0) return false;
      for (;;) {
        if (this.items === capacity) return false;
        i = FAST_TICKER.match(u, dv, i, n, v, st, this.items * NF, symbols);
        if (i < 0) return false;
        this.seen[this.items++] = FAST_TICKER.mask;
        const c = u[i++];
        if (c === RBRACKET) break;
        if (c !== COMMA) return false;
      }
      if (u[i++] !== RBRACE) return false;
      const c = u[i++];
      if (c === RBRACKET) break;
      if (c !== COMMA) return false;
    }
    if (u[i] !== RBRACE || i + 1 !== n) return false;
    this.channel = CH_TICKER;
    this.seqStatus = Reason.OK;
    this.eventsStatus = Reason.OK;
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
      } else if (kl === 12 && keyIs(b, K_SEQUENCE_NUM)) {
        i = readNumber(b, i, end, this.v, this.seqSlot);
        this.seqStatus = fieldStatus;
      } else if (kl === 6 && keyIs(b, K_EVENTS)) {
        i = this.scanEvents(b, i, end);
      } else if (kl === 4 && keyIs(b, K_TYPE)) {
        i = readString(b, i, end);
        this.typeIsError = i >= 0 && fieldStatus === Reason.OK && bytesAre(b, strStart, strEnd, V_ERROR);
      } else {
        i = skipValue(b, i, end);
      }
      if (i < 0) return i;
      i = objectNext(b, i, end);
    }
    return i;
  }

  private scanEvents(b: Uint8Array, i: number, end: number): number {
    // A repeated "events" replaces the earlier list.
    this.items = 0;
    this.batch.overflow = 0;
    this.structure = Reason.OK;
    if (b[i] !== LBRACKET) {
      this.eventsStatus = Reason.WRONG_TYPE;
      return skipValue(b, i, end);
    }
    this.eventsStatus = Reason.OK;
    i = arrayStart(b, i, end);
    while (i >= 0 && !closed) {
      if (b[i] === LBRACE) {
        i = this.scanEvent(b, i, end);
      } else {
        this.structure = Reason.WRONG_TYPE;
        i = skipValue(b, i, end);
      }
      if (i < 0) return i;
      i = arrayNext(b, i, end);
    }
    return i;
  }

  private scanEvent(b: Uint8Array, i: number, end: number): number {
    const firstItem = this.items;
    const firstOverflow = this.batch.overflow;
    i = objectStart(b, i, end);
    while (i >= 0 && !closed) {
      if (keyEscaped) return KEY_ESCAPED;
      if (keyEnd - keyStart === 7 && keyIs(b, K_TICKERS)) {
        // A repeated "tickers" replaces the earlier list.
        this.items = firstItem;
        this.batch.overflow = firstOverflow;
        if (b[i] === LBRACKET) {
          i = this.scanTickers(b, i, end);
        } else {
          this.structure = Reason.WRONG_TYPE;
          i = skipValue(b, i, end);
        }
      } else {
        i = skipValue(b, i, end);
      }
      if (i < 0) return i;
      i = objectNext(b, i, end);
    }
    return i;
  }

  private scanTickers(b: Uint8Array, i: number, end: number): number {
    i = arrayStart(b, i, end);
    while (i >= 0 && !closed) {
      if (b[i] !== LBRACE) {
        this.structure = Reason.WRONG_TYPE;
        i = skipValue(b, i, end);
      } else if (this.items < this.batch.capacity) {
        i = this.scanTicker(b, i, end, this.items);
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

  private scanTicker(b: Uint8Array, i: number, end: number, item: number): number {
    const base = item * NF;
    const st = this.st;
    let seen = 0;
    i = objectStart(b, i, end);
    while (i >= 0 && !closed) {
      if (keyEscaped) return KEY_ESCAPED;
      const kl = keyEnd - keyStart;
      let f = -1;
      if (kl === 5) {
        if (keyIs(b, K_PRICE)) f = PRICE;
      } else if (kl === 8) {
        if (keyIs(b, K_BEST_BID)) f = BID;
        else if (keyIs(b, K_BEST_ASK)) f = ASK;
      } else if (kl === 17) {
        if (keyIs(b, K_BEST_BID_QUANTITY)) f = BID_QTY;
        else if (keyIs(b, K_BEST_ASK_QUANTITY)) f = ASK_QTY;
      } else if (kl === 10) {
        if (keyIs(b, K_PRODUCT_ID)) f = PRODUCT;
      }
      i = readItemField(b, i, end, f, PRODUCT, this.symbols, this.v, st, base);
      if (f >= 0) seen |= 1 << f;
      if (i < 0) return i;
      i = objectNext(b, i, end);
    }
    this.seen[item] = seen;
    return i;
  }

  /** `complete`: the fast path matched, so every field of every item is present and well-formed. */
  private finish(complete: boolean): number {
    const v = this.v;
    let seqStatus = this.seqStatus;
    if (seqStatus === Reason.OK) {
      const s = v[this.seqSlot];
      if (s >= 0 && s <= MAX_SEQ && Math.floor(s) === s) this.seq[0] = s;
      else seqStatus = Reason.BAD_NUMBER;
    }
    if (this.typeIsError) return Reason.VENUE_ERROR;
    switch (this.channel) {
      case CH_HEARTBEATS:
        this.kind = MessageKind.Heartbeat;
        return Reason.OK;
      case CH_SUBSCRIPTIONS:
        this.kind = MessageKind.Ack;
        return Reason.OK;
      case CH_TICKER:
        break;
      default:
        return Reason.UNKNOWN_MESSAGE;
    }
    if (this.eventsStatus === ABSENT) return Reason.MISSING_FIELD;
    if (this.eventsStatus !== Reason.OK) return this.eventsStatus;
    if (this.structure !== Reason.OK) return this.structure;
    if (seqStatus !== ABSENT && seqStatus !== Reason.OK) return seqStatus;
    const pSeq = seqStatus === Reason.OK ? this.seqSlot : -1;
    const batch = this.batch;
    const st = this.st;
    const n = this.items;
    for (let k = 0; k < n; k++) {
      const base = k * NF;
      const s = complete ? Reason.OK : requireFields(st, this.seen[k], base, TICKER_FIELDS);
      if (s === Reason.OK) putBook(batch, k, v[base + PRODUCT] | 0, v, base + BID, base + BID_QTY, base + ASK, base + ASK_QTY, base + PRICE, pSeq);
      else batch.status[k] = s;
    }
    batch.count = n;
    this.kind = MessageKind.Ticks;
    return Reason.OK;
  }
}

function channelOf(b: Uint8Array, start: number, end: number): number {
  if (bytesAre(b, start, end, V_TICKER) || bytesAre(b, start, end, V_TICKER_BATCH)) return CH_TICKER;
  if (bytesAre(b, start, end, V_HEARTBEATS)) return CH_HEARTBEATS;
  if (bytesAre(b, start, end, V_SUBSCRIPTIONS)) return CH_SUBSCRIPTIONS;
  return CH_OTHER;
}
