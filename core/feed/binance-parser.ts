/**
 * Binance spot market data, raw (/ws) or combined (/stream: {"stream","data"}):
 *   <symbol>@bookTicker  {"u":400900217,"s":"BNBUSDT","b":"25.35190000","B":"31.21000000","a":"25.36520000","A":"40.66000000"}
 *   <symbol>@trade       {"e":"trade","E":1672515782136,"s":"BNBBTC","t":12345,"p":"0.001","q":"100","T":1672515782136,"m":true,"M":true}
 * and the answers to SUBSCRIBE ({"result":null,"id":1}) or errors ({"error":{...},"id":1}).
 * A message with "e" is an event (only "trade" is read); one without "e" but
 * with "u" is a book ticker. Keys may come in any order, unknown ones are
 * skipped; a repeated key counts with its last value, as in JSON.parse.
 * bookTicker -> exchSeq = u; trade -> last = p, exchSeq = t (trade payloads
 * before 2024 also carry "b"/"a" as order ids: ignored for trades).
 */
import { FastShape } from './fast-shape.js';
import { Reason } from './feed-stats.js';
import { fieldStatus, readNumber, readString, readSymbol, strEnd, strStart, symbolId } from './field-reader.js';
import { LBRACE, RBRACE, ascii, bytesAre, closed, keyEnd, keyEscaped, keyIs, keyStart, objectNext, objectStart, skipValue, skipWs } from './json-scanner.js';
import { MessageScratch } from './message-scratch.js';
import type { SymbolMap } from './symbol-map.js';
import { TickBatch, putBook, putTrade, requireFields } from './tick-batch.js';
import { KEY_ESCAPED, MessageKind, scanFailure, topLevelObject, type VenueParser } from './venue-parser.js';


// Item fields. Two items: the message itself (RAW) and a combined stream's "data" (DATA).
const U = 0;
const S = 1;
const BID = 2;
const BID_QTY = 3;
const ASK = 4;
const ASK_QTY = 5;
const EVENT = 6;
const TRADE_ID = 7;
const PRICE = 8;
const QTY = 9;
const NF = 10;
const RAW = 0;
const DATA = 1;

const EVENT_OTHER = 0;
const EVENT_TRADE = 1;

const BOOK_FIELDS = Int32Array.of(U, S, BID, BID_QTY, ASK, ASK_QTY);
const TRADE_FIELDS = Int32Array.of(S, TRADE_ID, PRICE, QTY);

const K_STREAM = ascii('stream');
const K_DATA = ascii('data');
const K_RESULT = ascii('result');
const K_ID = ascii('id');
const K_ERROR = ascii('error');
const V_TRADE = ascii('trade');

// The documented payloads, for the fast path.
const FAST_BOOK = new FastShape('{"u":#n,"s":"#s","b":"#n","B":"#n","a":"#n","A":"#n"}', [U, S, BID, BID_QTY, ASK, ASK_QTY]);
const FAST_TRADE = new FastShape('{"e":"trade","E":#x,"s":"#s","t":#n,"p":"#n","q":"#n","T":#x,"m":#b,"M":#b}', [S, TRADE_ID, PRICE, QTY]);
const FAST_TRADE_IDS = new FastShape(
  '{"e":"trade","E":#x,"s":"#s","t":#n,"p":"#n","q":"#n","b":#x,"a":#x,"T":#x,"m":#b,"M":#b}',
  [S, TRADE_ID, PRICE, QTY],
);
const FAST_COMBINED = new FastShape('{"stream":"#t","data":', []);

export class BinanceParser implements VenueParser {
  readonly venue = 'binance' as const;
  readonly batch = new TickBatch(1);
  readonly seq = new Float64Array([NaN]);
  kind: number = MessageKind.None;
  private readonly v = new Float64Array(2 * NF);
  private readonly st = new Int32Array(2 * NF);
  /** Per item: bit f set when field f was in the message (its status is then in st). */
  private readonly seen = new Int32Array(2);
  private hasStream = false;
  private hasData = false;
  private dataIsObject = false;
  private hasResult = false;
  private hasId = false;
  private hasError = false;
  private readonly scratch: MessageScratch;

  constructor(
    private readonly symbols: SymbolMap,
    scratchBytes = 4096,
  ) {
    this.scratch = new MessageScratch(scratchBytes);
  }

  parse(b: Uint8Array, start: number, end: number): number {
    this.reset();
    if (this.fast(b, start, end)) return this.finish(true);
    this.reset();
    let i = topLevelObject(b, start, end);
    if (i < 0) return -1 - i;
    i = this.scanObject(b, i, end, RAW);
    if (i < 0) return scanFailure(i);
    if (skipWs(b, i, end) !== end) return Reason.MALFORMED;
    return this.finish(false);
  }

  private reset(): void {
    this.batch.clear();
    this.kind = MessageKind.None;
    this.seen[RAW] = 0;
    this.seen[DATA] = 0;
    this.hasStream = false;
    this.hasData = false;
    this.dataIsObject = false;
    this.hasResult = false;
    this.hasId = false;
    this.hasError = false;
  }

