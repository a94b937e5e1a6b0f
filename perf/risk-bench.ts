/**
 * risk: the worker's full pre-trade check list per order, on the shared risk
 * state (limits table, breaker board, exposure ledger, rate limiters), over
 * the generator's order mix (1% bad). Orders are timed in blocks of 64 with
 * the shared clock (~100 ns a read, measured and subtracted), each block
 * giving one per-order figure; p50/p99/p99.9 are over blocks. Accepted orders
 * are filled between blocks, untimed, so positions, open orders and exposure
 * stay in a steady state. Baseline, same run, same orders: the same checks
 * written the usual way (order objects with string fields, Maps keyed by
 * symbol name and client id, a Set of live ids). GCs counted over each run.
 */
import { fileURLToPath } from 'node:url';
import { monotonicClock } from '../core/clock/monotonic-clock.js';
import { readLimitsConfig } from '../core/config/limits-config.js';
import { createRiskState } from '../engine/risk-state.js';
import { DEFAULT_LOAD, OrderGenerator, reservedSymbols } from '../core/generator/order-generator.js';
import { writeInstrumentTable } from '../core/instruments/instrument.js';
import { buildUniverse } from '../core/instruments/universe.js';
import { GcMeter } from '../core/metrics/gc-meter.js';
import { LiveOrderSet } from '../core/risk/live-order-set.js';
import { PreTradeChecker } from '../core/risk/pre-trade-checks.js';
import { ReferenceBook } from '../core/risk/reference-book.js';
import { Reason } from '../core/risk/reject-reason.js';
import { FRAME_BYTES, FRAME_I32, Fill, Frame, FrameKind, MarketTick, NewOrder, OrderType, Side } from '../ipc/frame-layout.js';
import { createInstrumentTable } from '../ipc/instrument-table-layout.js';
import { clockReadCost, machineInfo, median, percentile, timeRatio, type BenchReport, type BenchResult } from './bench-report.js';
import { NaiveRisk, type NaiveOrder } from './risk-naive.js';

const BLOCK = 64;
const ORDERS = 1 << 16;
const SYMBOLS = 16;

interface Run { perOrder: Float64Array; gcs: number; accepted: number }

function stats(name: string, r: Run): BenchResult {
  const xs = Array.from(r.perOrder);
  const p999 = percentile(xs, 99.9);
  return {
    name,
    unit: 'ns/order',
    median: median(xs),
    p99: percentile(xs, 99),
    runs: r.perOrder.length,
    note: `p99.9 ${p999.toFixed(0)} ns; ${r.gcs} GCs; ${Math.round((100 * r.accepted) / (r.perOrder.length * BLOCK))}% accepted`,
  };
}

