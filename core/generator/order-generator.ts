/**
 * The built-in load: market ticks following a random walk with occasional
 * jumps, and limit/market orders on both sides with log-normal sizes, a
 * configurable fraction of them deliberately bad so that every reject reason
 * is exercised. Deterministic for a seed. Allocation-free after construction:
 * prepare() decides the next event into fields, write() puts it in a frame.
 */
import { Frame, FrameKind, MarketTick, NewOrder, OrderType, Side } from '../../ipc/frame-layout.js';
import type { Instrument } from '../instruments/instrument.js';
import { Prng } from '../random/prng.js';
import { pathSteps, type ScriptedPath } from './scripted-path.js';

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
  /**
   * Market data comes from a feed, not from the generator: no ticks are
   * generated, no symbol is kept silent or halted for reject reasons, and
   * orders are priced off `mids`, which the feed's thread keeps current.
   */
  externalMarketData?: boolean;
  /** The mid per symbol to price orders off (feed mode: a board in shared memory); default: the generator's own random walk. */
  mids?: Float64Array;
  /** Engine symbol ids this generator trades and ticks (an order source's share); default: all. */
  symbols?: readonly number[];
  /**
   * Client ids are clientIdStart, clientIdStart + clientIdStride, ...: sources
   * with distinct starts and a common stride never collide (a worker checks
   * ids for duplicates across every source). Default 1, 1.
   */
  clientIdStart?: number;
  clientIdStride?: number;
  /**
   * Ticks follow this precomputed path instead of the random walk, sampled by
   * the time elapsed since begin(startNs) on `clock` (the source's clock
   * reading, current whenever prepare() runs). Needs `clock`.
   */
  path?: ScriptedPath;
  clock?: Float64Array;
  /**
   * The notional band each symbol's good orders keep the position in: buy
   * until it reaches `high`, then sell until it reaches `low` (quote; a
   * position valued at the mid). Default -REGIME_NOTIONAL..+REGIME_NOTIONAL,
   * flat on average; a band above 0 is a long book (the crash scenarios).
   */
  book?: { low: number; high: number };
}

/** Float64 registers of the generator (indices into `r`). */
const R = {
  price: 0, qty: 1, clientId: 2, bid: 3, ask: 4, bidQty: 5, askQty: 6, tickSeq: 7, nextClientId: 8,
  goodClientId: 9, goodPrice: 10, goodQty: 11, pathStart: 12, bookLow: 13, bookHigh: 14,
} as const;
const R_SLOTS = 15;
/** Int32 registers (indices into `n32`). */
const N = {
  kind: 0, symbol: 1, forced: 2, side: 3, type: 4, warmup: 5, badCursor: 6,
  goodSymbol: 7, goodSide: 8, goodType: 9, duplicateNext: 10, ui: 11, zi: 12,
} as const;
const N_SLOTS = 13;
/** Random numbers are drawn in blocks; one event uses at most 16 of each kind. */
const BLOCK = 4096;
const PER_EVENT = 16;

/** Per generated tick: about 0.1 %/s per symbol at the default load, jumps of 1 % now and then. */
const VOLATILITY = 0.00002;
const JUMP_PROBABILITY = 0.00002;
const JUMP_SIZE = 0.01;
/** A passive limit rests at least this many ticks beyond the mid (outside the generated spread). */
const PASSIVE_TICKS = 4;
const MEDIAN_NOTIONAL = 2000;
const NOTIONAL_SIGMA = 1.0;
const LIMIT_OFFSET_SIGMA = 0.002;
/**
 * Good orders on a symbol all take one side until the position of the accepted
 * ones (the stand-in exchange fills every accepted order) reaches this
 * notional, then the other side: positions stay bounded instead of
 * random-walking into the position, exposure and daily-loss limits, and a
 * symbol's live orders rarely face each other (self-trade prevention).
 */
const REGIME_NOTIONAL = 200_000;

