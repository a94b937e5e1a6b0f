/**
 * Seeded generators of feed messages for the property and fuzz tests, and
 * helpers that read a parser's result back as the reference's shape.
 */
import { Frame, MarketTick } from '../ipc/frame-layout.js';
import { Reason } from '../core/feed/feed-stats.js';
import type { Venue } from '../core/feed/symbol-map.js';
import type { VenueParser } from '../core/feed/venue-parser.js';
import type { RefItem, RefResult } from './feed-reference.js';

/** mulberry32: small, seeded, good enough for test inputs. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

/** A random JSON number text: every shape the grammar allows (signs, fractions, exponents, long mantissas). */
export function randomNumberText(r: Rng, positive = false): string {
  const digits = (n: number) => {
    let s = '';
    for (let k = 0; k < n; k++) s += r.int(10);
    return s;
  };
  const sign = !positive && r.chance(0.2) ? '-' : '';
  const shape = r.int(10);
  let int: string;
  let frac = '';
  let exp = '';
  if (shape === 0) {
    int = '0';
    frac = digits(1 + r.int(20));
  } else {
    int = String(1 + r.int(9)) + digits(r.int(shape < 8 ? 8 : 22));
    if (r.chance(0.7)) frac = digits(1 + r.int(shape < 8 ? 10 : 20));
  }
  if (r.chance(0.15)) exp = (r.chance(0.5) ? 'e' : 'E') + r.pick(['', '+', '-']) + String(r.int(shape === 9 ? 330 : 30));
  return sign + int + (frac ? `.${frac}` : '') + exp;
}

/** A price-like decimal with up to 8 decimals, as venues print them. */
export function priceText(r: Rng, x: number): string {
  const d = r.int(9);
  return x.toFixed(d);
}

/** A random JSON value (for unknown members), depth-limited. */
export function randomJson(r: Rng, depth = 0): string {
  const k = r.int(depth > 3 ? 4 : 7);
  switch (k) {
    case 0:
      return randomNumberText(r);
    case 1:
      return JSON.stringify(randomString(r));
    case 2:
      return r.pick(['true', 'false', 'null']);
    case 3:
      return JSON.stringify(r.next() * 1000);
    case 4: {
      const n = r.int(4);
      const xs = [];
      for (let j = 0; j < n; j++) xs.push(randomJson(r, depth + 1));
      return `[${xs.join(',')}]`;
    }
    default: {
      const n = r.int(4);
      const xs = [];
      for (let j = 0; j < n; j++) xs.push(`${JSON.stringify(randomKey(r))}:${randomJson(r, depth + 1)}`);
      return `{${xs.join(',')}}`;
    }
  }
}

export function randomString(r: Rng): string {
  const chars = 'abcXYZ019 _-/:.\\"\n\t\u00e9\u4e2d\ud83d\ude00';
  let s = '';
  const n = r.int(12);
  for (let k = 0; k < n; k++) s += chars[r.int(chars.length)];
  return s;
}

/** Unknown keys: never one of the venues' own. */
export function randomKey(r: Rng): string {
  return `x_${r.int(1000)}`;
}

function ws(r: Rng): string {
  return r.chance(0.15) ? r.pick([' ', '\n', '\t', '\r\n  ']) : '';
}

/** An object from members, in random order, with random unknown members and whitespace. */
export function shuffledObject(r: Rng, members: [string, string][], unknown = true): string {
  const m = members.slice();
  if (unknown) for (let k = r.int(3); k > 0; k--) m.push([randomKey(r), randomJson(r)]);
  for (let k = m.length - 1; k > 0; k--) {
    const j = r.int(k + 1);
    [m[k], m[j]] = [m[j], m[k]];
  }
  return `{${ws(r)}${m.map(([k, v]) => `${JSON.stringify(k)}${ws(r)}:${ws(r)}${v}`).join(`${ws(r)},${ws(r)}`)}${ws(r)}}`;
}

/** A value as a venue may print a number: quoted or bare. */
function numberValue(r: Rng, text: string, quotedBias: number): string {
  return r.chance(quotedBias) ? `"${text}"` : text;
}

/** Realistic but random book values: mostly valid, sometimes crossed, zero or negative. */
function bookValues(r: Rng): { bid: string; ask: string; bidQty: string; askQty: string; last: string } {
  if (r.chance(0.1)) {
    return { bid: randomNumberText(r), ask: randomNumberText(r), bidQty: randomNumberText(r), askQty: randomNumberText(r), last: randomNumberText(r) };
  }
  const mid = 10 ** (r.next() * 10 - 4);
  const spread = mid * (r.next() * 1e-3 + 1e-6);
  return {
    bid: priceText(r, mid - spread),
    ask: priceText(r, mid + spread),
    bidQty: priceText(r, r.next() * 1000),
    askQty: priceText(r, r.next() * 1000),
    last: priceText(r, mid),
  };
}

