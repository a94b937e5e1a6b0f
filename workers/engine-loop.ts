/**
 * A risk worker's agent. The worker reads several links, each a pair of
 * rings: link 0 is main's (feed ticks, stale markers, control; heartbeat
 * echoes go back on it), links 1..S are the order sources' (ticks, orders and
 * fills in; each order's Decision back to the source that sent it). One pass
 * takes a batch from each link in turn: apply ticks, fills and control
 * frames, check each order and write its Decision, publish the link's
 * decisions with one store, then release its in-ring batch with one store.
 * Decisions are published before the in-ring slots are released, so a worker
 * that dies mid-batch can cause a duplicate decision (the source's ledger
 * detects and counts it) but never a lost one; a restarted worker resumes at
 * the ring positions in shared memory.
 *
 * The clock is read once per batch (the checks need it: reference age, rate
 * limiters); each Decision carries how long its order waited in the ring
 * (that reading minus the order's send time), so the source can split the
 * latency into hops. A batch with ticks reads it once more, after publishing,
 * for the tick latency histogram. Nothing here allocates per frame.
 * At the end of each batch the rows of the symbols it touched (accepted
 * orders, fills, ticks) go to the position board, once each, for main.
 * With the correlation engine on (--correlation on), each tick also offers
 * its symbol's mid to the rolling returns (ipc/returns-window-layout.ts):
 * one compare unless a new sampling slot began.
 * After a Shutdown frame on link 0 the loop drains every link and finishes.
 *
 * With a venue gateway (--exchange), the last link is the gateway's: each
 * accepted order is copied onto its out-ring (the NewOrder frame, at the
 * price it was checked at) in the same batch as its Decision, and the venue's
 * executions come back on its in-ring as Fill frames. An order is taken only
 * while both its decision ring and the gateway's ring have room, so a slow
 * venue holds orders in the source's ring (its backpressure), never drops one.
 */
import { Control, ControlOp, Decision, FRAME_I32, Frame, FrameKind, MarketTick, NewOrder } from '../ipc/frame-layout.js';
import { SYMBOL_STRIDE, attachInstrumentTable } from '../ipc/instrument-table-layout.js';
import { bucketIndex } from '../ipc/latency-histogram.js';
import type { RingConsumer, RingProducer } from '../ipc/spsc-ring.js';
import { ReturnsWriter, SAMPLE_MID, SAMPLE_NOW_NS } from '../ipc/returns-window-layout.js';
import { WorkerStat, type WorkerStatsView } from '../ipc/worker-stats-layout.js';
import type { Agent } from '../core/agent/agent.js';
import type { MonotonicClock } from '../core/clock/monotonic-clock.js';
import { workerOf } from '../core/dispatch/dispatcher.js';
import { LiveOrderSet } from '../core/risk/live-order-set.js';
import type { CovarianceSource } from '../core/risk/portfolio-var.js';
import { PositionPublisher } from '../core/risk/position-publisher.js';
import { PreTradeChecker, type RiskBuffers } from '../core/risk/pre-trade-checks.js';
import { ReferenceBook } from '../core/risk/reference-book.js';
import { Reason } from '../core/risk/reject-reason.js';

export interface EngineLoopOptions {
  workerId: number;
  maxBatch: number;
  liveOrderCapacity: number;
  /** The portfolio VaR check's inputs; absent = no VaR check (core/risk/portfolio-var.ts). */
  portfolio?: {
    covariance: CovarianceSource;
    /** Sample interval (ms) of the returns behind the covariance. */
    sampleMs: number;
    /** Risk workers in the engine: this one owns symbol s when workerOf(s, workers) is its id. */
    workers: number;
  };
  /** Index of the gateway's link (accepted orders out, executions in), or -1: the stand-in exchange fills. */
  gatewayLink: number;
}

const MAX_QUEUED_NS = 2147483647;

export class EngineLoop implements Agent {
  readonly name: string;
  readonly checker: PreTradeChecker;
  private readonly book: ReferenceBook;
  private readonly live: LiveOrderSet;
  private readonly published: PositionPublisher;
  /** Stamps of the ticks applied in the current batch. */
  private readonly batchTickTimes: Float64Array;
  private readonly stats: Float64Array;
  private readonly tickHistogram: Uint32Array;
  /** The rolling returns this worker samples its symbols into; null with the correlation engine off. */
  private readonly returns: ReturnsWriter | null;
  /** sample()'s [mid, nowNs]: doubles travel in a typed array, not as (boxed) arguments. */
  private readonly sampleAt = new Float64Array(2);
  /** Whether the last order decided was rejected TRADING_HALTED (so haltSeenNs is stamped once per halt). */
  private halted = false;
  private shutdown = false;
  private finished = false;
  private readonly toGateway: RingProducer | null;

