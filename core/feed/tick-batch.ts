/**
 * The frames one market data message turns into, before the feed client
 * hands them to the engine. A message may carry several ticks (a Coinbase
 * ticker event lists tickers, a Kraken ticker or trade message lists data
 * items), so a parser fills a small batch: item k is either refused
 * (status[k] = its Reason) or written whole as a 64-byte MarketTick frame at
 * int32 index k * FRAME_I32, in the layout of ipc/frame-layout.ts. A frame is
 * only written after every check has passed: nothing partial or wrong is
 * ever in an accepted slot.
 */
import { FRAME_F64, FRAME_I32, Frame, FrameKind, MarketTick } from '../../ipc/frame-layout.js';
import { Reason } from './feed-stats.js';

const MAX_SEQ = 9007199254740992;

export class TickBatch {
  readonly capacity: number;
  readonly i32: Int32Array;
  readonly f64: Float64Array;
  /** Per item: Reason.OK (frame k holds the tick) or why it was refused. */
  readonly status: Int32Array;
  /** Items of the last message, accepted or refused. */
  count = 0;
  /** Items of the last message beyond capacity, dropped unread. */
  overflow = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`batch capacity must be >= 1, got ${capacity}`);
    this.capacity = capacity;
    this.f64 = new Float64Array(capacity * FRAME_F64);
    this.i32 = new Int32Array(this.f64.buffer);
    this.status = new Int32Array(capacity);
  }

  clear(): void {
    this.count = 0;
    this.overflow = 0;
  }
}

/**
 * The first required field (in `fields` order) that the message did not
 * carry (bit f of `seen` clear: MISSING_FIELD) or carried refused (its
 * status in st[base + f]); Reason.OK when all are usable.
 */
export function requireFields(st: Int32Array, seen: number, base: number, fields: Int32Array): number {
  for (let k = 0; k < fields.length; k++) {
    const f = fields[k];
    if ((seen & (1 << f)) === 0) return Reason.MISSING_FIELD;
    const s = st[base + f];
    if (s !== Reason.OK) return s;
  }
  return Reason.OK;
}

function seqIsValid(s: number): boolean {
  return s >= 0 && s <= MAX_SEQ && Math.floor(s) === s;
}

/**
 * Checks a top-of-book tick whose values sit in v[] at the given indices
 * (pLast, pSeq: -1 when the message has none) and writes it as frame k.
 * Values are finite (the field readers refuse the rest). Returns the status.
 */
export function putBook(
  batch: TickBatch,
  k: number,
  symbol: number,
  v: Float64Array,
  pBid: number,
  pBidQty: number,
  pAsk: number,
  pAskQty: number,
  pLast: number,
  pSeq: number,
): number {
  const bid = v[pBid];
  const ask = v[pAsk];
  const bidQty = v[pBidQty];
  const askQty = v[pAskQty];
  const last = pLast >= 0 ? v[pLast] : NaN;
  const seq = pSeq >= 0 ? v[pSeq] : 0;
  let s: number = Reason.OK;
  if (!(bid > 0) || !(ask > 0) || last <= 0) s = Reason.NON_POSITIVE_PRICE;
  else if (bidQty < 0 || askQty < 0) s = Reason.BAD_QUANTITY;
  else if (bidQty === 0 || askQty === 0) s = Reason.ZERO_BOOK;
  else if (bid >= ask) s = Reason.CROSSED_BOOK;
  else if (!seqIsValid(seq)) s = Reason.BAD_NUMBER;
  batch.status[k] = s;
  if (s !== Reason.OK) return s;
  const i = k * FRAME_I32;
  const f = k * FRAME_F64;
  const i32 = batch.i32;
  const f64 = batch.f64;
  i32[i + Frame.kind] = FrameKind.MarketTick;
  i32[i + Frame.symbol] = symbol;
  f64[f + MarketTick.time] = 0;
  f64[f + MarketTick.bid] = bid;
  f64[f + MarketTick.ask] = ask;
  f64[f + MarketTick.last] = last;
  f64[f + MarketTick.bidQty] = bidQty;
  f64[f + MarketTick.askQty] = askQty;
  f64[f + MarketTick.exchSeq] = seq;
  return s;
}

/** Checks a trade (price, quantity, trade id) and writes it as frame k: last = price, bid/ask/sizes NaN. */
export function putTrade(batch: TickBatch, k: number, symbol: number, v: Float64Array, pPrice: number, pQty: number, pSeq: number): number {
  const price = v[pPrice];
  const qty = v[pQty];
  const seq = pSeq >= 0 ? v[pSeq] : 0;
  let s: number = Reason.OK;
  if (!(price > 0)) s = Reason.NON_POSITIVE_PRICE;
  else if (!(qty > 0)) s = Reason.BAD_QUANTITY;
  else if (!seqIsValid(seq)) s = Reason.BAD_NUMBER;
  batch.status[k] = s;
  if (s !== Reason.OK) return s;
  const i = k * FRAME_I32;
  const f = k * FRAME_F64;
  const i32 = batch.i32;
  const f64 = batch.f64;
  i32[i + Frame.kind] = FrameKind.MarketTick;
  i32[i + Frame.symbol] = symbol;
  f64[f + MarketTick.time] = 0;
  f64[f + MarketTick.bid] = NaN;
  f64[f + MarketTick.ask] = NaN;
  f64[f + MarketTick.last] = price;
  f64[f + MarketTick.bidQty] = NaN;
  f64[f + MarketTick.askQty] = NaN;
  f64[f + MarketTick.exchSeq] = seq;
  return s;
}