/** A random valid JSON message of the venue (market data mostly; controls sometimes). */
export function randomMessage(venue: Venue, r: Rng, venueSymbols: readonly string[]): string {
  const sym = () => (r.chance(0.05) ? '"NOPE"' : JSON.stringify(r.pick(venueSymbols)));
  switch (venue) {
    case 'binance': {
      if (r.chance(0.05)) return r.chance(0.5) ? '{"result":null,"id":1}' : '{"error":{"code":2,"msg":"x"},"id":1}';
      let data: string;
      if (r.chance(0.5)) {
        const v = bookValues(r);
        data = shuffledObject(r, [
          ['u', String(r.int(2 ** 31))],
          ['s', sym()],
          ['b', numberValue(r, v.bid, 0.9)],
          ['B', numberValue(r, v.bidQty, 0.9)],
          ['a', numberValue(r, v.ask, 0.9)],
          ['A', numberValue(r, v.askQty, 0.9)],
        ]);
      } else {
        data = shuffledObject(r, [
          ['e', '"trade"'],
          ['E', '1672515782136'],
          ['s', sym()],
          ['t', String(r.int(2 ** 40))],
          ['p', numberValue(r, priceText(r, r.next() * 1e5), 0.9)],
          ['q', numberValue(r, priceText(r, r.next() * 100), 0.9)],
          ['T', '1672515782136'],
          ['m', r.pick(['true', 'false'])],
        ]);
      }
      return r.chance(0.3) ? shuffledObject(r, [['stream', '"x@bookTicker"'], ['data', data]], false) : data;
    }
    case 'coinbase': {
      const seq = String(r.int(1e6));
      if (r.chance(0.1)) {
        return shuffledObject(r, [['channel', '"heartbeats"'], ['sequence_num', seq], ['events', '[{"current_time":"x","heartbeat_counter":"1"}]']]);
      }
      const events: string[] = [];
      for (let e = 1 + r.int(2); e > 0; e--) {
        const tickers: string[] = [];
        for (let t = 1 + r.int(3); t > 0; t--) {
          const v = bookValues(r);
          tickers.push(
            shuffledObject(r, [
              ['type', '"ticker"'],
              ['product_id', sym()],
              ['price', numberValue(r, v.last, 0.95)],
              ['best_bid', numberValue(r, v.bid, 0.95)],
              ['best_bid_quantity', numberValue(r, v.bidQty, 0.95)],
              ['best_ask', numberValue(r, v.ask, 0.95)],
              ['best_ask_quantity', numberValue(r, v.askQty, 0.95)],
            ]),
          );
        }
        events.push(shuffledObject(r, [['type', '"update"'], ['tickers', `[${tickers.join(',')}]`]]));
      }
      return shuffledObject(r, [
        ['channel', r.chance(0.9) ? '"ticker"' : '"ticker_batch"'],
        ['client_id', '""'],
        ['timestamp', '"2023-02-09T20:30:37.167359596Z"'],
        ['sequence_num', seq],
        ['events', `[${events.join(',')}]`],
      ]);
    }
    case 'kraken': {
      if (r.chance(0.05)) return r.pick(['{"channel":"heartbeat"}', '{"method":"pong","req_id":1}', '{"method":"subscribe","success":true}']);
      const trade = r.chance(0.5);
      const items: string[] = [];
      for (let t = 1 + r.int(3); t > 0; t--) {
        const v = bookValues(r);
        items.push(
          trade
            ? shuffledObject(r, [
                ['symbol', sym()],
                ['side', '"buy"'],
                ['price', numberValue(r, v.last, 0.05)],
                ['qty', numberValue(r, v.bidQty, 0.05)],
                ['ord_type', '"limit"'],
                ['trade_id', String(r.int(2 ** 40))],
              ])
            : shuffledObject(r, [
                ['symbol', sym()],
                ['bid', numberValue(r, v.bid, 0.05)],
                ['bid_qty', numberValue(r, v.bidQty, 0.05)],
                ['ask', numberValue(r, v.ask, 0.05)],
                ['ask_qty', numberValue(r, v.askQty, 0.05)],
                ['last', numberValue(r, v.last, 0.05)],
                ['volume', randomNumberText(r)],
              ]),
        );
      }
      return shuffledObject(r, [
        ['channel', trade ? '"trade"' : '"ticker"'],
        ['type', r.pick(['"snapshot"', '"update"'])],
        ['data', `[${items.join(',')}]`],
      ]);
    }
  }
}

/** A message mutated at the byte level: flips, insertions, deletions, truncation, duplication. */
export function mutate(r: Rng, b: Uint8Array): Uint8Array {
  const bytes = Array.from(b);
  const interesting = [0x22, 0x5c, 0x2c, 0x3a, 0x7b, 0x7d, 0x5b, 0x5d, 0x2d, 0x2e, 0x65, 0x30, 0x39, 0x20, 0x00, 0xff, 0x4e];
  for (let n = 1 + r.int(3); n > 0; n--) {
    const at = r.int(bytes.length + 1);
    switch (r.int(5)) {
      case 0:
        if (bytes.length) bytes[Math.min(at, bytes.length - 1)] = r.chance(0.5) ? r.pick(interesting) : r.int(256);
        break;
      case 1:
        bytes.splice(at, 0, r.chance(0.5) ? r.pick(interesting) : r.int(256));
        break;
      case 2:
        bytes.splice(at, 1 + r.int(3));
        break;
      case 3:
        bytes.length = Math.min(bytes.length, at);
        break;
      default: {
        const from = r.int(bytes.length + 1);
        bytes.splice(at, 0, ...bytes.slice(from, from + r.int(12)));
      }
    }
  }
  return Uint8Array.from(bytes);
}