/** The engine's default load mix (--bad-fraction, --tick-ratio and the market-order share); benches use it too. */
export const DEFAULT_LOAD = { badFraction: 0.01, ticksPerOrder: 0.25, marketFraction: 0.2 } as const;

/**
 * The symbols a generator over n instruments keeps aside for reject reasons:
 * one that never gets a tick (NoReferencePrice) and one whose instrument must
 * be marked halted (HaltedSymbol); -1 where the universe is too small or the
 * market data comes from a feed. The same for every source of a run.
 */
export function reservedSymbols(n: number, externalMarketData: boolean): { silent: number; halted: number } {
  const reserve = n >= 3 && !externalMarketData;
  return { silent: reserve ? n - 1 : -1, halted: reserve ? n - 2 : -1 };
}

export class OrderGenerator {
  private readonly rng: Prng;
  private readonly n: number;
  /** Symbols that get ticks and good orders: own[0 .. tradable). */
  private readonly own: Int32Array;
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
  /** Position (base units) each symbol would hold if every good order generated so far filled. */
  private readonly held: Float64Array;
  /** Side good orders on each symbol take now. */
  private readonly regime: Int32Array;
  /**
   * Mutable state lives in typed arrays, not object fields: a double stored
   * into a field may box a fresh heap number, and this runs once per frame.
   */
  private readonly r = new Float64Array(R_SLOTS);
  private readonly clientIdStride: number;
  private readonly n32 = new Int32Array(N_SLOTS);
  /**
   * Random numbers, drawn a block at a time and read in place
   * (`uniforms[n32[N.ui]++]`): a helper returning a double would box it
   * whenever V8's inlining budget runs out, as it does inside the main loop.
   */
  private readonly uniforms = new Float64Array(BLOCK);
  private readonly normals = new Float64Array(BLOCK);
  /** The scripted path's mids (empty without one), its last step and step length; `clock` is read when it is sampled. */
  private readonly pathMids: Float64Array;
  private readonly pathLast: number;
  private readonly pathStepNs: number;
  private readonly clock: Float64Array;

  constructor(
    readonly instruments: readonly Instrument[],
    private readonly opts: GeneratorOptions,
  ) {
    this.rng = new Prng(opts.seed);
    this.n = instruments.length;
    const reserved = reservedSymbols(this.n, opts.externalMarketData === true);
    this.silentSymbol = reserved.silent;
    this.haltedSymbol = reserved.halted;
    const owned = opts.symbols ?? Array.from({ length: this.n }, (_, i) => i);
    this.own = Int32Array.from(owned.filter((s) => s !== this.silentSymbol && s !== this.haltedSymbol));
    this.tradable = this.own.length;
    if (this.tradable === 0) throw new RangeError('order generator: no tradable symbol among its own');
    const col = (f: (i: Instrument) => number) => Float64Array.from(instruments, f);
    this.tick = col((i) => i.tickSize);
    this.lot = col((i) => i.lotStep);
    this.minQty = col((i) => i.minQty);
    this.maxQty = col((i) => i.maxQty);
    this.maxNotional = col((i) => i.maxNotional);
    this.mid = opts.mids ?? col((i) => i.initialPrice);
    if (opts.path && !opts.clock) throw new RangeError('order generator: a scripted path needs the clock reading it is sampled by');
    this.pathMids = opts.path?.mids ?? new Float64Array(0);
    this.pathLast = opts.path ? pathSteps(opts.path) - 1 : -1;
    this.pathStepNs = opts.path?.stepNs ?? 1;
    this.clock = opts.clock ?? new Float64Array(1);
    if (opts.path) for (let s = 0; s < this.n; s++) this.mid[s] = this.pathMids[s];
    this.low = col((i) => i.initialPrice / 5);
    this.high = col((i) => i.initialPrice * 5);
    this.held = new Float64Array(this.n);
    this.regime = new Int32Array(this.n).fill(Side.Buy);
    this.r[R.nextClientId] = opts.clientIdStart ?? 1;
    this.r[R.bookLow] = opts.book?.low ?? -REGIME_NOTIONAL;
    this.r[R.bookHigh] = opts.book?.high ?? REGIME_NOTIONAL;
    if (!(this.r[R.bookLow] < this.r[R.bookHigh])) throw new RangeError(`order generator: book band ${this.r[R.bookLow]}..${this.r[R.bookHigh]} is empty`);
    this.clientIdStride = opts.clientIdStride ?? 1;
    this.n32[N.goodSymbol] = -1;
    this.n32[N.ui] = BLOCK;
    this.n32[N.zi] = BLOCK;
    if (opts.externalMarketData) this.n32[N.warmup] = this.tradable;
  }