  constructor(
    /** inputs[k] and outputs[k] form link k; link 0 is main's. */
    private readonly inputs: readonly RingConsumer[],
    private readonly outputs: readonly RingProducer[],
    instruments: SharedArrayBuffer,
    statsView: WorkerStatsView,
    private readonly clock: MonotonicClock,
    private readonly opts: EngineLoopOptions,
    risk: RiskBuffers,
    /** The position board (core/risk/position-board.ts) this worker publishes its symbols' rows to. */
    positions: SharedArrayBuffer,
    /** The returns windows (ipc/returns-window-layout.ts), when the correlation engine is on. */
    returns?: SharedArrayBuffer,
  ) {
    this.name = `risk-worker-${opts.workerId}`;
    const symbols = attachInstrumentTable(instruments).length / SYMBOL_STRIDE;
    this.book = new ReferenceBook(symbols);
    this.live = new LiveOrderSet(opts.liveOrderCapacity);
    const p = opts.portfolio;
    const portfolio = p
      ? { covariance: p.covariance, sampleMs: p.sampleMs, board: positions, own: Uint8Array.from({ length: symbols }, (_, s) => (workerOf(s, p.workers) === opts.workerId ? 1 : 0)) }
      : null;
    this.checker = new PreTradeChecker(instruments, this.book, this.live, risk, clock, portfolio);
    this.published = new PositionPublisher(positions, this.checker.positions, this.book);
    this.batchTickTimes = new Float64Array(opts.maxBatch);
    this.stats = statsView.f64;
    this.tickHistogram = statsView.tickHistogram;
    this.returns = returns ? new ReturnsWriter(returns) : null;
    this.toGateway = opts.gatewayLink >= 0 ? outputs[opts.gatewayLink] : null;
  }

  /** True once a Shutdown frame was seen and every link has been drained. */
  get done(): boolean {
    return this.finished;
  }

  doWork(): number {
    let work = 0;
    for (let k = 0; k < this.inputs.length; k++) {
      const n = this.inputs[k].available();
      if (n !== 0) work += this.processBatch(k, n < this.opts.maxBatch ? n : this.opts.maxBatch);
    }
    if (work === 0 && this.shutdown) this.finished = true;
    return work;
  }

  /** Processes up to `n` available frames of link k; returns how many it took. */
  private processBatch(k: number, n: number): number {
    const input = this.inputs[k];
    const output = this.outputs[k];
    const inI32 = input.i32;
    const inF64 = input.f64;
    const stats = this.stats;
    let room = output.free(n);
    const gateway = this.toGateway;
    let gatewayRoom = gateway === null || gateway === output ? n : gateway.free(n);
    let orders = 0;
    let ticks = 0;
    let fills = 0;
    let controls = 0;
    let i = 0;
    this.checker.beginBatch();
    for (; i < n; i++) {
      const base = input.frameAt(i);
      const kind = inI32[base + Frame.kind];
      if (kind === FrameKind.NewOrder) {
        if (room === 0 || gatewayRoom === 0) break; // the rest waits until the source drains its decisions (and the gateway its orders)
        room--;
        orders++;
        if (this.decide(inI32, inF64, base, output) && gateway !== null) {
          gatewayRoom--;
          this.forward(inI32, inF64, base, gateway);
        }
      } else if (kind === FrameKind.MarketTick) {
        const s = inI32[base + Frame.symbol];
        this.book.apply(s, inF64, base >> 1);
        if (s >= 0 && s < this.book.symbols) {
          this.published.touch(s);
          if (this.returns !== null) this.sampleReturn(s);
        }
        this.batchTickTimes[ticks++] = inF64[(base >> 1) + MarketTick.time];
      } else if (kind === FrameKind.Fill) {
        const s = this.checker.onFill(inI32, inF64, base);
        if (s >= 0) this.published.touch(s);
        fills++;
      } else if (kind === FrameKind.Control) {
        const op = inI32[base + Control.op];
        if (op === ControlOp.Heartbeat) {
          if (room === 0) break;
          room--;
          this.echoHeartbeat(inI32, inF64, base, output);
        } else if (op === ControlOp.MarketDataStale) {
          const s = inI32[base + Frame.symbol];
          if (s >= 0 && s < this.book.symbols) this.book.markStale(s);
        } else if (op === ControlOp.Shutdown) {
          this.shutdown = true;
        }
        controls++;
      }
    }
    output.publish();
    if (gateway !== null && gateway !== output) gateway.publish();
    input.advance(i);
    input.release();
    // After the decisions are out: the board is for the operator, not on any order's path.
    this.published.publish();
    if (ticks !== 0) {
      this.clock.update();
      const now = this.clock.reading[0];
      const th = this.tickHistogram;
      const tickTimes = this.batchTickTimes;
      for (let t = 0; t < ticks; t++) th[bucketIndex(now - tickTimes[t])]++;
    }
    stats[WorkerStat.ordersIn] += orders;
    stats[WorkerStat.decisions] += orders;
    stats[WorkerStat.ticksIn] += ticks;
    stats[WorkerStat.fillsIn] += fills;
    stats[WorkerStat.controlsIn] += controls;
    stats[WorkerStat.batches]++;
    return i;
  }

