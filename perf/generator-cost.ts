/**
 * What the built-in order generator alone costs per order, on one thread,
 * with nothing else running: prepare() and write() into a frame-sized scratch,
 * ticks included at the engine's default ratio. Main does this for every order
 * at --rate max, on top of dispatching frames and collecting decisions, so
 * 1e9 / (ns per order) is a ceiling on main's orders/s that no ring or check
 * can lift.
 */
import { FRAME_I32, FrameKind } from '../ipc/frame-layout.js';
import { DEFAULT_LOAD, OrderGenerator } from '../core/generator/order-generator.js';
import { buildUniverse } from '../core/instruments/universe.js';
import { median } from './bench-report.js';

/** Frames written round-robin, so the writes land in a ring-sized window as they do in the engine. */
const SCRATCH_FRAMES = 1024;

export interface GeneratorCost {
  /** Median over the timed rounds, ns per generated order (its share of ticks included). */
  nsPerOrder: number;
  /** Events (orders + ticks) per order. */
  eventsPerOrder: number;
}

/** Times `rounds` rounds of `events` events after a warm-up; same settings as the engine's defaults. */
export function measureGeneratorCost(symbols = 16, events = 2_000_000, rounds = 5): GeneratorCost {
  const gen = new OrderGenerator(buildUniverse(symbols, 1), { seed: 1, ...DEFAULT_LOAD });
  const i32 = new Int32Array(SCRATCH_FRAMES * FRAME_I32);
  const f64 = new Float64Array(i32.buffer);
  const run = (n: number): number => {
    let orders = 0;
    for (let k = 0; k < n; k++) {
      gen.prepare();
      if (gen.kind === FrameKind.NewOrder) orders++;
      gen.write(i32, f64, (k & (SCRATCH_FRAMES - 1)) * FRAME_I32, k);
    }
    return orders;
  };
  run(events);
  const perOrder: number[] = [];
  let ratio = 0;
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint();
    const orders = run(events);
    perOrder.push(Number(process.hrtime.bigint() - t0) / orders);
    ratio = events / orders;
  }
  return { nsPerOrder: median(perOrder), eventsPerOrder: ratio };
}