  /** The market's mid per symbol as the generator sees it now (read-only: the stand-in exchange fills at it). */
  get mids(): Float64Array {
    return this.mid;
  }

  /** The scripted path's time origin: the sources' common start (ns on the clock given). */
  begin(startNs: number): void {
    this.r[R.pathStart] = startNs;
  }

  /** Kind of the prepared event (FrameKind.MarketTick or FrameKind.NewOrder). */
  get kind(): number {
    return this.n32[N.kind];
  }

  /** Symbol of the prepared event. */
  get symbol(): number {
    return this.n32[N.symbol];
  }

  /** True when the prepared order must be sent right after the previous one (a duplicate of it). */
  get forced(): boolean {
    return this.n32[N.forced] !== 0;
  }

  /** Decides the next event. Ticks for every tradable symbol come first, so orders find references. */
  prepare(): void {
    const n = this.n32;
    const r = this.r;
    if (n[N.ui] > BLOCK - PER_EVENT) {
      this.rng.fillUniform(this.uniforms);
      n[N.ui] = 0;
    }
    if (n[N.zi] > BLOCK - PER_EVENT) {
      this.rng.fillNormal(this.normals);
      n[N.zi] = 0;
    }
    if (n[N.warmup] < this.tradable) {
      this.prepareTick(this.own[n[N.warmup]++]);
      return;
    }
    if (n[N.duplicateNext] !== 0) {
      n[N.duplicateNext] = 0;
      n[N.forced] = 1;
      n[N.kind] = FrameKind.NewOrder;
      n[N.symbol] = n[N.goodSymbol];
      n[N.side] = n[N.goodSide];
      n[N.type] = n[N.goodType];
      r[R.clientId] = r[R.goodClientId];
      r[R.price] = r[R.goodPrice];
      r[R.qty] = r[R.goodQty];
      return;
    }
    n[N.forced] = 0;
    if (!this.opts.externalMarketData && this.uniforms[this.n32[N.ui]++] * (1 + this.opts.ticksPerOrder) >= 1) {
      this.prepareTick(this.own[Math.floor(this.uniforms[this.n32[N.ui]++] * this.tradable)]);
      return;
    }
    this.prepareGoodOrder();
    if (this.uniforms[this.n32[N.ui]++] < this.opts.badFraction) this.spoil();
    else this.rememberGood();
  }

