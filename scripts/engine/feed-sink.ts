/**
 * The engine's side of a market data feed: each validated tick from the feed
 * client goes to the ring of the worker owning its symbol (conflated if that
 * ring is full) and is published at once (ticks arrive from WebSocket events,
 * between main-loop slices); the generator, if on, re-prices its orders off
 * it. A silent feed's stale markers go the same way, as control frames.
 */
import type { MonotonicClock } from '../../core/clock/monotonic-clock.js';
import type { TickSink } from '../../core/feed/tick-sink.js';
import type { OrderGenerator } from '../../core/generator/order-generator.js';
import type { Dispatcher } from './dispatcher.js';

export class EngineTickSink implements TickSink {
  constructor(
    private readonly dispatcher: Dispatcher,
    private readonly clock: MonotonicClock,
    private readonly generator: OrderGenerator | undefined,
  ) {}

  dispatchTick(i32: Int32Array, f64: Float64Array, base: number): void {
    this.dispatcher.dispatchTick(i32, f64, base);
    this.dispatcher.publishAll();
    this.generator?.observe(i32, f64, base);
  }

  markStale(symbol: number): void {
    this.clock.update();
    this.dispatcher.markStale(symbol, this.clock.reading[0]);
    this.dispatcher.publishAll();
  }
}
