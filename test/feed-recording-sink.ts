import { Frame, MarketTick } from '../ipc/frame-layout.js';
import type { TickSink } from '../core/feed/tick-sink.js';

/** A TickSink that records what it is given. */
export class RecordingSink implements TickSink {
  readonly ticks: { symbol: number; time: number; bid: number; ask: number; last: number; exchSeq: number }[] = [];
  readonly stale: number[] = [];
  dispatchTick(i32: Int32Array, f64: Float64Array, base: number): void {
    const f = base >> 1;
    this.ticks.push({
      symbol: i32[base + Frame.symbol],
      time: f64[f + MarketTick.time],
      bid: f64[f + MarketTick.bid],
      ask: f64[f + MarketTick.ask],
      last: f64[f + MarketTick.last],
      exchSeq: f64[f + MarketTick.exchSeq],
    });
  }
  markStale(symbol: number): void {
    this.stale.push(symbol);
  }
}
