/**
 * An order source's events, decided before the run by its own OrderGenerator
 * and kept as ring-ready 64-byte frames (one ArrayBuffer, Int32Array and
 * Float64Array views), for EventReplay (event-replay.ts) to replay lap after
 * lap. Built once, when the source is built, before it reports ready:
 * allocation is allowed here and nowhere on the replay path.
 *
 * Per event it also keeps what a lap cannot recompute cheaply: whether the
 * order is a forced duplicate (sent right after its original, whatever the
 * pace), a tick's mid (the stand-in exchange fills at it), and an order's
 * price mirrored about its symbol's mid (odd laps flip every side: see
 * EventReplay). A lap never ends between a DuplicateClientId order and its
 * duplicate: when the last prepared event is an original whose duplicate
 * would come next, the lap ends one event earlier, so a duplicate always
 * repeats an id of its own lap.
 */
import { FRAME_BYTES, FRAME_I32, Frame, FrameKind, NewOrder } from '../../ipc/frame-layout.js';
import type { OrderGenerator } from '../generator/order-generator.js';

/**
 * Events prepared per source: 2^16 frames, 4 MiB (+ 9 B an event beside).
 * At the default mix that is ~52 k orders a lap, every bad-order kind ~40
 * times and every symbol's side regime turned several times, and it is
 * prepared in tens of ms at build time. Four sources' laps (16 MiB) stay
 * within a server's L3; replay reads them sequentially, so the prefetcher
 * hides the rest.
 */
export const REPLAY_EVENTS = 1 << 16;

export class PreparedEvents {
  /** Events in a lap: the capacity, or one less (see above). */
  readonly length: number;
  readonly i32: Int32Array;
  readonly f64: Float64Array;
  /** 1 where the event is a duplicate that goes right after its original. */
  readonly forced: Uint8Array;
  /** A tick's mid; an order's price mirrored about its symbol's mid (its own price where no mirror applies). */
  readonly aux: Float64Array;
  /** The generator's mids before its first event, where a replay starts. */
  readonly startMids: Float64Array;
  /**
   * What lap L adds to every client id of the lap: L * idSpan. The span is a
   * multiple of the id stride, so an id keeps its source (client-ids.ts).
   */
  readonly idSpan: number;

  /** Runs `gen` (fresh: its first event next) for `capacity` events; `idStride`: its client id stride. */
  constructor(gen: OrderGenerator, idStride: number, capacity = REPLAY_EVENTS) {
    const buffer = new ArrayBuffer(capacity * FRAME_BYTES);
    this.i32 = new Int32Array(buffer);
    this.f64 = new Float64Array(buffer);
    this.forced = new Uint8Array(capacity);
    this.aux = new Float64Array(capacity);
    const mids = gen.mids;
    this.startMids = Float64Array.from(mids);
    const ticks = gen.instruments.map((i) => i.tickSize);
    for (let k = 0; k < capacity; k++) {
      gen.prepare();
      const base = k * FRAME_I32;
      gen.write(this.i32, this.f64, base, 0);
      this.forced[k] = gen.forced ? 1 : 0;
      const s = gen.symbol;
      if (gen.kind === FrameKind.MarketTick) this.aux[k] = mids[s];
      else this.aux[k] = mirrored(this.f64[(base >> 1) + NewOrder.price], s < mids.length ? mids[s] : NaN, s < ticks.length ? ticks[s] : NaN);
    }
    gen.prepare();
    this.length = gen.forced ? capacity - 1 : capacity;
    let lo = Infinity;
    let hi = -Infinity;
    for (let k = 0; k < this.length; k++) {
      const base = k * FRAME_I32;
      if (this.i32[base + Frame.kind] !== FrameKind.NewOrder) continue;
      const id = this.f64[(base >> 1) + NewOrder.clientId];
      if (id < lo) lo = id;
      if (id > hi) hi = id;
    }
    this.idSpan = hi >= lo ? hi - lo + idStride : 0;
  }
}

/**
 * A limit price reflected about the mid on the tick grid, 2M - p (M the mid
 * rounded to a tick): a passive buy below the mid becomes a passive sell as
 * far above it, an off-tick price stays off tick, a fat finger stays fat.
 * Market orders (0), non-positive prices and unknown symbols keep theirs.
 */
function mirrored(price: number, mid: number, tick: number): number {
  if (!(price > 0) || !(mid > 0) || !(tick > 0)) return price;
  return 2 * Math.round(mid / tick) * tick - price;
}
