/**
 * The engine's side of a market data feed, on main: each validated tick from
 * the feed client goes to the ring of the worker owning its symbol (conflated
 * if that ring is full) and is published at once (ticks arrive from
 * WebSocket events), and its price goes on the mid board that order sources
 * price their orders off (plain float64 stores, main the single writer; an
 * aligned 8-byte store does not tear). A silent feed's stale markers go the
 * way ticks go, as control frames.
 */
import type { MonotonicClock } from '../core/clock/monotonic-clock.js';
import type { Dispatcher } from '../core/dispatch/dispatcher.js';
import type { TickSink } from '../core/feed/tick-sink.js';
import { Frame, MarketTick } from '../ipc/frame-layout.js';

export class EngineTickSink implements TickSink {
  constructor(
    private readonly dispatcher: Dispatcher,
    private readonly clock: MonotonicClock,
    /** The mid board, or undefined when no source generates orders. */
    private readonly mids: Float64Array | undefined,
  ) {}

  dispatchTick(i32: Int32Array, f64: Float64Array, base: number): void {
    this.dispatcher.dispatchTick(i32, f64, base);
    this.dispatcher.publishAll();
    const mids = this.mids;
    const s = i32[base + Frame.symbol];
    if (mids === undefined || s < 0 || s >= mids.length) return;
    // The last trade where the venue sends one, else the middle of the book.
    const d = base >> 1;
    const last = f64[d + MarketTick.last];
    const m = last === last ? last : (f64[d + MarketTick.bid] + f64[d + MarketTick.ask]) * 0.5;
    if (m > 0 && m < Infinity) mids[s] = m;
  }

  markStale(symbol: number): void {
    this.clock.update();
    this.dispatcher.markStale(symbol, this.clock.reading[0]);
    this.dispatcher.publishAll();
  }
}