  private prepareTick(s: number): void {
    const r = this.r;
    let m = 0;
    if (this.pathLast >= 0) {
      let k = Math.floor((this.clock[0] - r[R.pathStart]) / this.pathStepNs);
      if (k < 0) k = 0;
      else if (k > this.pathLast) k = this.pathLast;
      m = this.pathMids[k * this.n + s];
    } else {
      m = this.mid[s] * Math.exp(VOLATILITY * this.normals[this.n32[N.zi]++]);
      if (this.uniforms[this.n32[N.ui]++] < JUMP_PROBABILITY) m *= this.uniforms[this.n32[N.ui]++] < 0.5 ? 1 - JUMP_SIZE : 1 + JUMP_SIZE;
      if (m < this.low[s]) m = this.low[s];
      if (m > this.high[s]) m = this.high[s];
    }
    this.mid[s] = m;
    const t = this.tick[s];
    const halfSpread = (1 + Math.floor(this.uniforms[this.n32[N.ui]++] * 3)) * t;
    this.n32[N.kind] = FrameKind.MarketTick;
    this.n32[N.symbol] = s;
    r[R.bid] = m - halfSpread;
    this.snapToTick(R.bid, s);
    r[R.ask] = m + halfSpread;
    this.snapToTick(R.ask, s);
    r[R.price] = this.uniforms[this.n32[N.ui]++] < 0.5 ? r[R.bid] : r[R.ask]; // last trade at the touch
    this.drawSize(R.bidQty, s);
    this.drawSize(R.askQty, s);
    r[R.tickSeq]++;
  }

  /**
   * Rounds r[out] to symbol s's tick grid, at least one tick. Values travel in
   * registers, never as double arguments or returns: see `r`.
   */
  private snapToTick(out: number, s: number): void {
    const t = this.tick[s];
    const ticks = Math.round(this.r[out] / t);
    this.r[out] = (ticks < 1 ? 1 : ticks) * t;
  }

  /** r[out] = a log-normal order size for symbol s at its mid, on its lot grid, within its bounds. */
  private drawSize(out: number, s: number): void {
    const price = this.mid[s];
    const notional = MEDIAN_NOTIONAL * Math.exp(NOTIONAL_SIGMA * this.normals[this.n32[N.zi]++]);
    const lot = this.lot[s];
    let q = Math.round(notional / price / lot) * lot;
    if (q < this.minQty[s]) q = this.minQty[s];
    const cap = (this.maxNotional[s] * 0.5) / price;
    if (q > cap) q = Math.floor(cap / lot) * lot;
    this.r[out] = q;
  }

  private prepareGoodOrder(): void {
    const r = this.r;
    const n = this.n32;
    const s = this.own[Math.floor(this.uniforms[this.n32[N.ui]++] * this.tradable)];
    n[N.kind] = FrameKind.NewOrder;
    n[N.symbol] = s;
    const m = this.mid[s];
    const held = this.held[s] * m;
    if (held >= r[R.bookHigh]) this.regime[s] = Side.Sell;
    else if (held <= r[R.bookLow]) this.regime[s] = Side.Buy;
    n[N.side] = this.regime[s];
    r[R.clientId] = r[R.nextClientId];
    r[R.nextClientId] += this.clientIdStride;
    this.drawSize(R.qty, s);
    if (this.uniforms[this.n32[N.ui]++] < this.opts.marketFraction) {
      n[N.type] = OrderType.Market;
      r[R.price] = 0;
    } else {
      n[N.type] = OrderType.Limit;
      // Passive: buys below the mid, sells above it, so the account's own
      // resting orders do not cross each other while the mid stays put.
      let away = LIMIT_OFFSET_SIGMA * this.normals[this.n32[N.zi]++];
      if (away < 0) away = -away;
      if (away > 0.01) away = 0.01;
      r[R.price] = n[N.side] === Side.Buy ? m * (1 - away) - PASSIVE_TICKS * this.tick[s] : m * (1 + away) + PASSIVE_TICKS * this.tick[s];
      this.snapToTick(R.price, s);
    }
  }

  private rememberGood(): void {
    const r = this.r;
    const n = this.n32;
    n[N.goodSymbol] = n[N.symbol];
    n[N.goodSide] = n[N.side];
    n[N.goodType] = n[N.type];
    r[R.goodClientId] = r[R.clientId];
    r[R.goodPrice] = r[R.price];
    r[R.goodQty] = r[R.qty];
    this.held[n[N.symbol]] += n[N.side] === Side.Buy ? r[R.qty] : -r[R.qty];
  }

