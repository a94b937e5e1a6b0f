/**
 * What an order source's own event making costs per order, on one thread,
 * with nothing else running, in each --source-mode: prepare() and write()
 * into a ring-sized scratch, ticks included at the engine's default ratio.
 * `generate` runs the built-in generator for every event; `replay` copies
 * and patches the events the generator prepared before the run (their
 * preparation is not timed: it happens before the source reports ready). A
 * source does this for every order on top of dispatching frames and
 * collecting decisions, so 1e9 / (ns per order) is a ceiling on one source's
 * orders/s. Each mode is timed in a fresh thread (source-cost-worker.ts), as
 * a source thread runs only one of them and its call sites see one class.
 */
import { Worker } from 'node:worker_threads';
import { FRAME_I32, FrameKind } from '../ipc/frame-layout.js';
import { DEFAULT_LOAD, OrderGenerator } from '../core/generator/order-generator.js';
import { buildUniverse } from '../core/instruments/universe.js';
import { EventReplay } from '../core/source/event-replay.js';
import type { EventSource, SourceMode } from '../core/source/event-source.js';
import { PreparedEvents } from '../core/source/prepared-events.js';
import { median, type BenchResult } from './bench-report.js';

/** Frames written round-robin, so the writes land in a ring-sized window as they do in the engine. */
const SCRATCH_FRAMES = 1024;

export interface SourceCost {
  /** Median over the timed rounds, ns per order (its share of ticks included). */
  nsPerOrder: number;
  /** Events (orders + ticks) per order. */
  eventsPerOrder: number;
  rounds: number;
}

export interface SourceCostSpec {
  mode: SourceMode;
  symbols: number;
  /** Events per timed round. */
  events: number;
  rounds: number;
}

/** Times `rounds` rounds of `events` events after one untimed round; the engine's default load. */
export function measureSourceCost(spec: SourceCostSpec): SourceCost {
  const gen = new OrderGenerator(buildUniverse(spec.symbols, 1), { seed: 1, ...DEFAULT_LOAD });
  const src: EventSource = spec.mode === 'replay' ? new EventReplay(new PreparedEvents(gen, 1)) : gen;
  const i32 = new Int32Array(SCRATCH_FRAMES * FRAME_I32);
  const f64 = new Float64Array(i32.buffer);
  const run = (n: number): number => {
    let orders = 0;
    for (let k = 0; k < n; k++) {
      src.prepare();
      if (src.kind === FrameKind.NewOrder) orders++;
      src.write(i32, f64, (k & (SCRATCH_FRAMES - 1)) * FRAME_I32, k);
    }
    return orders;
  };
  run(spec.events);
  const perOrder: number[] = [];
  let ratio = 0;
  for (let r = 0; r < spec.rounds; r++) {
    const t0 = process.hrtime.bigint();
    const orders = run(spec.events);
    perOrder.push(Number(process.hrtime.bigint() - t0) / orders);
    ratio = spec.events / orders;
  }
  return { nsPerOrder: median(perOrder), eventsPerOrder: ratio, rounds: spec.rounds };
}

/** One mode in a thread of its own. */
function inThread(spec: SourceCostSpec): Promise<SourceCost> {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL('./source-cost-worker.js', import.meta.url), { workerData: spec });
    w.once('message', resolve);
    w.once('error', reject);
  });
}

/** Both modes, same settings, one after the other: replay's ratio to generate is of the same run. */
export async function measureSourceCosts(symbols = 16, events = 2_000_000, rounds = 5): Promise<Record<SourceMode, SourceCost>> {
  const generate = await inThread({ mode: 'generate', symbols, events, rounds });
  const replay = await inThread({ mode: 'replay', symbols, events, rounds });
  return { generate, replay };
}

/** Both modes' costs as bench results (the e2e and source suites), replay's speed-up in its note. */
export function sourceCostResults(generate: SourceCost, replay: SourceCost): BenchResult[] {
  const line = (mode: string, c: SourceCost, note: string): BenchResult => ({
    name: `order source alone, --source-mode ${mode}, one thread (ceiling per source)`,
    unit: 'orders/s',
    median: 1e9 / c.nsPerOrder,
    runs: c.rounds,
    note: `${c.nsPerOrder.toFixed(0)} ns per order, ${c.eventsPerOrder.toFixed(2)} events (ticks included) per order; ${note}`,
  });
  return [
    line('generate', generate, 'a source also collects decisions and sends fills'),
    line('replay', replay, `${(generate.nsPerOrder / replay.nsPerOrder).toFixed(1)}x cheaper than generate in this run`),
  ];
}
