/**
 * The market state of the symbols one worker owns: best bid/ask, last trade
 * and whether the feed has declared the reference stale. Written only by the
 * owning worker, on MarketTick and MarketDataStale frames; read by its checks.
 * NaN marks a price never seen. The reference price for collars and
 * market-order notional is the last trade, else the mid (see PreTradeChecker).
 */
import { MarketTick } from '../../ipc/frame-layout.js';

export class ReferenceBook {
  readonly bid: Float64Array;
  readonly ask: Float64Array;
  readonly last: Float64Array;
  /** Main's send time of the symbol's last tick (shared monotonic clock), for the reference-age check. */
  readonly time: Float64Array;
  readonly stale: Uint8Array;

  constructor(readonly symbols: number) {
    this.bid = new Float64Array(symbols).fill(NaN);
    this.ask = new Float64Array(symbols).fill(NaN);
    this.last = new Float64Array(symbols).fill(NaN);
    this.time = new Float64Array(symbols);
    this.stale = new Uint8Array(symbols);
  }

  /**
   * Applies the MarketTick whose float64 fields start at `d` in `f64` (passed by
   * position: doubles passed to a call V8 does not inline would be boxed).
   * NaN fields (a trade carries no book, a book no trade) keep the previous value.
   */
  apply(s: number, f64: Float64Array, d: number): void {
    const bid = f64[d + MarketTick.bid];
    const ask = f64[d + MarketTick.ask];
    const last = f64[d + MarketTick.last];
    if (bid === bid) this.bid[s] = bid;
    if (ask === ask) this.ask[s] = ask;
    if (last === last) this.last[s] = last;
    this.time[s] = f64[d + MarketTick.time];
    this.stale[s] = 0;
  }

  markStale(s: number): void {
    this.stale[s] = 1;
  }

}