export async function run(args: string[]): Promise<BenchReport> {
  const blocks = Number(args.find((a) => a.startsWith('--blocks='))?.slice(9) ?? 40_000);
  const clock = monotonicClock();
  const universe = buildUniverse(SYMBOLS, 7);
  const gen = new OrderGenerator(universe, { seed: 7, ...DEFAULT_LOAD });
  universe[reservedSymbols(universe.length, false).halted].trading = false;
  const table = createInstrumentTable(SYMBOLS);
  writeInstrumentTable(table, universe);
  const limits = readLimitsConfig(fileURLToPath(new URL('../../config/limits.engine.json', import.meta.url)));
  const risk = createRiskState(limits.config, universe.map((i) => i.name), clock);
  const book = new ReferenceBook(SYMBOLS);
  const checker = new PreTradeChecker(table, book, new LiveOrderSet(1 << 16), risk, clock);

  // The order stream: NewOrder frames in one buffer; ticks go to the book as they come (time = now, never stale).
  const frames = new ArrayBuffer(ORDERS * FRAME_BYTES);
  const i32 = new Int32Array(frames);
  const f64 = new Float64Array(frames);
  const tickBuf = new ArrayBuffer(FRAME_BYTES);
  const ti32 = new Int32Array(tickBuf);
  const tf64 = new Float64Array(tickBuf);
  const naiveOrders: NaiveOrder[] = [];
  const naive = new NaiveRisk(universe, limits.config);
  for (let n = 0; n < ORDERS; ) {
    gen.prepare();
    if (gen.kind === FrameKind.MarketTick) {
      gen.write(ti32, tf64, 0, 0);
      tf64[MarketTick.time] = Infinity; // a tick "from the future": never older than maxRefAgeNs
      book.apply(ti32[Frame.symbol], tf64, 0);
      naive.tick(universe[ti32[Frame.symbol]]?.name ?? '', tf64[MarketTick.last], Infinity);
      continue;
    }
    const base = n * FRAME_I32;
    gen.write(i32, f64, base, n);
    const d = base >> 1;
    naiveOrders.push({
      clientOrderId: String(f64[d + NewOrder.clientId]),
      symbol: universe[i32[base + Frame.symbol]]?.name ?? 'UNKNOWN',
      side: i32[base + NewOrder.side] === Side.Buy ? 'BUY' : 'SELL',
      type: i32[base + NewOrder.type] === OrderType.Market ? 'MARKET' : 'LIMIT',
      price: f64[d + NewOrder.price],
      quantity: f64[d + NewOrder.quantity],
      reduceOnly: false,
      venue: 'binance',
    });
    n++;
  }

  const clockCost = clockReadCost(clock);

  const fillBuf = new ArrayBuffer(FRAME_BYTES);
  const fi32 = new Int32Array(fillBuf);
  const ff64 = new Float64Array(fillBuf);
  const accepted = new Int32Array(BLOCK);
  const acceptedPx = new Float64Array(BLOCK);

  const runBot4 = (count: number, record: boolean): Run => {
    const perOrder = new Float64Array(record ? count : 0);
    let acc = 0;
    const meter = record ? new GcMeter() : undefined;
    let o = 0;
    for (let b = 0; b < count; b++) {
      checker.beginBatch();
      let na = 0;
      clock.update();
      const t0 = clock.reading[0];
      for (let k = 0; k < BLOCK; k++) {
        const base = ((o + k) & (ORDERS - 1)) * FRAME_I32;
        if (checker.check(i32, f64, base) === Reason.ACCEPTED) {
          acceptedPx[na] = checker.checkedPrice;
          accepted[na++] = base;
        }
      }
      clock.update();
      if (record) perOrder[b] = (clock.reading[0] - t0 - clockCost) / BLOCK;
      o += BLOCK;
      acc += na;
      for (let k = 0; k < na; k++) {
        const base = accepted[k];
        const d = base >> 1;
        fi32[Frame.kind] = FrameKind.Fill;
        fi32[Fill.leavesOpen] = 0;
        ff64[Fill.clientId] = f64[d + Fill.clientId];
        ff64[Fill.quantity] = f64[d + Fill.quantity];
        ff64[Fill.price] = acceptedPx[k];
        checker.onFill(fi32, ff64, 0);
      }
    }
    meter?.stop();
    return { perOrder, gcs: meter?.count ?? 0, accepted: acc };
  };

  const runNaive = (count: number, record: boolean): Run => {
    const perOrder = new Float64Array(record ? count : 0);
    let acc = 0;
    const meter = record ? new GcMeter() : undefined;
    let o = 0;
    const ok: NaiveOrder[] = [];
    for (let b = 0; b < count; b++) {
      ok.length = 0;
      const t0 = clock.nowNs();
      for (let k = 0; k < BLOCK; k++) {
        const order = { ...naiveOrders[(o + k) & (ORDERS - 1)] };
        if (naive.check(order).ok) ok.push(order);
      }
      const t1 = clock.nowNs();
      if (record) perOrder[b] = (t1 - t0 - clockCost) / BLOCK;
      o += BLOCK;
      acc += ok.length;
      for (const order of ok) naive.fill(order.clientOrderId, order.quantity, order.type === 'MARKET' ? naive.reference(order.symbol) : order.price);
    }
    meter?.stop();
    return { perOrder, gcs: meter?.count ?? 0, accepted: acc };
  };

  runBot4(blocks >> 2, false); // warm-up: JIT tiers settle
  runNaive(blocks >> 2, false);
  const bot4 = runBot4(blocks, true);

  const base = runNaive(blocks, true);
  const r1 = stats('full check list, bot4 (typed arrays, shared risk)', bot4);
  const r2 = stats('baseline: objects, Maps, string ids', base);
  return {
    suite: 'risk',
    machine: machineInfo(),
    results: [r1, r2, { name: 'clock read (subtracted per block)', unit: 'ns', median: clockCost, runs: 2001 }],
    ratios: { vs_naive_p50: timeRatio(r1.median, r2.median), vs_naive_p99: timeRatio(r1.p99!, r2.p99!) },
  };
}
