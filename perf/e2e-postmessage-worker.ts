/**
 * Baseline worker for the e2e bench: the same per-order checks, but each order
 * arrives as a JS object through postMessage and its decision leaves the same
 * way, as a Node service without shared memory would do it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { FRAME_BYTES, Fill, Frame, MarketTick, NewOrder } from '../ipc/frame-layout.js';
import { LiveOrderSet } from '../core/risk/live-order-set.js';
import { PreTradeChecker, type RiskBuffers } from '../core/risk/pre-trade-checks.js';
import { monotonicClock } from '../core/clock/monotonic-clock.js';
import { ReferenceBook } from '../core/risk/reference-book.js';
import { SYMBOL_STRIDE, attachInstrumentTable } from '../ipc/instrument-table-layout.js';

interface Msg { t: 'tick' | 'order' | 'fill'; s: number; id: number; p: number; q: number; side: number; type: number; bid: number; ask: number; last: number; seq: number }

const table = workerData.instruments as SharedArrayBuffer;
const book = new ReferenceBook(attachInstrumentTable(table).length / SYMBOL_STRIDE);
const live = new LiveOrderSet(1 << 16);
const checker = new PreTradeChecker(table, book, live, workerData.risk as RiskBuffers, monotonicClock());
const frame = new ArrayBuffer(FRAME_BYTES);
const i32 = new Int32Array(frame);
const f64 = new Float64Array(frame);

parentPort!.on('message', (m: Msg) => {
  if (m.t === 'tick') {
    f64[MarketTick.bid] = m.bid;
    f64[MarketTick.ask] = m.ask;
    f64[MarketTick.last] = m.last;
    f64[MarketTick.time] = monotonicClock().nowNs();
    book.apply(m.s, f64, 0);
  } else if (m.t === 'fill') {
    i32[Fill.leavesOpen] = 0;
    f64[Fill.clientId] = m.id;
    f64[Fill.quantity] = m.q;
    f64[Fill.price] = m.p;
    i32[Fill.side] = m.side;
    checker.onFill(i32, f64, 0);
  } else {
    checker.beginBatch();
    i32[Frame.symbol] = m.s;
    i32[NewOrder.type] = m.type;
    i32[NewOrder.side] = m.side;
    f64[NewOrder.price] = m.p;
    f64[NewOrder.quantity] = m.q;
    f64[NewOrder.clientId] = m.id;
    const reason = checker.check(i32, f64, 0);
    parentPort!.postMessage({ seq: m.seq, id: m.id, reason, s: m.s, p: reason === 0 ? checker.checkedPrice : m.p, q: m.q, side: m.side });
  }
});
