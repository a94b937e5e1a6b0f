/**
 * Baseline worker for the e2e bench: the same per-order checks, but each order
 * arrives as a JS object through postMessage and its decision leaves the same
 * way, as a Node service without shared memory would do it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { F64, FRAME_BYTES, I32 } from '../ipc/frame-layout.js';
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
    f64[F64.bid] = m.bid;
    f64[F64.ask] = m.ask;
    f64[F64.last] = m.last;
    f64[F64.time] = monotonicClock().nowNs();
    book.apply(m.s, f64, 0);
  } else if (m.t === 'fill') {
    i32[I32.leavesOpen] = 0;
    f64[F64.clientId] = m.id;
    f64[F64.quantity] = m.q;
    f64[F64.price] = m.p;
    i32[I32.side] = m.side;
    checker.onFill(i32, f64, 0);
  } else {
    checker.beginBatch();
    i32[I32.symbol] = m.s;
    i32[I32.type] = m.type;
    i32[I32.side] = m.side;
    f64[F64.price] = m.p;
    f64[F64.quantity] = m.q;
    f64[F64.clientId] = m.id;
    const reason = checker.check(i32, f64, 0);
    parentPort!.postMessage({ seq: m.seq, id: m.id, reason, s: m.s, p: reason === 0 ? checker.checkedPrice : m.p, q: m.q, side: m.side });
  }
});