  /** Turns the prepared good order into the next kind of bad order, in rotation. */
  private spoil(): void {
    const r = this.r;
    const n = this.n32;
    const s = n[N.symbol];
    const kind = n[N.badCursor];
    n[N.badCursor] = (kind + 1) % BAD_KINDS;
    if (n[N.type] !== OrderType.Limit) {
      r[R.price] = this.mid[s];
      this.snapToTick(R.price, s);
    }
    const limitPrice = r[R.price];
    switch (kind) {
      case BadOrderKind.FatFingerPrice:
        n[N.type] = OrderType.Limit;
        r[R.price] = this.mid[s] * (this.uniforms[n[N.ui]++] < 0.5 ? 1.25 : 0.75);
        this.snapToTick(R.price, s);
        return;
      case BadOrderKind.OversizeQuantity:
        r[R.qty] = Math.round((this.maxQty[s] * 2) / this.lot[s]) * this.lot[s];
        return;
      case BadOrderKind.OverNotional:
        n[N.type] = OrderType.Limit;
        r[R.price] = limitPrice;
        r[R.qty] = Math.ceil((this.maxNotional[s] * 1.5) / limitPrice / this.lot[s]) * this.lot[s];
        return;
      case BadOrderKind.UnknownSymbol:
        n[N.symbol] = this.n + 1 + Math.floor(this.uniforms[this.n32[N.ui]++] * 1000);
        return;
      case BadOrderKind.DuplicateClientId:
        // This order is good; the next one repeats its client id while it is still live.
        this.rememberGood();
        n[N.duplicateNext] = 1;
        return;
      case BadOrderKind.OffTickPrice:
        n[N.type] = OrderType.Limit;
        r[R.price] = limitPrice + this.tick[s] * 0.5;
        return;
      case BadOrderKind.OffStepQuantity:
        r[R.qty] += this.lot[s] * 0.5;
        return;
      case BadOrderKind.BelowMinQuantity:
        r[R.qty] = this.minQty[s] - this.lot[s];
        return;
      case BadOrderKind.NonPositivePrice:
        n[N.type] = OrderType.Limit;
        r[R.price] = -limitPrice;
        return;
      case BadOrderKind.ZeroQuantity:
        r[R.qty] = 0;
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
    this.n32[N.symbol] = s;
    this.n32[N.type] = OrderType.Limit;
    this.r[R.price] = this.mid[s];
    this.snapToTick(R.price, s);
    this.drawSize(R.qty, s);
  }

  /**
   * Writes the prepared event into the frame at int32 index `base`, all but its
   * time field, which the caller stamps (a double argument would be boxed).
   */
  write(i32: Int32Array, f64: Float64Array, base: number, seq: number): void {
    const d = base >> 1;
    const r = this.r;
    const n = this.n32;
    const kind = n[N.kind];
    i32[base + Frame.kind] = kind;
    i32[base + Frame.symbol] = n[N.symbol];
    if (kind === FrameKind.MarketTick) {
      f64[d + MarketTick.bid] = r[R.bid];
      f64[d + MarketTick.ask] = r[R.ask];
      f64[d + MarketTick.last] = r[R.price];
      f64[d + MarketTick.bidQty] = r[R.bidQty];
      f64[d + MarketTick.askQty] = r[R.askQty];
      f64[d + MarketTick.exchSeq] = r[R.tickSeq];
      return;
    }
    f64[d + NewOrder.clientId] = r[R.clientId];
    f64[d + NewOrder.price] = r[R.price];
    f64[d + NewOrder.quantity] = r[R.qty];
    i32[base + NewOrder.seq] = seq;
    i32[base + NewOrder.side] = n[N.side];
    i32[base + NewOrder.type] = n[N.type];
    i32[base + NewOrder.flags] = 0;
    i32[base + NewOrder.account] = 0;
    i32[base + NewOrder.venue] = 0;
  }
}
