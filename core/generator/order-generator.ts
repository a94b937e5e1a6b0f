/**
 * The built-in load: market ticks following a random walk with occasional
 * jumps, and limit/market orders on both sides with log-normal sizes, a
 * configurable fraction of them deliberately bad so that every reject reason
 * is exercised. Deterministic for a seed. Allocation-free after construction:
 * prepare() decides the next event into fields, write() puts it in a frame.
 */
import { F64, FrameKind, I32, OrderType, Side } from '../../ipc/frame-layout.js';
import type { Instrument } from '../instruments/instrument.js';
import { Prng } from './prng.js';

export const BadOrderKind = {
  FatFingerPrice: 0,
  OversizeQuantity: 1,
  OverNotional: 2,
  UnknownSymbol: 3,
  DuplicateClientId: 4,
  OffTickPrice: 5,
  OffStepQuantity: 6,
  BelowMinQuantity: 7,
  NonPositivePrice: 8,
  ZeroQuantity: 9,
  NoReferencePrice: 10,
  HaltedSymbol: 11,
} as const;
const BAD_KINDS = 12;

export interface GeneratorOptions {
  seed: number;
  /** Fraction of orders that are deliberately bad. */
  badFraction: number;
  /** Market ticks per order. */
  ticksPerOrder: number;
  /** Fraction of good orders that are market orders. */
  marketFraction: number;
}

const VOLATILITY = 0.0004;
const JUMP_PROBABILITY = 0.0005;
const JUMP_SIZE = 0.02;
const MEDIAN_NOTIONAL = 2000;
const NOTIONAL_SIGMA = 1.0;
const LIMIT_OFFSET_SIGMA = 0.002;

export class OrderGenerator {
  private readonly rng: Prng;
  private readonly n: number;
  /** Symbols that get ticks and good orders: [0, tradable). */
  private readonly tradable: number;
  /** Symbol that never gets a tick (NoReferencePrice), or -1. */
  private readonly silentSymbol: number;
  /** Symbol whose instrument is halted (HaltedSymbol), or -1. */
  private readonly haltedSymbol: number;
  private readonly tick: Float64Array;
  private readonly lot: Float64Array;
  private readonly minQty: Float64Array;
  private readonly maxQty: Float64Array;
  private readonly maxNotional: Float64Array;
  private readonly mid: Float64Array;
  private readonly low: Float64Array;
  private readonly high: Float64Array;
  private warmup = 0;
  private nextClientId = 1;
  private badCursor = 0;

  // The prepared event.
  kind: number = FrameKind.Empty;
  symbol = 0;
  /** True when the prepared order must be sent right after the previous one (a duplicate of it). */
  forced = false;
  private price = 0;
  private qty = 0;
  private side = 0;
  private type = 0;
  private clientId = 0;
  private bid = 0;
  private ask = 0;
  private bidQty = 0;
  private askQty = 0;
  private tickSeq = 0;
  // The last good order, for duplicates.
  private lastGoodSymbol = -1;
  private lastGoodClientId = 0;
  private lastGoodPrice = 0;
  private lastGoodQty = 0;
  private lastGoodSide = 0;
  private lastGoodType = 0;
  private duplicateNext = false;

  constructor(
    readonly instruments: readonly Instrument[],
    private readonly opts: GeneratorOptions,
  ) {
    this.rng = new Prng(opts.seed);
    this.n = instruments.length;
    // Keep one silent and one halted symbol for their reject reasons when the universe allows it.
    this.silentSymbol = this.n >= 3 ? this.n - 1 : -1;
    this.haltedSymbol = this.n >= 3 ? this.n - 2 : -1;
    this.tradable = this.n >= 3 ? this.n - 2 : this.n;
    const col = (f: (i: Instrument) => number) => Float64Array.from(instruments, f);
    this.tick = col((i) => i.tickSize);
    this.lot = col((i) => i.lotStep);
    this.minQty = col((i) => i.minQty);
    this.maxQty = col((i) => i.maxQty);
    this.maxNotional = col((i) => i.maxNotional);
    this.mid = col((i) => i.initialPrice);
    this.low = col((i) => i.initialPrice / 5);
    this.high = col((i) => i.initialPrice * 5);
  }

