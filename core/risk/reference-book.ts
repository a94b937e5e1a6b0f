/**
 * The market state of the symbols one worker owns: best bid/ask, last trade
 * and whether the feed has declared the reference stale. Written only by the
 * owning worker, on MarketTick and MarketDataStale frames; read by its checks.
 * NaN marks a price never seen.
 */
export class ReferenceBook {
  readonly bid: Float64Array;
  readonly ask: Float64Array;
  readonly last: Float64Array;
  readonly stale: Uint8Array;

  constructor(readonly symbols: number) {
    this.bid = new Float64Array(symbols).fill(NaN);
    this.ask = new Float64Array(symbols).fill(NaN);
    this.last = new Float64Array(symbols).fill(NaN);
    this.stale = new Uint8Array(symbols);
  }

  /** Applies a tick; NaN fields (a trade carries no book, a book no trade) keep the previous value. */
  update(s: number, bid: number, ask: number, last: number): void {
    if (bid === bid) this.bid[s] = bid;
    if (ask === ask) this.ask[s] = ask;
    if (last === last) this.last[s] = last;
    this.stale[s] = 0;
  }

  markStale(s: number): void {
    this.stale[s] = 1;
  }

  /** Reference price for collars and market-order notional: last trade, else mid; NaN if none. */
  reference(s: number): number {
    const l = this.last[s];
    if (l === l) return l;
    return (this.bid[s] + this.ask[s]) * 0.5;
  }
}
