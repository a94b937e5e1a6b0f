/**
 * A worker's loop: drain a batch from the in-ring, apply ticks, fills and
 * control frames, check each order and write its Decision to the out-ring,
 * publish the decisions with one store, then release the in-ring batch with
 * one store. Decisions are published before the in-ring slots are released,
 * so a worker that dies mid-batch can cause a duplicate decision (which main
 * detects and counts) but never a lost one.
 *
 * Latency (intended send time -> decision visible to main) is recorded once
 * per batch, after the publish, with one clock read for the whole batch; the
 * checks take one more at the batch's start (reference age, rate limiters).
 * Nothing here allocates per frame.
 */
import { ControlOp, F64, FrameKind, I32 } from '../ipc/frame-layout.js';
import { bucketIndex } from '../ipc/latency-histogram.js';
import type { RingConsumer, RingProducer } from '../ipc/spsc-ring.js';
import type { ConsumerIdler } from '../ipc/wait-strategy.js';
import { WorkerStat, type WorkerStatsView } from '../ipc/worker-stats-layout.js';
import type { MonotonicClock } from '../core/clock/monotonic-clock.js';
import { LiveOrderSet } from '../core/risk/live-order-set.js';
import { PreTradeChecker, type RiskBuffers } from '../core/risk/pre-trade-checks.js';
import { ReferenceBook } from '../core/risk/reference-book.js';
import { Reason } from '../core/risk/reject-reason.js';
import { SYMBOL_STRIDE, attachInstrumentTable } from '../ipc/instrument-table-layout.js';

export interface EngineLoopOptions {
  workerId: number;
  maxBatch: number;
  liveOrderCapacity: number;
}

export class EngineLoop {
  readonly checker: PreTradeChecker;
  private readonly book: ReferenceBook;
  private readonly live: LiveOrderSet;
  /** Intended send times of the orders decided in the current batch. */
  private readonly batchIntended: Float64Array;
  /** Stamps of the ticks applied in the current batch. */
  private readonly batchTickTimes: Float64Array;
  private readonly inI32: Int32Array;
  private readonly inF64: Float64Array;
  private readonly outI32: Int32Array;
  private readonly outF64: Float64Array;
  private readonly stats: Float64Array;
  private readonly histogram: Uint32Array;
  private readonly tickHistogram: Uint32Array;
  private shutdown = false;

  constructor(
    private readonly input: RingConsumer,
    private readonly output: RingProducer,
    instruments: SharedArrayBuffer,
    statsView: WorkerStatsView,
    private readonly idler: ConsumerIdler,
    private readonly clock: MonotonicClock,
    private readonly opts: EngineLoopOptions,
    risk: RiskBuffers,
  ) {
    this.book = new ReferenceBook(attachInstrumentTable(instruments).length / SYMBOL_STRIDE);
    this.live = new LiveOrderSet(opts.liveOrderCapacity);
    this.checker = new PreTradeChecker(instruments, this.book, this.live, risk, clock);
    this.batchIntended = new Float64Array(opts.maxBatch);
    this.batchTickTimes = new Float64Array(opts.maxBatch);
    this.inI32 = input.i32;
    this.inF64 = input.f64;
    this.outI32 = output.i32;
    this.outF64 = output.f64;
    this.stats = statsView.f64;
    this.histogram = statsView.histogram;
    this.tickHistogram = statsView.tickHistogram;
  }

  get stopped(): boolean {
    return this.shutdown;
  }

  /**
   * Runs until `untilNs` on the shared clock or a Shutdown frame; returns true on shutdown.
   * The clock is read twice per batch, and once per 1024 idle polls.
   */
  runUntil(untilNs: number): boolean {
    let idlePolls = 0;
    while (!this.shutdown) {
      const n = this.input.available();
      if (n === 0) {
        this.idler.idle();
        if ((++idlePolls & 1023) === 0) {
          this.clock.update();
          if (this.clock.reading[0] >= untilNs) return false;
        }
        continue;
      }
      this.idler.busy();
      this.processBatch(n < this.opts.maxBatch ? n : this.opts.maxBatch);
      if (this.clock.reading[0] >= untilNs) return false;
    }
    return true;
  }

