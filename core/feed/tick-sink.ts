/**
 * The one way the feed client talks to the engine. The engine implements it
 * on the main thread; the feed client calls it for every accepted tick and
 * whenever the feed goes silent.
 */
export interface TickSink {
  /**
   * Copies one validated 64-byte MarketTick frame (int32 index `base` in
   * these views; float64 index base >> 1) into the ring of the worker owning
   * the symbol (conflating if the ring is full). The frame is the feed's
   * scratch: copy it before returning, it is overwritten by the next tick.
   * MarketTick.time holds the monotonic ns at which the message was received.
   */
  dispatchTick(i32: Int32Array, f64: Float64Array, base: number): void;
  /** The feed went silent: the reference price of `symbol` is stale until its next tick. */
  markStale(symbol: number): void;
}