  /** Offers symbol s's mid (the last trade where the book has no two sides yet) at the batch's clock reading. */
  private sampleReturn(s: number): void {
    const b = this.book;
    const at = this.sampleAt;
    const mid = (b.bid[s] + b.ask[s]) * 0.5;
    at[SAMPLE_MID] = mid === mid ? mid : b.last[s];
    at[SAMPLE_NOW_NS] = this.clock.reading[0];
    (this.returns as ReturnsWriter).sample(s, at);
  }

  /** Decides the order at `base` and writes its Decision; true when it was accepted. */
  private decide(inI32: Int32Array, inF64: Float64Array, base: number, output: RingProducer): boolean {
    const reason = this.checker.check(inI32, inF64, base);
    if (reason === Reason.ACCEPTED) this.published.touch(inI32[base + Frame.symbol]);
    if (reason === Reason.TRADING_HALTED) {
      if (!this.halted) {
        this.halted = true;
        this.clock.update(); // once per halt: the batch's reading may predate the halt's store
        this.stats[WorkerStat.haltSeenNs] = this.clock.reading[0];
      }
    } else if (this.halted) {
      this.halted = false;
      this.stats[WorkerStat.haltSeenNs] = 0;
    }
    const o = output.claim();
    const oi = output.i32;
    const of = output.f64;
    const d = base >> 1;
    const od = o >> 1;
    // The batch's clock reading (beginBatch) minus the send time: the ring hop.
    const queued = this.clock.reading[0] - inF64[d + NewOrder.time];
    oi[o + Frame.kind] = FrameKind.Decision;
    oi[o + Frame.symbol] = inI32[base + Frame.symbol];
    of[od + Decision.time] = inF64[d + NewOrder.time];
    of[od + Decision.clientId] = inF64[d + NewOrder.clientId];
    of[od + Decision.price] = reason === Reason.ACCEPTED ? this.checker.checkedPrice : inF64[d + NewOrder.price];
    of[od + Decision.quantity] = inF64[d + NewOrder.quantity];
    oi[o + Decision.seq] = inI32[base + NewOrder.seq];
    oi[o + Decision.side] = inI32[base + NewOrder.side];
    oi[o + Decision.reason] = reason;
    oi[o + Decision.queuedNs] = queued < 0 ? 0 : queued > MAX_QUEUED_NS ? MAX_QUEUED_NS : queued;
    oi[o + Decision.account] = inI32[base + NewOrder.account];
    oi[o + Decision.venue] = inI32[base + NewOrder.venue];
    return reason === Reason.ACCEPTED;
  }

  /** Copies an accepted order to the gateway, at the price it was checked at (a market order's reference). */
  private forward(inI32: Int32Array, inF64: Float64Array, base: number, gateway: RingProducer): void {
    const o = gateway.claim();
    const gi = gateway.i32;
    for (let j = 0; j < FRAME_I32; j++) gi[o + j] = inI32[base + j];
    gateway.f64[(o >> 1) + NewOrder.price] = this.checker.checkedPrice;
  }

  private echoHeartbeat(inI32: Int32Array, inF64: Float64Array, base: number, output: RingProducer): void {
    const o = output.claim();
    const d = base >> 1;
    output.i32[o + Frame.kind] = FrameKind.Control;
    output.i32[o + Frame.symbol] = this.opts.workerId;
    output.i32[o + Control.op] = inI32[base + Control.op];
    output.f64[(o >> 1) + Control.time] = inF64[d + Control.time];
    output.f64[(o >> 1) + Control.arg] = inF64[d + Control.arg];
  }
}
