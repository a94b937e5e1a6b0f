/**
 * An order source's agent: everything one source thread does each pass.
 * Collect the decisions of its own orders from every worker (ledger,
 * latency, the stand-in exchange's fills) and, with a venue gateway, their
 * final states at the venue, move deferred frames (fills,
 * conflated ticks) into the rings, then pump the generator. After main's stop
 * command it stops generating and keeps collecting until every order it sent
 * has its decision and every fill is in a ring (and, with a venue gateway,
 * every accepted order its final state, for a bounded time: final-collector.ts); then it is done.
 * The counters main reads are copied into the stats block once a second
 * (publishStats), not per order.
 */
import { SourceCommand, SourceStat, type SourceStatsView } from '../../ipc/source-stats-layout.js';
import type { Agent } from '../agent/agent.js';
import type { Dispatcher } from '../dispatch/dispatcher.js';
import type { DecisionLedger } from '../metrics/decision-ledger.js';
import type { StandInExchange } from './stand-in-exchange.js';
import type { DecisionCollector } from './decision-collector.js';
import type { FinalCollector } from './final-collector.js';
import type { GeneratorPump } from './generator-pump.js';

/** Passes between looks at main's stop word (an Atomics.load each). */
const STOP_POLL = 16;


export class OrderSource implements Agent {
  readonly name: string;
  /** [0]: ms until the next order is due (paced), bounding a blocked sleep. */
  readonly sleepBoundMs = new Float64Array(1);
  private stopping = false;
  private finished = false;
  private passes = 0;

  constructor(
    sourceId: number,
    private readonly pump: GeneratorPump,
    private readonly collector: DecisionCollector,
    private readonly dispatcher: Dispatcher,
    private readonly ledger: DecisionLedger,
    /** null with a venue gateway: the worker hands accepted orders to it, not to this source. */
    private readonly venue: StandInExchange | null,
    private readonly stats: SourceStatsView,
    private readonly clockReading: Float64Array,
    /** With a venue gateway: the final states of this source's orders. */
    private readonly finals: FinalCollector | null = null,
  ) {
    this.name = `order-source-${sourceId}`;
  }

  /** Starts the schedule at startNs (a source is built and warm before main gives the start time). */
  begin(startNs: number): void {
    this.pump.begin(startNs);
  }

  get done(): boolean {
    return this.finished;
  }

  get draining(): boolean {
    return this.stopping;
  }

  doWork(): number {
    const d = this.dispatcher;
    let work = this.collector.drainAll();
    if (this.finals !== null) work += this.finals.drain();
    for (let w = 0; w < d.workers; w++) if (d.deferred(w) !== 0) d.flush(w);
    if (!this.stopping) {
      // Main's stop is a plain store/notify pair on its own line; seq-cst load here (see source-stats-layout.ts).
      if (++this.passes % STOP_POLL === 0 && Atomics.load(this.stats.commands, SourceCommand.stop) !== 0) this.stopping = true;
      else work += this.pump.pump();
      // Through the registers: a double returned by a getter V8 does not inline is a heap number per pass.
      this.sleepBoundMs[0] = (this.pump.due[0] - this.clockReading[0]) / 1e6;
    }
    if (this.stopping) {
      d.publishAll();
      let deferred = 0;
      for (let w = 0; w < d.workers; w++) deferred += d.deferred(w);
      if (deferred === 0 && this.ledger.outstanding === 0) this.finished = this.finals === null || this.finals.settled(this.stats.f64[SourceStat.accepted]);
    }
    return work;
  }

  /** Copies the counters kept in plain fields into the shared block (housekeeping, and at the end). */
  publishStats(): void {
    const f = this.stats.f64;
    f[SourceStat.backpressure] = this.pump.backpressureRejects;
    f[SourceStat.ticksSent] = this.pump.ticks;
    f[SourceStat.fillsSent] = this.venue === null ? 0 : this.venue.fills;
    f[SourceStat.fillsQueuedPeak] = this.dispatcher.fillsQueuedPeak;
    f[SourceStat.conflatedTicks] = this.dispatcher.conflatedTicks;
  }
}
