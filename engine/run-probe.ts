/**
 * Watches a running engine from main's event loop, off the order path, for
 * the scenario runner (scripts/scenario.ts): every `intervalMs` it reads the
 * shared counters the threads keep anyway (the sources' decisions by reason,
 * the exposure ledger, the trading word) and keeps what a crash replay
 * reports: when each reject reason first appeared, when the kill switch
 * tripped and why, the peak gross exposure, the lowest realized PnL of the day.
 * Times are ms since the sources' common start. Reasons are read by code from
 * core/risk/reject-reason.ts, so a reason added later (VAR_LIMIT) is watched
 * without a change here.
 */
import { monotonicClock } from '../core/clock/monotonic-clock.js';
import { KILL_REASON_NAMES } from '../core/breaker/trading-state.js';
import { REASON_SLOTS, Reason, reasonName } from '../core/risk/reject-reason.js';
import { SOURCE_START_NS, SourceCommand, sourceStatsView, type SourceStatsView } from '../ipc/source-stats-layout.js';
import type { EngineRun } from './engine.js';

export interface ProbeReport {
  /** Ms from the start to the first reject of each reason seen. */
  firstRejectMs: Record<string, number>;
  /** Ms from the start to the kill switch tripping, and its reason; undefined when it did not trip. */
  killMs?: number;
  killReason?: string;
  /** Orders accepted (as read by their sources) from the trip on: decisions already on their way back. */
  acceptedAfterKill?: number;
  peakExposure: number;
  exposureLimit: number;
  /** Lowest realized PnL of the day seen (quote; a loss is negative). */
  lowestDailyPnl: number;
}

export class RunProbe {
  private readonly sources: SourceStatsView[];
  private readonly clock = monotonicClock();
  private readonly first = new Float64Array(REASON_SLOTS).fill(-1);
  private startNs = NaN;
  private timer: NodeJS.Timeout | undefined;
  private acceptedAtKill = NaN;
  private readonly out: ProbeReport;

  constructor(
    private readonly run: EngineRun,
    private readonly intervalMs: number,
    /** Called once, at the sample that first sees the kill switch tripped (ms since the start). */
    private readonly onKill: (ms: number) => void = () => {},
  ) {
    this.sources = run.assembly.sourceConfigs.map((c) => sourceStatsView(c.stats));
    const { exposure } = run.assembly.risk;
    this.out = { firstRejectMs: {}, peakExposure: 0, exposureLimit: exposure.limit() * exposure.exposureQuantum, lowestDailyPnl: 0 };
  }

  /** Starts sampling; the engine has given its sources their start time (startEngine has resolved). */
  start(): void {
    const v = this.sources[0];
    if (!v || Atomics.load(v.commands, SourceCommand.go) !== 1) throw new Error('run probe: the sources have not been given their start');
    this.startNs = v.commandsF64[SOURCE_START_NS];
    this.timer = setInterval(() => this.sample(), this.intervalMs);
  }

  /** Ms since the sources' start, now. */
  elapsedMs(): number {
    return (this.clock.nowNs() - this.startNs) / 1e6;
  }

  /** Stops sampling after one last sample; the report. */
  stop(): ProbeReport {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.sample();
    return this.out;
  }

  private sample(): void {
    const ms = Math.max(0, this.elapsedMs());
    let accepted = 0;
    for (let r = 0; r < REASON_SLOTS; r++) {
      let n = 0;
      for (const v of this.sources) n += v.byReason[r];
      if (r === Reason.ACCEPTED) accepted = n;
      else if (n > 0 && this.first[r] < 0) {
        this.first[r] = ms;
        this.out.firstRejectMs[reasonName(r)] = Math.round(ms);
      }
    }
    const { exposure, registry } = this.run.assembly.risk;
    const used = exposure.used() * exposure.exposureQuantum;
    if (used > this.out.peakExposure) this.out.peakExposure = used;
    const pnl = exposure.dailyPnl();
    if (pnl < this.out.lowestDailyPnl) this.out.lowestDailyPnl = pnl;
    const kill = registry.trading.killReason();
    if (kill !== 0 && this.out.killMs === undefined) {
      this.out.killMs = Math.round(ms);
      this.out.killReason = KILL_REASON_NAMES[kill] ?? String(kill);
      this.acceptedAtKill = accepted;
      this.onKill(ms);
    }
    if (this.out.killMs !== undefined) this.out.acceptedAfterKill = accepted - this.acceptedAtKill;
  }
}