  /** The halted symbol the generator keeps for its reject reason (its instrument must be marked not trading), or -1. */
  get reservedHaltedSymbol(): number {
    return this.haltedSymbol;
  }

  /** Decides the next event. Ticks for every tradable symbol come first, so orders find references. */
  prepare(): void {
    if (this.warmup < this.tradable) {
      this.prepareTick(this.warmup++);
      return;
    }
    if (this.duplicateNext) {
      this.duplicateNext = false;
      this.forced = true;
      this.kind = FrameKind.NewOrder;
      this.symbol = this.lastGoodSymbol;
      this.clientId = this.lastGoodClientId;
      this.price = this.lastGoodPrice;
      this.qty = this.lastGoodQty;
      this.side = this.lastGoodSide;
      this.type = this.lastGoodType;
      return;
    }
    this.forced = false;
    const r = this.rng;
    if (r.next() * (1 + this.opts.ticksPerOrder) >= 1) {
      this.prepareTick(r.below(this.tradable));
      return;
    }
    this.prepareGoodOrder();
    if (r.next() < this.opts.badFraction) this.spoil();
    else this.rememberGood();
  }

  private prepareTick(s: number): void {
    const r = this.rng;
    let m = this.mid[s] * Math.exp(VOLATILITY * r.normal());
    if (r.next() < JUMP_PROBABILITY) m *= r.next() < 0.5 ? 1 - JUMP_SIZE : 1 + JUMP_SIZE;
    if (m < this.low[s]) m = this.low[s];
    if (m > this.high[s]) m = this.high[s];
    this.mid[s] = m;
    const t = this.tick[s];
    const halfSpread = (1 + r.below(3)) * t;
    this.kind = FrameKind.MarketTick;
    this.symbol = s;
    this.bid = this.onTick(m - halfSpread, t);
    this.ask = this.onTick(m + halfSpread, t);
    this.price = r.next() < 0.5 ? this.bid : this.ask; // last trade at the touch
    this.bidQty = this.sizeFor(s, m);
    this.askQty = this.sizeFor(s, m);
    this.tickSeq++;
  }

  private onTick(p: number, t: number): number {
    const ticks = Math.round(p / t);
    return (ticks < 1 ? 1 : ticks) * t;
  }

  private sizeFor(s: number, price: number): number {
    const notional = MEDIAN_NOTIONAL * Math.exp(NOTIONAL_SIGMA * this.rng.normal());
    let q = Math.round(notional / price / this.lot[s]) * this.lot[s];
    if (q < this.minQty[s]) q = this.minQty[s];
    const cap = (this.maxNotional[s] * 0.5) / price;
    if (q > cap) q = Math.floor(cap / this.lot[s]) * this.lot[s];
    return q;
  }

  private prepareGoodOrder(): void {
    const r = this.rng;
    const s = r.below(this.tradable);
    this.kind = FrameKind.NewOrder;
    this.symbol = s;
    this.side = r.next() < 0.5 ? Side.Buy : Side.Sell;
    this.clientId = this.nextClientId++;
    const m = this.mid[s];
    this.qty = this.sizeFor(s, m);
    if (r.next() < this.opts.marketFraction) {
      this.type = OrderType.Market;
      this.price = 0;
    } else {
      this.type = OrderType.Limit;
      let off = LIMIT_OFFSET_SIGMA * r.normal();
      if (off > 0.01) off = 0.01;
      if (off < -0.01) off = -0.01;
      this.price = this.onTick(m * (1 + off), this.tick[s]);
    }
  }