  /** Processes up to `n` available frames; leaves the clock reading taken after publishing in clock.reading[0]. */
  private processBatch(n: number): void {
    const inI32 = this.inI32;
    const inF64 = this.inF64;
    const stats = this.stats;
    let room = this.output.free(n);
    let orders = 0;
    let ticks = 0;
    let fills = 0;
    let controls = 0;
    let k = 0;
    this.checker.beginBatch();
    for (; k < n; k++) {
      const base = this.input.frameAt(k);
      const kind = inI32[base + I32.kind];
      if (kind === FrameKind.NewOrder) {
        if (room === 0) break; // the rest waits for main to drain decisions
        room--;
        this.batchIntended[orders++] = inF64[(base >> 1) + F64.time];
        this.decide(base);
      } else if (kind === FrameKind.MarketTick) {
        this.book.apply(inI32[base + I32.symbol], inF64, base >> 1);
        this.batchTickTimes[ticks++] = inF64[(base >> 1) + F64.time];
      } else if (kind === FrameKind.Fill) {
        this.checker.onFill(inI32, inF64, base);
        fills++;
      } else if (kind === FrameKind.Control) {
        const op = inI32[base + I32.op];
        if (op === ControlOp.Heartbeat) {
          if (room === 0) break;
          room--;
          this.echoHeartbeat(base);
        } else if (op === ControlOp.MarketDataStale) {
          const s = inI32[base + I32.symbol];
          if (s >= 0 && s < this.book.symbols) this.book.markStale(s);
        } else if (op === ControlOp.Shutdown) {
          this.shutdown = true;
        }
        controls++;
      }
    }
    this.output.publish();
    this.input.advance(k);
    this.input.release();
    this.clock.update();
    const now = this.clock.reading[0];
    const h = this.histogram;
    const intended = this.batchIntended;
    for (let i = 0; i < orders; i++) h[bucketIndex(now - intended[i])]++;
    const th = this.tickHistogram;
    const tickTimes = this.batchTickTimes;
    for (let i = 0; i < ticks; i++) th[bucketIndex(now - tickTimes[i])]++;
    stats[WorkerStat.ordersIn] += orders;
    stats[WorkerStat.decisions] += orders;
    stats[WorkerStat.ticksIn] += ticks;
    stats[WorkerStat.fillsIn] += fills;
    stats[WorkerStat.controlsIn] += controls;
    stats[WorkerStat.batches]++;
  }

  private decide(base: number): void {
    const inI32 = this.inI32;
    const inF64 = this.inF64;
    const reason = this.checker.check(inI32, inF64, base);
    const o = this.output.claim();
    const oi = this.outI32;
    const of = this.outF64;
    const d = base >> 1;
    const od = o >> 1;
    oi[o + I32.kind] = FrameKind.Decision;
    oi[o + I32.symbol] = inI32[base + I32.symbol];
    of[od + F64.time] = inF64[d + F64.time];
    of[od + F64.clientId] = inF64[d + F64.clientId];
    of[od + F64.price] = reason === Reason.ACCEPTED ? this.checker.checkedPrice : inF64[d + F64.price];
    of[od + F64.quantity] = inF64[d + F64.quantity];
    oi[o + I32.seq] = inI32[base + I32.seq];
    oi[o + I32.side] = inI32[base + I32.side];
    oi[o + I32.reason] = reason;
    oi[o + I32.worker] = this.opts.workerId;
    oi[o + I32.account] = inI32[base + I32.account];
    oi[o + I32.venue] = inI32[base + I32.venue];
  }

  private echoHeartbeat(base: number): void {
    const o = this.output.claim();
    const d = base >> 1;
    this.outI32[o + I32.kind] = FrameKind.Control;
    this.outI32[o + I32.symbol] = this.opts.workerId;
    this.outI32[o + I32.op] = ControlOp.Heartbeat;
    this.outF64[(o >> 1) + F64.time] = this.inF64[d + F64.time];
    this.outF64[(o >> 1) + F64.arg] = this.inF64[d + F64.arg];
  }
}