  /** The documented payloads, raw or combined, matched in a MessageScratch. False: use the general scanner. */
  private fast(b: Uint8Array, start: number, end: number): boolean {
    const n = this.scratch.load(b, start, end);
    if (n < 0) return false;
    const u = this.scratch.u8;
    const dv = this.scratch.dv;
    const v = this.v;
    const st = this.st;
    let i = 0;
    let item = RAW;
    if (u[2] === 0x73) {
      // {"s...: {"stream":"...","data":
      i = FAST_COMBINED.match(u, dv, 0, n, v, st, 0, this.symbols);
      if (i < 0) return false;
      item = DATA;
      this.hasStream = true;
      this.hasData = true;
      this.dataIsObject = true;
    }
    const base = item * NF;
    const k = u[i + 2];
    if (k === 0x75) {
      // {"u...
      i = FAST_BOOK.match(u, dv, i, n, v, st, base, this.symbols);
      this.seen[item] = FAST_BOOK.mask;
    } else if (k === 0x65) {
      // {"e...
      let j = FAST_TRADE.match(u, dv, i, n, v, st, base, this.symbols);
      if (j < 0) j = FAST_TRADE_IDS.match(u, dv, i, n, v, st, base, this.symbols);
      i = j;
      v[base + EVENT] = EVENT_TRADE;
      st[base + EVENT] = Reason.OK;
      this.seen[item] = FAST_TRADE.mask | (1 << EVENT);
    } else {
      return false;
    }
    if (i < 0) return false;
    if (item === DATA) {
      if (u[i] !== RBRACE) return false;
      i++;
    }
    return i === n;
  }

  private scanObject(b: Uint8Array, i: number, end: number, item: number): number {
    const base = item * NF;
    i = objectStart(b, i, end);
    while (i >= 0 && !closed) {
      if (keyEscaped) return KEY_ESCAPED;
      const kl = keyEnd - keyStart;
      let f = -1;
      if (kl === 1) {
        switch (b[keyStart]) {
          case 0x75: // u
            f = U;
            break;
          case 0x73: // s
            f = S;
            break;
          case 0x62: // b
            f = BID;
            break;
          case 0x42: // B
            f = BID_QTY;
            break;
          case 0x61: // a
            f = ASK;
            break;
          case 0x41: // A
            f = ASK_QTY;
            break;
          case 0x65: // e
            f = EVENT;
            break;
          case 0x74: // t
            f = TRADE_ID;
            break;
          case 0x70: // p
            f = PRICE;
            break;
          case 0x71: // q
            f = QTY;
            break;
        }
      }
      if (f >= 0) {
        i = this.readField(b, i, end, base + f, f);
        this.seen[item] |= 1 << f;
      } else if (item === RAW && kl > 1) {
        i = this.topMember(b, i, end);
      } else {
        i = skipValue(b, i, end);
      }
      if (i < 0) return i;
      i = objectNext(b, i, end);
    }
    return i;
  }

  private readField(b: Uint8Array, i: number, end: number, slot: number, f: number): number {
    if (f === S) {
      i = readSymbol(b, i, end, this.symbols);
      this.v[slot] = symbolId;
    } else if (f === EVENT) {
      i = readString(b, i, end);
      this.v[slot] = i >= 0 && fieldStatus === Reason.OK && bytesAre(b, strStart, strEnd, V_TRADE) ? EVENT_TRADE : EVENT_OTHER;
    } else {
      i = readNumber(b, i, end, this.v, slot);
    }
    this.st[slot] = fieldStatus;
    return i;
  }

  /** Members of the top-level object other than the one-letter item fields. */
  private topMember(b: Uint8Array, i: number, end: number): number {
    if (keyIs(b, K_DATA)) {
      this.hasData = true;
      this.dataIsObject = b[i] === LBRACE;
      if (!this.dataIsObject) return skipValue(b, i, end);
      this.seen[DATA] = 0; // a repeated "data" replaces the earlier one
      return this.scanObject(b, i, end, DATA);
    }
    if (keyIs(b, K_STREAM)) this.hasStream = true;
    else if (keyIs(b, K_RESULT)) this.hasResult = true;
    else if (keyIs(b, K_ID)) this.hasId = true;
    else if (keyIs(b, K_ERROR)) this.hasError = true;
    return skipValue(b, i, end);
  }

  /** `complete`: the fast path matched, so every field of the item is present and well-formed. */
  private finish(complete: boolean): number {
    let item = RAW;
    if (this.hasStream) {
      if (!this.hasData) return Reason.MISSING_FIELD;
      if (!this.dataIsObject) return Reason.WRONG_TYPE;
      item = DATA;
    } else if (this.hasError) {
      return Reason.VENUE_ERROR;
    } else if (this.hasResult && this.hasId) {
      this.kind = MessageKind.Ack;
      return Reason.OK;
    }
    const base = item * NF;
    const seen = this.seen[item];
    const st = this.st;
    const v = this.v;
    const batch = this.batch;
    let s: number;
    if ((seen & (1 << EVENT)) !== 0) {
      if (st[base + EVENT] !== Reason.OK) return st[base + EVENT];
      if (v[base + EVENT] !== EVENT_TRADE) return Reason.UNKNOWN_MESSAGE;
      s = complete ? Reason.OK : requireFields(st, seen, base, TRADE_FIELDS);
      if (s === Reason.OK) putTrade(batch, 0, v[base + S] | 0, v, base + PRICE, base + QTY, base + TRADE_ID);
    } else if ((seen & (1 << U)) !== 0) {
      s = complete ? Reason.OK : requireFields(st, seen, base, BOOK_FIELDS);
      if (s === Reason.OK) putBook(batch, 0, v[base + S] | 0, v, base + BID, base + BID_QTY, base + ASK, base + ASK_QTY, -1, base + U);
    } else {
      return Reason.UNKNOWN_MESSAGE;
    }
    if (s !== Reason.OK) batch.status[0] = s;
    batch.count = 1;
    this.kind = MessageKind.Ticks;
    return Reason.OK;
  }
}
