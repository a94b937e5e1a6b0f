/**
 * The simulator's market: the engine's instrument universe (same names,
 * prices, tick and lot sizes as core/instruments/universe.ts), each symbol's
 * mid price a geometric random walk, quoted one tick or more wide.
 */
import { Prng } from '../../core/random/prng.js';
import { buildUniverse } from '../../core/instruments/universe.js';
import { binanceStreamSymbol, venueSymbol, type Venue } from '../../core/feed/symbol-map.js';

export interface SimSymbol {
  unified: string;
  /** The venue's spelling (BTCUSDT, BTC-USDT, BTC/USDT). */
  venueName: string;
  /** Binance stream prefix (btcusdt). */
  streamName: string;
  tick: number;
  /** Decimal places of the tick size. */
  decimals: number;
  lot: number;
}

/** One quote, reused: what the encoders print. */
export interface Quote {
  bid: number;
  ask: number;
  bidQty: number;
  askQty: number;
  last: number;
  tradeQty: number;
  /** Taker side of the last trade. */
  buy: boolean;
}

/** Per-step volatility of the mid (log return standard deviation). */
const SIGMA = 2e-4;

function decimalsOf(x: number): number {
  let d = 0;
  while (d < 12 && Math.abs(Math.round(x * 10 ** d) - x * 10 ** d) > 1e-9) d++;
  return d;
}

/** The simulator's symbols for a venue: the first `count` of the engine's universe. */
export function simSymbols(venue: Venue, count: number, seed = 1): SimSymbol[] {
  return buildUniverse(count, seed).map((ins) => ({
    unified: ins.name,
    venueName: venueSymbol(venue, ins.name),
    streamName: binanceStreamSymbol(ins.name),
    tick: ins.tickSize,
    decimals: decimalsOf(ins.tickSize),
    lot: ins.lotStep,
  }));
}

export class SimMarket {
  readonly symbols: SimSymbol[];
  private readonly mid: Float64Array;
  private readonly rng: Prng;
  private readonly q: Quote = { bid: 0, ask: 0, bidQty: 0, askQty: 0, last: 0, tradeQty: 0, buy: true };

  constructor(venue: Venue, count: number, seed: number) {
    this.symbols = simSymbols(venue, count, seed);
    this.mid = Float64Array.from(buildUniverse(count, seed), (ins) => ins.initialPrice);
    this.rng = new Prng(seed);
  }

  /** Venue spelling -> index (case-insensitive for Binance stream names). */
  indexOfVenueName(name: string): number {
    const upper = name.toUpperCase();
    return this.symbols.findIndex((s) => s.venueName === name || s.venueName === upper);
  }

  /** Moves symbol k's price one step and returns its new quote (the same object every call). */
  step(k: number): Quote {
    const s = this.symbols[k];
    const rng = this.rng;
    let mid = this.mid[k] * Math.exp(SIGMA * rng.normal());
    if (mid < 50 * s.tick) mid = 50 * s.tick;
    this.mid[k] = mid;
    const spreadTicks = 1 + rng.below(3);
    const bid = Math.floor(mid / s.tick - spreadTicks / 2) * s.tick;
    const q = this.q;
    q.bid = round(bid, s.decimals);
    q.ask = round(bid + spreadTicks * s.tick, s.decimals);
    q.buy = rng.next() < 0.5;
    q.last = q.buy ? q.ask : q.bid;
    q.bidQty = round(s.lot * (1 + rng.below(5000)), 8);
    q.askQty = round(s.lot * (1 + rng.below(5000)), 8);
    q.tradeQty = round(s.lot * (1 + rng.below(500)), 8);
    return q;
  }
}

function round(x: number, decimals: number): number {
  return Number(x.toFixed(decimals));
}
