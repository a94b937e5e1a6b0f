/**
 * Baseline worker for the e2e bench: the same per-order checks, but each order
 * arrives as a JS object through postMessage and its decision leaves the same
 * way, as a Node service without shared memory would do it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { F64, FRAME_BYTES, I32 } from '../ipc/frame-layout.js';
import { LiveOrderSet } from '../core/risk/live-order-set.js';
import { OrderChecker } from '../core/risk/order-checks.js';
import { ReferenceBook } from '../core/risk/reference-book.js';
import { SYMBOL_STRIDE } from '../ipc/instrument-table-layout.js';

interface Msg { t: 'tick' | 'order' | 'fill'; s: number; id: number; p: number; q: number; side: number; type: number; bid: number; ask: number; last: number; seq: number }

const table = new Float64Array(workerData.instruments as SharedArrayBuffer);
const book = new ReferenceBook(table.length / SYMBOL_STRIDE);
const live = new LiveOrderSet(1 << 16);
const checker = new OrderChecker(table, book, live);
const frame = new ArrayBuffer(FRAME_BYTES);
const i32 = new Int32Array(frame);
const f64 = new Float64Array(frame);

parentPort!.on('message', (m: Msg) => {
  if (m.t === 'tick') {
    f64[F64.bid] = m.bid;
    f64[F64.ask] = m.ask;
    f64[F64.last] = m.last;
    book.apply(m.s, f64, 0);
  } else if (m.t === 'fill') {
    live.delete(m.id);
  } else {
    i32[I32.symbol] = m.s;
    i32[I32.type] = m.type;
    i32[I32.side] = m.side;
    f64[F64.price] = m.p;
    f64[F64.quantity] = m.q;
    f64[F64.clientId] = m.id;
    const reason = checker.check(i32, f64, 0);
    parentPort!.postMessage({ seq: m.seq, id: m.id, reason, s: m.s });
  }
});