  private rememberGood(): void {
    this.lastGoodSymbol = this.symbol;
    this.lastGoodClientId = this.clientId;
    this.lastGoodPrice = this.price;
    this.lastGoodQty = this.qty;
    this.lastGoodSide = this.side;
    this.lastGoodType = this.type;
  }

  /** Turns the prepared good order into the next kind of bad order, in rotation. */
  private spoil(): void {
    const s = this.symbol;
    const kind = this.badCursor;
    this.badCursor = (this.badCursor + 1) % BAD_KINDS;
    const limitPrice = this.type === OrderType.Limit ? this.price : this.onTick(this.mid[s], this.tick[s]);
    switch (kind) {
      case BadOrderKind.FatFingerPrice:
        this.type = OrderType.Limit;
        this.price = this.onTick(this.mid[s] * (this.rng.next() < 0.5 ? 1.25 : 0.75), this.tick[s]);
        return;
      case BadOrderKind.OversizeQuantity:
        this.qty = Math.round((this.maxQty[s] * 2) / this.lot[s]) * this.lot[s];
        return;
      case BadOrderKind.OverNotional:
        this.type = OrderType.Limit;
        this.price = limitPrice;
        this.qty = Math.ceil((this.maxNotional[s] * 1.5) / limitPrice / this.lot[s]) * this.lot[s];
        return;
      case BadOrderKind.UnknownSymbol:
        this.symbol = this.n + 1 + this.rng.below(1000);
        return;
      case BadOrderKind.DuplicateClientId:
        // This order is good; the next one repeats its client id while it is still live.
        this.rememberGood();
        this.duplicateNext = this.lastGoodSymbol >= 0;
        return;
      case BadOrderKind.OffTickPrice:
        this.type = OrderType.Limit;
        this.price = limitPrice + this.tick[s] * 0.5;
        return;
      case BadOrderKind.OffStepQuantity:
        this.qty += this.lot[s] * 0.5;
        return;
      case BadOrderKind.BelowMinQuantity:
        this.qty = this.minQty[s] - this.lot[s];
        return;
      case BadOrderKind.NonPositivePrice:
        this.type = OrderType.Limit;
        this.price = -limitPrice;
        return;
      case BadOrderKind.ZeroQuantity:
        this.qty = 0;
        return;
      case BadOrderKind.NoReferencePrice:
        if (this.silentSymbol >= 0) this.moveTo(this.silentSymbol);
        return;
      case BadOrderKind.HaltedSymbol:
        if (this.haltedSymbol >= 0) this.moveTo(this.haltedSymbol);
        return;
    }
  }

  /** Re-targets the order at a reserved symbol with a plausible price and size for it. */
  private moveTo(s: number): void {
    this.symbol = s;
    this.type = OrderType.Limit;
    this.price = this.onTick(this.mid[s], this.tick[s]);
    this.qty = this.sizeFor(s, this.mid[s]);
  }

  /** Writes the prepared event into the frame at int32 index `base`. */
  write(i32: Int32Array, f64: Float64Array, base: number, timeNs: number, seq: number): void {
    const d = base >> 1;
    i32[base + I32.kind] = this.kind;
    i32[base + I32.symbol] = this.symbol;
    f64[d + F64.time] = timeNs;
    if (this.kind === FrameKind.MarketTick) {
      f64[d + F64.bid] = this.bid;
      f64[d + F64.ask] = this.ask;
      f64[d + F64.last] = this.price;
      f64[d + F64.bidQty] = this.bidQty;
      f64[d + F64.askQty] = this.askQty;
      f64[d + F64.exchSeq] = this.tickSeq;
      return;
    }
    f64[d + F64.clientId] = this.clientId;
    f64[d + F64.price] = this.price;
    f64[d + F64.quantity] = this.qty;
    i32[base + I32.seq] = seq;
    i32[base + I32.side] = this.side;
    i32[base + I32.type] = this.type;
    i32[base + I32.flags] = 0;
    i32[base + I32.account] = 0;
    i32[base + I32.venue] = 0;
  }
}