/** The parser's last result in the reference's shape. */
export function parserResult(p: VenueParser, reason: number): RefResult {
  const items: RefItem[] = [];
  if (reason === Reason.OK) {
    const b = p.batch;
    for (let k = 0; k < b.count; k++) {
      const s = b.status[k];
      const i = k * 16;
      const f = k * 8;
      items.push(
        s !== Reason.OK
          ? { status: s, symbol: -1, bid: NaN, ask: NaN, last: NaN, bidQty: NaN, askQty: NaN, exchSeq: NaN }
          : {
              status: s,
              symbol: b.i32[i + Frame.symbol],
              bid: b.f64[f + MarketTick.bid],
              ask: b.f64[f + MarketTick.ask],
              last: b.f64[f + MarketTick.last],
              bidQty: b.f64[f + MarketTick.bidQty],
              askQty: b.f64[f + MarketTick.askQty],
              exchSeq: b.f64[f + MarketTick.exchSeq],
            },
      );
    }
  }
  return { reason, kind: reason === Reason.OK ? p.kind : 0, items, seq: p.seq[0] };
}

/** Bit-exact equality of two item values (NaN equals NaN, -0 differs from 0). */
export function sameItem(a: RefItem, b: RefItem): boolean {
  return (
    a.status === b.status &&
    (a.status !== Reason.OK ||
      (a.symbol === b.symbol &&
        Object.is(a.bid, b.bid) &&
        Object.is(a.ask, b.ask) &&
        Object.is(a.last, b.last) &&
        Object.is(a.bidQty, b.bidQty) &&
        Object.is(a.askQty, b.askQty) &&
        Object.is(a.exchSeq, b.exchSeq)))
  );
}

/** A market data message exactly as the venue sends it (documented member order, compact): the parsers' fast path. */
export function documentedMessage(venue: Venue, r: Rng, venueSymbols: readonly string[]): string {
  const s = r.pick(venueSymbols);
  const mid = 10 ** (r.next() * 6 - 2);
  const bid = mid * 0.99;
  const ask = mid * 1.01;
  const qty = r.next() * 100 + 0.001;
  switch (venue) {
    case 'binance':
      return r.chance(0.7)
        ? `{"u":${r.int(2 ** 40)},"s":"${s}","b":"${bid.toFixed(8)}","B":"${qty.toFixed(8)}","a":"${ask.toFixed(8)}","A":"${qty.toFixed(8)}"}`
        : `{"e":"trade","E":1672515782136,"s":"${s}","t":${r.int(2 ** 40)},"p":"${mid.toFixed(8)}","q":"${qty.toFixed(8)}","T":1672515782136,"m":true,"M":true}`;
    case 'coinbase':
      return (
        `{"channel":"ticker","client_id":"","timestamp":"2023-02-09T20:30:37.167359596Z","sequence_num":${r.int(1e9)},` +
        `"events":[{"type":"update","tickers":[{"type":"ticker","product_id":"${s}","price":"${mid.toFixed(6)}",` +
        `"volume_24_h":"16038.28770938","low_24_h":"21835.29","high_24_h":"23011.18","low_52_w":"15460","high_52_w":"48240",` +
        `"price_percent_chg_24_h":"-4.15775596190603","best_bid":"${bid.toFixed(6)}","best_bid_quantity":"${qty.toFixed(8)}",` +
        `"best_ask":"${ask.toFixed(6)}","best_ask_quantity":"${qty.toFixed(8)}"}]}]}`
      );
    case 'kraken':
      return r.chance(0.7)
        ? `{"channel":"ticker","type":"update","data":[{"symbol":"${s}","bid":${bid.toFixed(6)},"bid_qty":${qty.toFixed(8)},` +
            `"ask":${ask.toFixed(6)},"ask_qty":${qty.toFixed(8)},"last":${mid.toFixed(6)},"volume":997038.98383185,"vwap":0.10148,` +
            `"low":0.09979,"high":0.10285,"change":-0.00017,"change_pct":-0.17,"timestamp":"2023-09-25T09:04:31.742648Z"}]}`
        : `{"channel":"trade","type":"update","data":[{"symbol":"${s}","side":"buy","price":${mid.toFixed(6)},"qty":${qty.toFixed(8)},` +
            `"ord_type":"limit","trade_id":${r.int(2 ** 40)},"timestamp":"2023-09-25T07:48:36.925533Z"}]}`;
  }
}
